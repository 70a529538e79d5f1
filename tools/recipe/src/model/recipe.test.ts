import { describe, expect, test } from 'vitest';
import { environmentsYaml } from '../test-support/fixture-repo.ts';
import { validateEnvironments } from './environments.ts';
import { applyServiceCommits, holdError, setRecipeSnapshot, stringifyRecipe, validateRecipe } from './recipe.ts';
import { parseYamlFile } from './yaml-file.ts';

const environments = validateEnvironments(parseYamlFile(environmentsYaml, 'releases/environments.yaml')).value!;
const file = 'releases/dev/recipe.yaml';
const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);
const text = `---
# What runs in dev.
environment: dev
services:
  # the API
  records:
    commit: ${a}   # built by CI
    version: "1.4.0"
  web:
    commit: ${b}
    version: 2.0.1  # keep
`;

function changedLines(before: string, after: string): number[] {
  const left = before.split('\n');
  const right = after.split('\n');
  expect(right.length).toBe(left.length);
  return left.flatMap((line, index) => (line === right[index] ? [] : [index + 1]));
}

describe('recipe.yaml', () => {
  test('a valid recipe is read into plain data', () => {
    const { value } = validateRecipe(parseYamlFile(text, file), 'dev', environments);
    expect(value).toEqual({ environment: 'dev', services: { records: { commit: a, version: '1.4.0' }, web: { commit: b, version: '2.0.1' } } });
  });

  test('a malformed commit is reported at file:line:column with the field and the fix', () => {
    const [problem] = validateRecipe(parseYamlFile(text.replace(a, '1a2b3c4'), file), 'dev', environments).problems;
    expect(problem!.format()).toBe(`${file}:7:13: services.records.commit: "1a2b3c4" must match pattern "^[0-9a-f]{40}$"\n  fix: expected the full 40-hex commit SHA of the monorepo (git rev-parse <commit>)`);
  });

  test('an unknown service is reported at its key, listing the known ones', () => {
    const [problem] = validateRecipe(parseYamlFile(text.replace('  web:', '  wbe:'), file), 'dev', environments).problems;
    expect([problem!.line, problem!.column, problem!.message]).toEqual([9, 3, 'unknown service "wbe"']);
    expect(problem!.hint).toContain('known services: records, web');
  });

  test('a recipe in the wrong folder is rejected', () => {
    const [problem] = validateRecipe(parseYamlFile(text, 'releases/prod/recipe.yaml'), 'prod', environments).problems;
    expect(problem!.message).toBe('says "dev" but the file is in releases/prod/');
  });

  test('bumping one service changes exactly its lines and keeps every comment and spacing', () => {
    const yaml = parseYamlFile(text, file);
    applyServiceCommits(yaml, [{ service: 'records', commit: c, version: '1.5.0' }]);
    const after = stringifyRecipe(yaml);
    expect(changedLines(text, after)).toEqual([7, 8]);
    expect(after).toContain(`    commit: ${c}   # built by CI\n    version: "1.5.0"\n`);
  });

  test('a version that would read as a number is quoted', () => {
    const yaml = parseYamlFile(text, file);
    applyServiceCommits(yaml, [{ service: 'web', commit: c, version: '2.0' }]);
    expect(stringifyRecipe(yaml)).toContain('    version: "2.0"  # keep\n');
  });

  test('a change without a version removes the stale version line', () => {
    const yaml = parseYamlFile(text, file);
    applyServiceCommits(yaml, [{ service: 'web', commit: c }]);
    expect(stringifyRecipe(yaml)).toBe(text.replace(b, c).replace('    version: 2.0.1  # keep\n', ''));
  });

  test('a new service is appended and the comments survive', () => {
    const yaml = parseYamlFile(text, file);
    applyServiceCommits(yaml, [{ service: 'search', commit: c, version: '0.1.0' }]);
    const after = stringifyRecipe(yaml);
    expect(after).toContain('# What runs in dev.');
    expect(after).toContain('# the API');
    expect(after.trimEnd().endsWith(`  search:\n    commit: ${c}\n    version: 0.1.0`)).toBe(true);
  });

  test('the snapshot a recipe was filled from is set and cleared in place', () => {
    const yaml = parseYamlFile(text, file);
    setRecipeSnapshot(yaml, 'f'.repeat(64));
    const withSnapshot = stringifyRecipe(yaml);
    expect(withSnapshot).toContain(`snapshot: ${'f'.repeat(64)}`);
    const again = parseYamlFile(withSnapshot, file);
    setRecipeSnapshot(again, undefined);
    expect(stringifyRecipe(again)).not.toContain('snapshot:');
  });

  test('the hold refusal names the reason and how to lift it', () => {
    const error = holdError('dev', { reason: 'records broke checkout', since: '2026-11-22T10:00:00Z', by: 'jane' }, file);
    expect(error.exitCode).toBe(1);
    expect(error.format()).toBe(`${file}: hold: environment "dev" is on hold since 2026-11-22T10:00:00Z by jane: records broke checkout\n  fix: fix the cause, then run "recipe unhold dev" before moving it`);
  });
});
