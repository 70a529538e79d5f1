import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RecipeError } from '../model/errors.ts';
import { extractAt, isAncestor, logBetween, pushRefusal, resolveCommit, showFile } from './git.ts';

let root: string;
let out: string;
const git = (args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'recipe-git-'));
  out = mkdtempSync(path.join(tmpdir(), 'recipe-git-out-'));
  git(['init', '-q', '-b', 'main']);
  mkdirSync(path.join(root, 'charts'));
  for (const round of [1, 2]) {
    writeFileSync(path.join(root, 'charts/values.yaml'), `round: ${round}\n`);
    git(['add', '-A']);
    git(['-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '-q', '-m', `chore: round ${round}`]);
  }
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

test('revisions people name reach git: HEAD~1, branches and SHAs', async () => {
  const head = git(['rev-parse', 'HEAD']);
  expect(await showFile(root, 'HEAD~1', 'charts/values.yaml')).toBe('round: 1\n');
  expect(await resolveCommit(root, 'main')).toBe(head);
  expect(await resolveCommit(root, 'no-such-branch')).toBeUndefined();
  expect(await isAncestor(root, 'HEAD~1', head)).toBe(true);
  expect((await logBetween(root, 'HEAD~1', 'main', ['charts'])).map((c) => c.subject)).toEqual(['chore: round 2']);
  await extractAt(root, head, ['charts'], out);
  expect(readdirSync(path.join(out, 'charts'))).toEqual(['values.yaml']);
});

test('an argument git would read as an option never reaches git: each adapter refuses it and writes nothing', async () => {
  const target = path.join(out, 'injected');
  mkdirSync(`${target}:charts`, { recursive: true });
  const option = `--output=${target}`;
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['showFile', () => showFile(root, option, 'charts/values.yaml')],
    ['resolveCommit', () => resolveCommit(root, option)],
    ['isAncestor', () => isAncestor(root, option, 'HEAD')],
    ['logBetween', () => logBetween(root, 'HEAD', option, ['charts'])],
    ['extractAt', () => extractAt(root, option, ['charts'], out)],
  ];
  for (const [name, call] of calls) {
    const error = await call().then(() => undefined, (caught: unknown) => caught);
    expect([name, error instanceof RecipeError && error.message]).toEqual([name, expect.stringContaining(`"${option}" is not a git revision recipe accepts`)]);
  }
  expect(readdirSync(`${target}:charts`)).toEqual([]);
});

test('a push the remote refuses for good is told apart from a race that a retry on the fresh tip fixes', () => {
  // git push --porcelain: the ref line on stdout, the remote's words on stderr.
  expect(pushRefusal('To github.com:acme/platform.git\n!\tHEAD:refs/heads/main\t[remote rejected] (protected branch hook declined)\nDone\nremote: error: GH006: Protected branch update failed for refs/heads/main.')).toBe(
    'GH006: Protected branch update failed for refs/heads/main.; [remote rejected] (protected branch hook declined)',
  );
  expect(pushRefusal('!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nremote: GitLab: You are not allowed to push code to protected branches on this project.')).toBe(
    'GitLab: You are not allowed to push code to protected branches on this project.; [remote rejected] (pre-receive hook declined)',
  );
  expect(pushRefusal('!\tHEAD:refs/heads/main\t[rejected] (fetch first)\nDone')).toBeUndefined();
  expect(pushRefusal('!\tHEAD:refs/heads/main\t[rejected] (non-fast-forward)')).toBeUndefined();
  expect(pushRefusal('!\tHEAD:refs/heads/main\t[remote rejected] (cannot lock ref \'refs/heads/main\': is at 1a2b but expected 3c4d)')).toBeUndefined();
  expect(pushRefusal('!\trefs/heads/recipe/promote-prod\t[rejected] (stale info)')).toBeUndefined();
});
