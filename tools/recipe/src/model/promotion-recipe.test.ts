import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PromotionPlan } from './promotion.ts';
import { editRecipeText, setTopLevel } from './promotion-recipe.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const recipe = `---
# What runs in prod.
environment: prod
services:
  records:
    commit: ${A}   # the records service
    version: 1.0.0
  # web follows records
  web:
    commit: ${A}
`;
const file = 'releases/prod/recipe.yaml';
const hold = { reason: 'rolled back: records broke checkout', since: '2026-11-22T10:00:00Z', by: 'jane@example.com' };

describe('setTopLevel', () => {
  it('adds a hold just before services and leaves every other byte alone', () => {
    const out = setTopLevel(file, recipe, 'hold', hold);
    expect(out).toBe(recipe.replace('services:\n', `hold:\n  reason: "rolled back: records broke checkout"\n  since: 2026-11-22T10:00:00Z\n  by: jane@example.com\nservices:\n`));
  });

  it('removes a hold as whole lines and gives back the original text', () => {
    expect(setTopLevel(file, setTopLevel(file, recipe, 'hold', hold), 'hold', null)).toBe(recipe);
  });

  it('replaces an existing entry in place', () => {
    const once = setTopLevel(file, recipe, 'override', 'first reason');
    const twice = setTopLevel(file, once, 'override', 'second reason');
    expect(twice).toBe(recipe.replace('services:\n', 'override: second reason\nservices:\n'));
  });

  it('keeps a comment that stands before the next entry', () => {
    const text = `environment: prod\noverride: x # why\n# the services\nservices: {}\n`;
    expect(setTopLevel(file, text, 'override', null)).toBe('environment: prod\n# the services\nservices: {}\n');
  });

  it('leaves a file without the entry unchanged when asked to remove it', () => {
    expect(setTopLevel(file, recipe, 'hold', null)).toBe(recipe);
  });
});

describe('editRecipeText', () => {
  const plan: PromotionPlan = {
    kind: 'promote',
    environment: 'prod',
    source: { type: 'snapshot', id: 'c'.repeat(64), environment: 'staging' },
    changes: [
      { service: 'records', current: { commit: A, version: '1.0.0' }, next: { commit: B, version: '1.1.0' }, changed: true },
      { service: 'web', current: { commit: A }, next: { commit: A }, changed: false },
    ],
    unmetGates: [],
    snapshotId: 'c'.repeat(64),
    override: 'hotfix INC-42',
  };

  it('writes the commits, the snapshot and the override, moving only those lines', () => {
    const out = editRecipeText(file, recipe, { plan });
    expect(parse(out)).toMatchObject({ snapshot: 'c'.repeat(64), override: 'hotfix INC-42', services: { records: { commit: B, version: '1.1.0' }, web: { commit: A } } });
    expect(out).toContain(`    commit: ${B}   # the records service\n`);
    expect(out).toContain('  # web follows records\n');
    expect(out.split('\n').slice(0, 5)).toEqual(['---', '# What runs in prod.', 'environment: prod', `snapshot: ${'c'.repeat(64)}`, 'override: hotfix INC-42']);
  });

  it('clears an old override when the new promotion has none', () => {
    const withOverride = editRecipeText(file, recipe, { plan });
    const { override: _, ...withoutOverride } = plan;
    expect(editRecipeText(file, withOverride, { plan: withoutOverride })).not.toContain('override:');
  });

  it('puts a rollback on hold with when and who', () => {
    const rollback: PromotionPlan = { ...plan, kind: 'rollback', override: undefined, hold: { reason: 'rolled back' } };
    expect(parse(editRecipeText(file, recipe, { plan: rollback, hold: { ...hold, reason: 'rolled back' } })).hold).toEqual({ ...hold, reason: 'rolled back' });
  });
});
