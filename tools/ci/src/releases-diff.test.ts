// recipe diff of what a pull request changes in releases/, with the real recipe CLI on recipe's own
// fixture monorepo (two services, several commits each, a rendered releases/ folder).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line platform/boundaries -- recipe's private test fixture; goes when releases-diff becomes `recipe diff <env>@<base> <env>@<head>` (issue 17, item 3)
import { createFixtureRepo, type FixtureRepo } from '../../recipe/src/test-support/fixture-repo.ts';
import { changedEnvironments, diffMarkdown, releasesDiff, withScratchEnvironment, COMMENT_LIMIT } from './releases-diff.ts';
import { gitIdentity } from './test-support/temp-repo.ts';
import { repoRoot } from './test-support/workspace.ts';

let fixture: FixtureRepo;
let base: string;
let newest: string;

beforeAll(() => {
  fixture = createFixtureRepo();
  base = fixture.head;
  newest = fixture.commits.records.at(-1)!;
  execFileSync(process.execPath, [join(repoRoot, 'tools/recipe/bin/recipe.js'), 'set', 'prod', `records=${newest}`, '--force', '--commit'], {
    cwd: fixture.root,
    env: { ...process.env, ...gitIdentity, RECIPE_ROOT: fixture.root },
    stdio: 'pipe',
  });
});

afterAll(() => fixture.cleanup());

describe('releasesDiff', () => {
  it('diffs each changed environment against itself before the change', () => {
    const diffs = releasesDiff(fixture.root, base, 'HEAD');
    expect(diffs.map(({ environment, status }) => ({ environment, status }))).toEqual([{ environment: 'prod', status: 0 }]);
    expect(diffs[0]!.text).toMatch(new RegExp(`^records: [0-9a-f]{7} -> ${newest.slice(0, 7)}`, 'm'));
    expect(diffs[0]!.text).not.toMatch(/^web:/m);
  });

  it('leaves no scratch worktree behind', () => {
    releasesDiff(fixture.root, base, 'HEAD');
    expect(fixture.git(['worktree', 'list']).split('\n')).toHaveLength(1);
  });
});

describe('changedEnvironments', () => {
  it('names environments whose folder changed, in promotion order, ignoring snapshots', () => {
    expect(changedEnvironments(['releases/prod/recipe.yaml', 'releases/dev/flux/web.yaml', 'releases/snapshots/abc.yaml', 'services/records/a.ts'], ['dev', 'staging', 'prod'])).toEqual(['dev', 'prod']);
  });
});

describe('withScratchEnvironment', () => {
  it('adds a copy of the environment without promotion source or gates', () => {
    const text = withScratchEnvironment('environments:\n  - name: prod\n    namespace: p\n    from: staging\n    gates:\n      soak: 24h\n', 'prod', 'prod-before');
    expect(text).toContain('- name: prod-before\n    namespace: p\n    auto: false\n');
    expect(text.match(/from: staging/g)).toHaveLength(1);
  });
});

describe('diffMarkdown', () => {
  it('stays under the comment size limit', () => {
    const body = diffMarkdown([{ environment: 'prod', status: 0, text: 'x'.repeat(COMMENT_LIMIT * 2) }], 'a'.repeat(40), 'b'.repeat(40));
    expect(body.length).toBeLessThan(COMMENT_LIMIT + 200);
    expect(body).toContain('Truncated');
  });
});
