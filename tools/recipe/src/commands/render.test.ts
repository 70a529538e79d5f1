import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
beforeEach(() => {
  repo = createFixtureRepo();
});
afterEach(() => repo.cleanup());

const file = (rel: string) => path.join(repo.root, rel);

describe('recipe render', () => {
  test('--check passes on an up-to-date repository', async () => {
    const result = await runRecipe(repo.root, ['render', '--check']);
    expect(result).toMatchObject({ code: 0, stdout: 'flux/ is up to date for dev, staging, prod\n' });
  });

  test('--check exits 1 naming every stale file and writes nothing', async () => {
    writeFileSync(file('releases/prod/values/web.yaml'), 'replicaCount: 2\n');
    rmSync(file('releases/staging/flux/records.yaml'));
    writeFileSync(file('releases/dev/flux/extra.yaml'), 'kind: ConfigMap\n');
    const tree = treeDigest(repo.root);
    const result = await runRecipe(repo.root, ['render', '--check', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).stale).toEqual([
      { env: 'dev', file: 'releases/dev/flux/extra.yaml', change: 'removed' },
      { env: 'staging', file: 'releases/staging/flux/records.yaml', change: 'added' },
      { env: 'prod', file: 'releases/prod/flux/web.yaml', change: 'changed' },
    ]);
    expect(treeDigest(repo.root)).toEqual(tree);
  });

  test('render rewrites stale files, removes files that should not exist and is then up to date', async () => {
    writeFileSync(file('releases/prod/values/web.yaml'), 'replicaCount: 2\n');
    writeFileSync(file('releases/dev/flux/extra.yaml'), 'kind: ConfigMap\n');
    const result = await runRecipe(repo.root, ['render']);
    expect(result.stdout).toBe('removed releases/dev/flux/extra.yaml\nwrote releases/prod/flux/web.yaml\n');
    expect(existsSync(file('releases/dev/flux/extra.yaml'))).toBe(false);
    expect(readFileSync(file('releases/prod/flux/web.yaml'), 'utf8')).toContain('replicaCount: 2');
    expect((await runRecipe(repo.root, ['render', '--check'])).code).toBe(0);
  });

  test('rendering twice gives byte for byte the same tree', async () => {
    rmSync(file('releases/dev/flux'), { recursive: true });
    await runRecipe(repo.root, ['render']);
    const first = treeDigest(repo.root);
    rmSync(file('releases/dev/flux'), { recursive: true });
    await runRecipe(repo.root, ['render', 'dev']);
    expect(treeDigest(repo.root)).toEqual(first);
  });

  test('values that are not a mapping are an error naming the file, and nothing is written', async () => {
    writeFileSync(file('releases/dev/values/web.yaml'), '- a\n- b\n');
    rmSync(file('releases/dev/flux/records.yaml'));
    const tree = treeDigest(repo.root);
    const result = await runRecipe(repo.root, ['render']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('releases/dev/values/web.yaml:1:1: Helm values must be a mapping');
    expect(treeDigest(repo.root)).toEqual(tree);
  });
});
