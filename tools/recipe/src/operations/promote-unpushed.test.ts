// promote builds on the remote's base branch: a snapshot recorded without --push is not there.
// Real git with a bare remote, the real CLI shell; no forge is needed before the push.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
let first: string;

const remoteHas = (ref: string) => {
  try {
    return execFileSync('git', ['--git-dir', repo.remote, 'rev-parse', '--verify', '--quiet', ref], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
};
const recipe = (args: string[]) => runRecipe(repo.root, args, { GITHUB_TOKEN: '' });

beforeAll(() => {
  repo = createFixtureRepo();
  // Staging takes unverified snapshots here; no forge: nothing here gets as far as the push.
  const file = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('    gates:\n      verified: true\n  - name: prod', '  - name: prod').replace(/ {2}forge:\n(?: {4}.*\n)+/, ''));
  repo.git(['commit', '-q', '-m', 'chore(releases): no gates on staging', '--', 'releases/environments.yaml']);
  repo.git(['push', '-q', 'origin', 'main']);
});

afterAll(() => repo.cleanup());

test('a snapshot recorded without --push: promote says it is only in the checkout, names it, and how to push it', async () => {
  const recorded = await recipe(['snapshot', 'dev', '--skip-verify', 'no cluster in tests', '--json']);
  expect(recorded.code, recorded.stderr).toBe(0);
  first = JSON.parse(recorded.stdout).id;
  const before = treeDigest(repo.root);
  const { code, stderr } = await recipe(['promote', 'staging']);
  expect(code).toBe(1);
  expect(stderr).toContain(`no snapshot of dev to promote to staging on origin/main: the newest snapshot of dev, ${first.slice(0, 12)} (recorded `);
  expect(stderr).toMatch(/\(recorded \S+Z\) is in your checkout, not committed and not pushed to origin/);
  expect(stderr).toContain('git add releases/snapshots && git commit -m "chore(releases): snapshot dev" && git push');
  expect(stderr).toContain('"recipe snapshot dev --push" records and pushes in one step');
  expect(stderr).not.toContain('record what runs in dev');
  expect(treeDigest(repo.root)).toEqual(before);
  expect(remoteHas('refs/heads/recipe/promote-staging')).toBe(false);
});

test('committed but not pushed: promote names the local commit and says git push, also for --snapshot', async () => {
  repo.git(['add', 'releases/snapshots']);
  repo.git(['commit', '-q', '-m', 'chore(releases): snapshot dev']);
  const commit = repo.git(['rev-parse', '--short=7', 'HEAD']);
  for (const args of [['promote', 'staging'], ['promote', 'staging', '--snapshot', first.slice(0, 10)]]) {
    const { code, stderr } = await recipe(args);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(args.length === 2 ? `no snapshot of dev to promote to staging on origin/main: the newest snapshot of dev, ${first.slice(0, 12)} \\(recorded \\S+\\)` : `no snapshot ${first.slice(0, 10)} on origin/main: snapshot ${first.slice(0, 12)} \\(recorded \\S+ in dev\\)`));
    expect(stderr).toContain(`is committed locally in ${commit} and not pushed to origin`);
    expect(stderr).toContain('fix: push it with "git push", then run "recipe promote staging" again');
  }
  expect(remoteHas('refs/heads/recipe/promote-staging')).toBe(false);
});

test('once pushed it is promoted; a newer snapshot still only local is named beside the one promoted', async () => {
  repo.git(['push', '-q', 'origin', 'main']);
  const set = await recipe(['set', 'dev', `records=${repo.commits.records[2]}`, '--commit']);
  expect(set.code, set.stderr).toBe(0);
  const newer = await recipe(['snapshot', 'dev', '--skip-verify', 'no cluster in tests', '--commit', '--json']);
  expect(newer.code, newer.stderr).toBe(0);
  const second = JSON.parse(newer.stdout).id as string;
  const { code, stdout, stderr } = await recipe(['promote', 'staging', '--dry-run']);
  expect(code, stderr).toBe(0);
  expect(stdout).toContain(`dev snapshot ${first.slice(0, 12)}`);
  expect(stderr).toContain(`note: the newest snapshot of dev, ${second.slice(0, 12)} (recorded `);
  expect(stderr).toContain(`this promotes ${first.slice(0, 12)}, the newest on origin/main that passes the gates. Push it with "git push"`);
});
