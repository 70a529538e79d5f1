// recipe diff of what a pull request changes in releases/, through the recipe library, on a real
// git repository: a service with Conventional Commits, and a releases/ folder whose prod recipe
// the "pull request" moves forward while dev gains an environment folder only at head.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedEnvironments, diffMarkdown, releasesDiff, COMMENT_LIMIT } from './releases-diff.ts';
import { tempRepo, type TempRepo } from './test-support/temp-repo.ts';

const environments = `---
repository:
  url: https://git.example.test/acme/platform.git
  webUrl: https://git.example.test/acme/platform
environments:
  - name: dev
    namespace: platform-dev
    auto: true
  - name: prod
    namespace: platform-prod
services:
  records:
    project: services/records
    chart: charts/records
    image: ghcr.io/acme/platform/records
`;
const recipe = (env: string, commit: string) => `---\nenvironment: ${env}\nservices:\n  records:\n    commit: ${commit}\n`;

let repo: TempRepo;
let first: string;
let second: string;
let third: string;
let base: string;

beforeAll(() => {
  repo = tempRepo('ci-releases-diff-');
  first = repo.commit('feat(records): first', { 'services/records/a.ts': '1\n', 'charts/records/Chart.yaml': 'name: records\n' });
  second = repo.commit('fix(records): second', { 'services/records/a.ts': '2\n' });
  third = repo.commit('feat(records)!: third\n\nBREAKING CHANGE: the API moved', { 'services/records/a.ts': '3\n' });
  base = repo.commit('chore(releases): prod runs the first commit', { 'releases/environments.yaml': environments, 'releases/prod/recipe.yaml': recipe('prod', first) });
  repo.commit('promote(prod): records to the third commit', { 'releases/prod/recipe.yaml': recipe('prod', third), 'releases/dev/recipe.yaml': recipe('dev', third) });
});

afterAll(() => repo.cleanup());

describe('releasesDiff', () => {
  it('diffs each changed environment as committed at base against itself at head, as recipe diff does', async () => {
    const diffs = await releasesDiff(repo.root, base, 'HEAD');
    expect(diffs.map(({ environment, status }) => ({ environment, status }))).toEqual([
      { environment: 'dev', status: 2 },
      { environment: 'prod', status: 0 },
    ]);
    const prod = diffs[1]!.text;
    expect(prod).toMatch(new RegExp(`^records: ${first.slice(0, 7)} -> ${third.slice(0, 7)}$`, 'm'));
    expect(prod).toContain('2 commits added');
    expect(prod).toContain(`https://git.example.test/acme/platform/compare/${first}...${third}`);
    expect(prod).toMatch(/BREAKING CHANGES:\n\s+- records: the API moved/);
    expect(prod).toContain(`records: second (${second.slice(0, 7)}`);
  });

  it('says which recipe is missing at base, naming the file and revision, for an environment new in the change', async () => {
    const [dev] = await releasesDiff(repo.root, base, 'HEAD');
    expect(dev!.text).toContain(`recipe: releases/dev/recipe.yaml does not exist at "${base}"`);
  });

  it('touches nothing: no worktree, no file written', async () => {
    await releasesDiff(repo.root, base, 'HEAD');
    expect(repo.git(['worktree', 'list']).split('\n')).toHaveLength(1);
    expect(repo.git(['status', '--porcelain'])).toBe('');
  });
});

describe('changedEnvironments', () => {
  it('names environments whose folder changed, in promotion order, ignoring snapshots', () => {
    expect(changedEnvironments(['releases/prod/recipe.yaml', 'releases/dev/flux/web.yaml', 'releases/snapshots/abc.yaml', 'services/records/a.ts'], ['dev', 'staging', 'prod'])).toEqual(['dev', 'prod']);
  });
});

describe('diffMarkdown', () => {
  it('stays under the comment size limit', () => {
    const body = diffMarkdown([{ environment: 'prod', status: 0, text: 'x'.repeat(COMMENT_LIMIT * 2) }], 'a'.repeat(40), 'b'.repeat(40));
    expect(body.length).toBeLessThan(COMMENT_LIMIT + 200);
    expect(body).toContain('Truncated');
  });

  it('says when recipe diff failed for an environment', () => {
    expect(diffMarkdown([{ environment: 'dev', status: 2, text: 'recipe: releases/dev/recipe.yaml does not exist' }], 'a'.repeat(40), 'b'.repeat(40))).toContain('recipe diff exited with status 2:');
  });
});
