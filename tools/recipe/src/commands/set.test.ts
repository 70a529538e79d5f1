import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe, spawnRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
beforeEach(() => {
  repo = createFixtureRepo();
});
afterEach(() => repo.cleanup());

const read = (file: string, root = repo.root) => readFileSync(path.join(root, file), 'utf8');

describe('recipe set', () => {
  test('bumping one service changes exactly its lines and re-renders only its flux file', async () => {
    const before = read('releases/dev/recipe.yaml');
    const target = repo.commits.records[1]!;
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${target}@1.1.0`]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`dev records: ${repo.commits.records[3]!.slice(0, 7)} -> ${target.slice(0, 7)} (1.1.0)`);
    const after = read('releases/dev/recipe.yaml');
    expect(after).toBe(before.replace(`commit: ${repo.commits.records[3]}   # the records service\n    version: 1.0.0`, `commit: ${target}   # the records service\n    version: 1.1.0`));
    expect(repo.git(['status', '--porcelain'])).toBe('M releases/dev/flux/records.yaml\n M releases/dev/recipe.yaml');
    expect(read('releases/dev/flux/records.yaml')).toContain(`commit: ${target}`);
    expect((await runRecipe(repo.root, ['render', '--check'])).code).toBe(0);
  });

  test('--json reports each change with its previous commit and the files written', async () => {
    const result = await runRecipe(repo.root, ['set', 'dev', `web=${repo.commits.web[0]}`, '--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      environment: 'dev',
      changes: [{ service: 'web', commit: repo.commits.web[0], from: repo.commits.web[1] }],
      files: ['releases/dev/recipe.yaml', 'releases/dev/flux/web.yaml'],
    });
  });

  test('setting the commits an environment already runs changes nothing', async () => {
    const tree = treeDigest(repo.root);
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[3]}@1.0.0`, '--commit']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to do');
    expect(treeDigest(repo.root)).toEqual(tree);
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(repo.head);
  });

  test('--force moves an environment that is not auto', async () => {
    const result = await runRecipe(repo.root, ['set', 'staging', `records=${repo.commits.records[2]}`, '--force']);
    expect(result.code).toBe(0);
    expect(read('releases/staging/recipe.yaml')).toContain(repo.commits.records[2]);
  });

  test('a held environment is refused with the reason and "recipe unhold", exit 1, no file changed', async () => {
    const file = path.join(repo.root, 'releases/dev/recipe.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('environment: dev\n', 'environment: dev\nhold:\n  reason: "rolled back: records broke checkout"\n  since: 2026-11-22T10:00:00Z\n  by: jane@example.com\n'));
    const tree = treeDigest(repo.root);
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`, '--force', '--push']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('environment "dev" is on hold since 2026-11-22T10:00:00Z by jane@example.com: rolled back: records broke checkout');
    expect(result.stderr).toContain('recipe unhold dev');
    expect(treeDigest(repo.root)).toEqual(tree);
  });

  test('an invalid recipe is reported at file:line:column and nothing is written', async () => {
    const file = path.join(repo.root, 'releases/dev/recipe.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 2.0.0', 'verison: 2.0.0'));
    const tree = treeDigest(repo.root);
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('releases/dev/recipe.yaml:10:5: services.web.verison: unknown field "verison"');
    expect(treeDigest(repo.root)).toEqual(tree);
  });

  test('--commit makes one Conventional Commit holding only the recipe and its render', async () => {
    writeFileSync(path.join(repo.root, 'unrelated.txt'), 'work in progress\n');
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`, `web=${repo.commits.web[0]}`, '--commit']);
    expect(result.code).toBe(0);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe(`chore(releases): set dev records to ${repo.commits.records[2]!.slice(0, 7)}, web to ${repo.commits.web[0]!.slice(0, 7)}`);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD']).split('\n')).toEqual(['releases/dev/flux/records.yaml', 'releases/dev/flux/web.yaml', 'releases/dev/recipe.yaml']);
    expect(repo.git(['status', '--porcelain'])).toBe('?? unrelated.txt');
  });

  test('a commit that git refuses puts the recipe and its render back', async () => {
    writeFileSync(path.join(repo.root, '.git/index.lock'), '');
    const tree = treeDigest(repo.root);
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`, '--commit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('index.lock');
    expect(treeDigest(repo.root)).toEqual(tree);
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(repo.head);
  });

  test('--push lands the change on the remote', async () => {
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`, '--push']);
    expect(result.code).toBe(0);
    expect(repo.git(['rev-parse', 'origin/main'])).toBe(repo.git(['rev-parse', 'HEAD']));
    expect(repo.git(['show', 'main:releases/dev/recipe.yaml'], repo.remote)).toContain(repo.commits.records[2]);
  });

  test('--push to a remote that cannot be reached fails with exit 2 and says the change is committed locally', async () => {
    repo.git(['remote', 'set-url', 'origin', path.join(repo.root, 'no-such-remote.git')]);
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`, '--push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('push to origin main failed');
    expect(result.stderr).toMatch(/fix: the change is committed locally as [0-9a-f]{7}/);
  });

  test('--push on a remote that moved re-applies the change on top of it: nothing lost, no merge', async () => {
    const other = repo.clone('other');
    expect((await runRecipe(other, ['set', 'dev', `web=${repo.commits.web[0]}`, '--push'])).code).toBe(0);
    const result = await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}`, '--push', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).pushed).toEqual({ attempts: 2 });
    const recipe = repo.git(['show', 'main:releases/dev/recipe.yaml'], repo.remote);
    expect(recipe).toContain(`commit: ${repo.commits.web[0]}`);
    expect(recipe).toContain(`commit: ${repo.commits.records[2]}`);
    expect(repo.git(['rev-list', '--merges', '--count', 'main'], repo.remote)).toBe('0');
    expect(repo.git(['log', '--format=%s', '-3', 'main'], repo.remote).split('\n')).toEqual([
      `chore(releases): set dev records to ${repo.commits.records[2]!.slice(0, 7)}`,
      `chore(releases): set dev web to ${repo.commits.web[0]!.slice(0, 7)}`,
      'chore(releases): seed environments',
    ]);
    expect((await runRecipe(repo.root, ['render', '--check'])).code).toBe(0);
  });
});

describe('recipe set refuses', () => {
  // None of these writes anything, so they share one repository.
  let shared: FixtureRepo;
  beforeAll(() => {
    shared = createFixtureRepo();
  });
  afterAll(() => shared.cleanup());

  const refusals: Array<[string, (r: FixtureRepo) => string[], number, RegExp]> = [
    ['an environment that is not auto', (r) => ['set', 'staging', `records=${r.commits.records[2]}`], 2, /environment "staging" is not automatic[\s\S]*--force/],
    ['a commit that does not exist', () => ['set', 'dev', `records=${'0'.repeat(40)}`], 2, /does not exist in the repository/],
    ['a short SHA', (r) => ['set', 'dev', `records=${r.commits.records[2]!.slice(0, 7)}`], 2, /is not a full 40-hex commit SHA/],
    ['an unknown service', (r) => ['set', 'dev', `search=${r.commits.records[2]}`], 2, /unknown service "search"[\s\S]*records, web/],
    ['an unknown environment', (r) => ['set', 'qa', `records=${r.commits.records[2]}`], 2, /unknown environment "qa"[\s\S]*dev, staging, prod/],
    ['an argument that is not service=commit', () => ['set', 'dev', 'records'], 2, /is not <service>=<commit>/],
    ['a version that is not a semantic version', (r) => ['set', 'dev', `records=${r.commits.records[2]}@not-a-version`], 2, /"@not-a-version" after records's commit is not a semantic version[\s\S]*@1\.4\.0/],
  ];
  for (const [what, args, code, message] of refusals) {
    test(`${what} is refused and no file changes`, async () => {
      const tree = treeDigest(shared.root);
      const result = await runRecipe(shared.root, args(shared));
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(treeDigest(shared.root)).toEqual(tree);
    });
  }

});

describe('recipe set --push race', () => {
  test('two processes pushing different services to one remote both land and history stays linear', async () => {
    for (let round = 0; round < 2; round++) {
      const a = repo.clone(`ci-a-${round}`);
      const b = repo.clone(`ci-b-${round}`);
      const records = repo.commits.records[round]!;
      const web = repo.commits.web[round]!;
      const [first, second] = await Promise.all([spawnRecipe(a, ['set', 'dev', `records=${records}`, '--push', '--json']), spawnRecipe(b, ['set', 'dev', `web=${web}`, '--push', '--json'])]);
      expect([first.code, first.stderr, second.code, second.stderr]).toEqual([0, '', 0, '']);
      const recipe = repo.git(['show', 'main:releases/dev/recipe.yaml'], repo.remote);
      expect(recipe).toContain(`commit: ${records}`);
      expect(recipe).toContain(`commit: ${web}`);
      const flux = repo.git(['show', 'main:releases/dev/flux/web.yaml'], repo.remote);
      expect(flux).toContain(`commit: ${web}`);
    }
    expect(repo.git(['rev-list', '--merges', '--count', 'main'], repo.remote)).toBe('0');
    expect(repo.git(['rev-list', '--count', 'main'], repo.remote)).toBe(String(Number(repo.git(['rev-list', '--count', 'HEAD'])) + 4));
  });
});
