import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';
import { pullRequestIn } from '../operations/history.ts';

let repo: FixtureRepo;
beforeAll(async () => {
  repo = createFixtureRepo();
  // A change on a branch merged through a pull request, then a squash-merged one, then a direct push.
  repo.git(['switch', '-q', '-c', 'promote-dev']);
  await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[2]}@1.2.0`, '--commit']);
  repo.git(['switch', '-q', 'main']);
  repo.git(['merge', '-q', '--no-ff', '-m', 'Merge pull request #12 from acme/promote-dev\n\nPromote records', 'promote-dev']);
  await runRecipe(repo.root, ['set', 'dev', `web=${repo.commits.web[0]}`, '--commit']);
  repo.git(['commit', '-q', '--amend', '-m', `chore(releases): set dev web to ${repo.commits.web[0]!.slice(0, 7)} (#13)`]);
  await runRecipe(repo.root, ['set', 'dev', `records=${repo.commits.records[3]}@1.3.0`, '--commit']);
});
afterAll(() => repo.cleanup());

test('history lists who changed which service from what to what, newest first, with the pull request', async () => {
  const result = await runRecipe(repo.root, ['history', 'dev', '--json']);
  const events = JSON.parse(result.stdout).events as Array<Record<string, string>>;
  expect(events.map((e) => [e.service, e.from, e.to, e.toVersion, e.pullRequest, e.author])).toEqual([
    ['records', repo.commits.records[2], repo.commits.records[3], '1.3.0', undefined, 'Ada Lovelace'],
    ['web', repo.commits.web[1], repo.commits.web[0], undefined, '#13', 'Ada Lovelace'],
    ['records', repo.commits.records[3], repo.commits.records[2], '1.2.0', '#12', 'Ada Lovelace'],
    ['records', undefined, repo.commits.records[3], '1.0.0', undefined, 'Ada Lovelace'],
    ['web', undefined, repo.commits.web[1], '2.0.0', undefined, 'Ada Lovelace'],
  ]);
});

test('history as a table is limited with --limit', async () => {
  const result = await runRecipe(repo.root, ['history', 'dev', '--limit', '2']);
  const lines = result.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^WHEN \(UTC\)\s+SERVICE\s+CHANGE\s+BY\s+COMMIT\s+PR\s+SNAPSHOT$/);
  expect(lines).toHaveLength(3);
  expect(lines[2]).toContain(`web      ${repo.commits.web[1]!.slice(0, 7)} -> ${repo.commits.web[0]!.slice(0, 7)}`);
  expect(lines[2]).toContain('#13');
});

test('pull request numbers are read from GitHub and GitLab merge messages', () => {
  expect(pullRequestIn('Merge pull request #7 from a/b')).toBe('#7');
  expect(pullRequestIn('feat: x (#8)')).toBe('#8');
  expect(pullRequestIn("Merge branch 'x' into 'main'\n\nSee merge request group/project!9")).toBe('!9');
  expect(pullRequestIn('chore: nothing')).toBeUndefined();
});

test('history of an environment whose recipe was never committed says so', async () => {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const other = createFixtureRepo();
  try {
    const environments = `${other.root}/releases/environments.yaml`;
    const { readFileSync } = await import('node:fs');
    writeFileSync(environments, readFileSync(environments, 'utf8').replace('services:\n', '  - name: qa\n    namespace: platform-qa\nservices:\n'));
    mkdirSync(`${other.root}/releases/qa`);
    writeFileSync(`${other.root}/releases/qa/recipe.yaml`, 'environment: qa\nservices: {}\n');
    const result = await runRecipe(other.root, ['history', 'qa']);
    expect([result.code, result.stdout]).toEqual([0, 'no recorded changes to releases/qa/recipe.yaml\n']);
  } finally {
    other.cleanup();
  }
});
