import { describe, expect, it, test } from 'vitest';
import type { RecipeError } from './errors.ts';
import { nothingToChange, planPromotion, planRollback, promotionBranch, rollbackTarget, type CurrentRecipe } from './promotion.ts';
import { newSnapshot } from './snapshot.ts';

const [A, B, C, D] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(40)) as [string, string, string, string];
const snapshot = newSnapshot({
  services: { records: { commit: B, version: '1.5.0', image: 'ghcr.io/acme/records' }, web: { commit: C, version: '2.0.0', image: 'ghcr.io/acme/web' } },
  verification: { environment: 'staging', at: '2026-11-20T10:00:00Z', recipeCommit: D, verified: true, skipReason: null, checks: {}, evidence: [] },
});
const current: CurrentRecipe = { services: { records: { commit: A, version: '1.4.0' }, web: { commit: C, version: '2.0.0' } } };
const base = { environment: 'prod', from: 'staging', current, snapshot, unmetGates: [], knownServices: ['records', 'web'] };

function refusal(run: () => unknown): RecipeError {
  try {
    run();
  } catch (error) {
    return error as RecipeError;
  }
  throw new Error('expected a refusal');
}

describe('planPromotion', () => {
  it('changes the services whose commit differs and records the snapshot', () => {
    const plan = planPromotion(base);
    expect(plan.changes).toEqual([
      { service: 'records', current: { commit: A, version: '1.4.0' }, next: { commit: B, version: '1.5.0' }, changed: true },
      { service: 'web', current: { commit: C, version: '2.0.0' }, next: { commit: C, version: '2.0.0' }, changed: false },
    ]);
    expect(plan.snapshotId).toBe(snapshot.id);
    expect(nothingToChange(plan, current)).toBe(false);
  });

  it('refuses unmet gates with every one of them listed and exit 1', () => {
    const error = refusal(() => planPromotion({ ...base, unmetGates: ['verified: never verified', 'soak 1d: soaked 3h'] }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('  - verified: never verified\n  - soak 1d: soaked 3h');
    expect(error.hint).toContain('--override');
  });

  it('promotes despite unmet gates with --override and keeps them for the pull request', () => {
    const plan = planPromotion({ ...base, unmetGates: ['soak 1d: soaked 3h'], override: 'hotfix INC-42' });
    expect(plan).toMatchObject({ override: 'hotfix INC-42', unmetGates: ['soak 1d: soaked 3h'] });
  });

  it('refuses --only without --override because the combination was never tested', () => {
    expect(refusal(() => planPromotion({ ...base, only: ['records'] })).message).toMatch(/--only records: .* never tested together/);
  });

  it('takes only the named services with --only --override and names no snapshot', () => {
    const plan = planPromotion({ ...base, current: { services: { records: { commit: A }, web: { commit: A } } }, only: ['records'], override: 'hotfix' });
    expect(plan.changes.map((c) => [c.service, c.next.commit])).toEqual([['records', B], ['web', A]]);
    expect(plan.snapshotId).toBeUndefined();
  });

  it('refuses an --only service the snapshot does not have', () => {
    expect(refusal(() => planPromotion({ ...base, only: ['billing'], override: 'x' })).message).toContain('has no service "billing"');
  });

  it('refuses a snapshot naming a service environments.yaml does not list', () => {
    expect(refusal(() => planPromotion({ ...base, knownServices: ['records'] })).message).toContain('does not list: web');
  });

  it('refuses an environment on hold unless overridden', () => {
    const held = { ...current, hold: { reason: 'incident' } };
    expect(refusal(() => planPromotion({ ...base, current: held })).message).toContain('prod is on hold (incident)');
    expect(planPromotion({ ...base, current: held, override: 'fix forward' }).override).toBe('fix forward');
  });

  it('has nothing to change when the environment already runs the snapshot', () => {
    const same: CurrentRecipe = { services: { records: { commit: B, version: '1.5.0' }, web: { commit: C, version: '2.0.0' } }, snapshot: snapshot.id };
    expect(nothingToChange(planPromotion({ ...base, current: same }), same)).toBe(true);
  });

  it('adds a service the environment does not run yet', () => {
    const plan = planPromotion({ ...base, current: { services: { web: { commit: C, version: '2.0.0' } } } });
    expect(plan.changes[0]).toEqual({ service: 'records', next: { commit: B, version: '1.5.0' }, changed: true });
  });
});

describe('planRollback', () => {
  it('moves back to the target and puts the environment on hold with a reason naming it', () => {
    const plan = planRollback({ environment: 'prod', current, target: { source: { type: 'revision', revision: 'HEAD~1', commit: D }, services: { records: { commit: B }, web: { commit: C, version: '2.0.0' } } } });
    expect(plan.changes.filter((c) => c.changed).map((c) => c.service)).toEqual(['records']);
    expect(plan.hold?.reason).toBe('rolled back to releases ddddddd: records aaaaaaa -> bbbbbbb');
  });

  it('keeps a given reason', () => {
    const plan = planRollback({ environment: 'prod', current, reason: 'checkout broken', target: { source: { type: 'snapshot', id: snapshot.id, environment: 'staging' }, services: { records: { commit: B }, web: { commit: C } }, snapshotId: snapshot.id } });
    expect(plan.hold?.reason).toBe('checkout broken');
    expect(plan.snapshotId).toBe(snapshot.id);
  });
});

describe('promotionBranch', () => {
  it('is one branch per kind and environment', () => {
    expect(promotionBranch('promote', 'prod')).toBe('recipe/promote-prod');
    expect(promotionBranch('rollback', 'prod')).toBe('recipe/rollback-prod');
  });
});

describe('rollbackTarget', () => {
  const v = (commit: string, records: string, message = `promote(prod): ${commit}`) => ({ commit, message, services: { records: { commit: records.repeat(40) } } });

  test('goes to the state before the current one', () => {
    expect(rollbackTarget([v('3', 'c'), v('2', 'b'), v('1', 'a')], 'prod')?.target.commit).toBe('2');
  });

  test('after a rollback, skips the state rolled back from and goes one further back', () => {
    // a, b, c, rollback to b: the next rollback goes to a, never to c.
    const versions = [v('4', 'b', 'rollback(prod): to releases 2'), v('3', 'c'), v('2', 'b'), v('1', 'a')];
    const found = rollbackTarget(versions, 'prod')!;
    expect(found.target.commit).toBe('1');
    expect(found.skipped.map((s) => s.commit)).toEqual(['3']);
  });

  test('a rollback to a combination never run before still drops the one it left', () => {
    // a, b, then rollback --to a snapshot x: the next rollback goes to a, not b.
    expect(rollbackTarget([v('3', 'x', 'Merge pull request #9 from acme/recipe/rollback-prod'), v('2', 'b'), v('1', 'a')], 'prod')?.target.commit).toBe('1');
  });

  test('changes that keep the combination (a hold, a version label) are not states of their own', () => {
    expect(rollbackTarget([v('4', 'b', 'chore(releases): hold prod'), v('3', 'b'), v('2', 'a', 'chore(releases): unhold prod'), v('1', 'a')], 'prod')?.target.commit).toBe('2');
  });

  test('nothing older: undefined', () => {
    expect(rollbackTarget([v('1', 'a')], 'prod')).toBeUndefined();
    expect(rollbackTarget([v('3', 'a', 'rollback(prod): to 1'), v('2', 'b'), v('1', 'a')], 'prod')).toBeUndefined();
  });
});
