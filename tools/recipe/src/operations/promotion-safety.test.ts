// Races between real `recipe` processes on one bare remote, and forge failures after the push.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runRecipe } from '../test-support/run-recipe.ts';
import { startFakeGitHub, startFakeGitLab, type FakeForge } from '../test-support/fake-forge.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';

const bin = fileURLToPath(new URL('../../bin/recipe.js', import.meta.url));
let repo: FixtureRepo;
let forge: FakeForge;
let onForgeRequest: ((request: { method: string; path: string }) => void) | undefined;
let snapshots: { first: string; second: string };
let webCommit: string;
/** Two CI jobs' clones, reused: each run fetches what it builds on. */
let ciA: string;
let ciB: string;

/** The real CLI in its own process, as CI would run it, in `root`. */
function recipeProcess(root: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, RECIPE_ROOT: root, GITHUB_TOKEN: forge.token } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function recipe(args: string[], env: Record<string, string | undefined> = {}) {
  // Retries wait 10 ms, 20 ms, ... here instead of 0.5 s, 1 s, ...
  return runRecipe(repo.root, args, { GITHUB_TOKEN: forge.token, RECIPE_FORGE_RETRY_BASE_MS: '10', ...env });
}

const remote = (args: string[]) => execFileSync('git', ['--git-dir', repo.remote, ...args], { encoding: 'utf8' }).trim();
const remoteHas = (ref: string) => {
  try {
    return remote(['rev-parse', '--verify', '--quiet', ref]) !== '';
  } catch {
    return false;
  }
};

function setForgeUrl(apiUrl: string) {
  const file = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/apiUrl: .*/, `apiUrl: ${apiUrl}`));
  repo.git(['commit', '-q', '-m', 'chore(releases): point the forge at the test server', '--', 'releases/environments.yaml']);
  repo.git(['push', '-q', 'origin', 'main']);
}

beforeAll(async () => {
  repo = createFixtureRepo();
  forge = await startFakeGitHub({ branchExists: (name) => remoteHas(`refs/heads/${name}`), onRequest: (request) => onForgeRequest?.(request) });
  // Staging takes unverified snapshots here: these tests are about races and forge failures.
  const file = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('    gates:\n      verified: true\n  - name: prod', '  - name: prod'));
  setForgeUrl(forge.apiUrl);
  const first = await recipe(['snapshot', 'dev', '--skip-verify', 'no cluster in tests', '--push', '--json']);
  expect(first.code, first.stderr).toBe(0);
  const set = await recipe(['set', 'dev', `records=${repo.commits.records[2]}`, '--push']);
  expect(set.code, set.stderr).toBe(0);
  const second = await recipe(['snapshot', 'dev', '--skip-verify', 'no cluster in tests', '--push', '--json']);
  snapshots = { first: JSON.parse(first.stdout).id, second: JSON.parse(second.stdout).id };
  webCommit = repo.commits.web[0]!;
  [ciA, ciB] = [repo.clone('ci-a'), repo.clone('ci-b')];
});

afterAll(async () => {
  await forge.close();
  repo.cleanup();
});

describe('races on one remote', () => {
  test('two promotions of the same environment leave one commit on the branch and one pull request that describes it', async () => {
    const [a, b] = [ciA, ciB];
    const results = await Promise.all([recipeProcess(a, ['promote', 'staging', '--snapshot', snapshots.first]), recipeProcess(b, ['promote', 'staging', '--snapshot', snapshots.second])]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(remote(['rev-list', '--count', 'refs/heads/main..refs/heads/recipe/promote-staging'])).toBe('1');
    expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging~1'])).toBe(remote(['rev-parse', 'refs/heads/main']));
    const open = forge.pulls.filter((p) => p.state === 'open' && p.head === 'recipe/promote-staging');
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toBe(remote(['log', '-1', '--format=%s', 'refs/heads/recipe/promote-staging']));
    expect(remote(['rev-list', '--merges', '--all'])).toBe('');
  });

  test('a run whose branch moved while it wrote the pull request starts over, so the pull request describes the branch', async () => {
    const branch = 'refs/heads/recipe/promote-staging';
    const competing = remote(['rev-parse', 'refs/heads/main']);
    let moved = false;
    onForgeRequest = (request) => {
      // Another run pushes its promotion right after ours was pushed, while we write the pull request.
      if (!moved && request.method === 'GET' && request.path.includes('/pulls')) {
        moved = true;
        remote(['update-ref', branch, competing]);
      }
    };
    try {
      const { code, stdout, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.second]);
      expect(code, stderr).toBe(0);
      expect(moved).toBe(true);
      expect(stdout).toContain('after 2 attempts');
    } finally {
      onForgeRequest = undefined;
    }
    expect(remote(['rev-parse', `${branch}~1`])).toBe(remote(['rev-parse', 'refs/heads/main']));
    const open = forge.pulls.filter((p) => p.state === 'open' && p.head === 'recipe/promote-staging');
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toBe(remote(['log', '-1', '--format=%s', branch]));
    expect(open[0]!.title).toContain(snapshots.second.slice(0, 12));
  });

  test('a promotion and a set racing both land, with no merge commit and no lost change', async () => {
    const [a, b] = [ciA, ciB];
    const [promotion, set] = await Promise.all([
      recipeProcess(a, ['promote', 'staging', '--snapshot', snapshots.first]),
      recipeProcess(b, ['set', 'dev', `web=${webCommit}`, '--push']),
    ]);
    expect(promotion.code, promotion.stderr).toBe(0);
    expect(set.code, set.stderr).toBe(0);
    expect(remote(['show', 'refs/heads/main:releases/dev/recipe.yaml'])).toContain(`commit: ${webCommit}`);
    expect(remote(['show', 'refs/heads/recipe/promote-staging:releases/staging/recipe.yaml'])).toContain(`snapshot: ${snapshots.first}`);
    expect(remote(['rev-list', '--merges', '--all'])).toBe('');
  });

  test('a hold and a set pushed at once both land on main, one after the other', async () => {
    const [a, b] = [ciA, ciB];
    const [hold, set] = await Promise.all([
      recipeProcess(a, ['hold', 'prod', '--reason', 'INC-7: checkout errors', '--push']),
      recipeProcess(b, ['set', 'dev', `web=${repo.commits.web[1]}`, '--push']),
    ]);
    expect(hold.code, hold.stderr).toBe(0);
    expect(set.code, set.stderr).toBe(0);
    expect(remote(['show', 'refs/heads/main:releases/prod/recipe.yaml'])).toContain('reason: "INC-7: checkout errors"');
    expect(remote(['show', 'refs/heads/main:releases/dev/recipe.yaml'])).toContain(`commit: ${repo.commits.web[1]}`);
    expect(remote(['rev-list', '--merges', '--all'])).toBe('');
    const unhold = await recipeProcess(a, ['unhold', 'prod', '--push']);
    expect(unhold.code, unhold.stderr).toBe(0);
  });
});

describe('forge failures', () => {
  // The pull request look-up comes after the push; the token check before it.
  const afterPush = (r: { method: string; path: string }) => r.method === 'GET' && r.path.includes('/pulls');

  test.each([
    [401, /GitHub: looking up the open pull request of recipe\/promote-staging failed: GitHub answered 401 Bad credentials/, /GITHUB_TOKEN was refused/],
    [404, /failed: GitHub answered 404 Not Found/, /acme\/platform was not found at http/],
    [422, /failed: GitHub answered 422 Validation Failed/, /base branch exists/],
  ])('a %i after the push says what failed and that the branch was pushed', async (status, message, hint) => {
    repo.git(['pull', '-q', '--ff-only']);
    const before = treeDigest(repo.root);
    forge.failWhen(afterPush, status);
    const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.second]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(hint);
    expect(stderr).toMatch(/the branch recipe\/promote-staging \([0-9a-f]{7}\) was pushed to origin: nothing is lost/);
    expect(stderr).toContain('https://example.test/acme/platform/compare/main...recipe/promote-staging');
    expect(remote(['show', 'refs/heads/recipe/promote-staging:releases/staging/recipe.yaml'])).toContain(`snapshot: ${snapshots.second}`);
    expect(treeDigest(repo.root)).toEqual(before);
  });

  test('a wrong token is found by one cheap call before anything is pushed', async () => {
    const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
    const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.first], { GITHUB_TOKEN: 'not-the-token' });
    expect(code).toBe(2);
    expect(stderr).toContain('GitHub: checking GITHUB_TOKEN on acme/platform failed: GitHub answered 401 Bad credentials');
    expect(stderr).toContain('GITHUB_TOKEN was refused');
    expect(stderr).not.toContain('was pushed');
    expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
  });

  test('a token that may read but not push is refused before the push, with what it needs', async () => {
    const readOnly = await startFakeGitHub({ canWrite: false });
    setForgeUrl(readOnly.apiUrl);
    try {
      const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
      const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.first], { GITHUB_TOKEN: readOnly.token });
      expect(code).toBe(2);
      expect(stderr).toContain('GitHub answered 403 the token can read the repository but not push to it');
      expect(stderr).toContain('"Contents" and "Pull requests" read and write');
      expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
    } finally {
      setForgeUrl(forge.apiUrl);
      await readOnly.close();
    }
  });

  test('5xx answers are retried with backoff, saying so, and the promotion goes through', async () => {
    repo.git(['pull', '-q', '--ff-only']);
    forge.failWhen(afterPush, 502, 2);
    const { code, stderr, stdout } = await recipe(['promote', 'staging', '--snapshot', snapshots.first]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/recipe: GitHub: looking up the open pull request of recipe\/promote-staging: answered 502; retrying in \d+ ms \(attempt 2 of 4\)/);
    expect(stderr).toContain('(attempt 3 of 4)');
    expect(stdout).toMatch(/(opened|updated) pull request #\d+/);
  });

  test('a 4xx is never retried', async () => {
    repo.git(['pull', '-q', '--ff-only']);
    const sent = forge.requests.length;
    forge.failWhen(afterPush, 403);
    const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.second]);
    expect(code).toBe(2);
    expect(stderr).not.toContain('retrying');
    expect(forge.requests.slice(sent).filter(afterPush)).toHaveLength(1);
  });

  test('a forge that stays down is reported as answering 5xx after the retries, not as unreachable', async () => {
    forge.failWhen(afterPush, 503, 4);
    const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.first]);
    expect(code).toBe(2);
    expect(stderr).toContain('GitHub answered 503 Server Error (after 4 attempts)');
    expect(stderr).toContain('GitHub is failing on its side (503): run the command again later');
    expect(stderr).not.toContain('could not reach');
  });

  test('an unreachable forge says which URL, retried, before anything is pushed', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    setForgeUrl(`http://127.0.0.1:${port}`);
    try {
      const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
      const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.second]);
      expect(code).toBe(2);
      expect(stderr).toContain(`could not reach http://127.0.0.1:${port} (after 4 attempts)`);
      expect(stderr).toMatch(/ECONNREFUSED/);
      expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
    } finally {
      setForgeUrl(forge.apiUrl);
    }
  });

  test('a missing token stops before anything is pushed', async () => {
    const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
    const { code, stderr } = await recipe(['promote', 'staging', '--snapshot', snapshots.second], { GITHUB_TOKEN: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('GITHUB_TOKEN is not set');
    expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
  });
});

describe('GitLab', () => {
  test('a promotion opens a merge request on a self-hosted GitLab named in environments.yaml, and a second one updates it', async () => {
    const gitlab = await startFakeGitLab({ branchExists: (name) => remoteHas(`refs/heads/${name}`) });
    const file = path.join(repo.root, 'releases/environments.yaml');
    repo.git(['pull', '-q', '--ff-only']);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('type: github', 'type: gitlab').replace(/apiUrl: .*/, `apiUrl: ${gitlab.apiUrl}`));
    repo.git(['commit', '-q', '-m', 'chore(releases): use GitLab', '--', 'releases/environments.yaml']);
    repo.git(['push', '-q', 'origin', 'main']);
    try {
      const env = { GITLAB_TOKEN: gitlab.token, GITHUB_TOKEN: '' };
      const first = await recipe(['promote', 'staging', '--snapshot', snapshots.first], env);
      expect(first.code, first.stderr).toBe(0);
      const second = await recipe(['promote', 'staging', '--snapshot', snapshots.second], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('updated merge request !1: https://gitlab.example/acme/platform/-/merge_requests/1');
      expect(gitlab.pulls).toHaveLength(1);
      expect(gitlab.pulls[0]).toMatchObject({ head: 'recipe/promote-staging', base: 'main', labels: ['promotion', 'env:staging'] });
      expect(gitlab.pulls[0]!.title).toContain(`dev snapshot ${snapshots.second.slice(0, 12)}`);
      expect(gitlab.pulls[0]!.body).toContain('https://example.test/acme/platform/-/compare/');
    } finally {
      writeFileSync(file, original);
      repo.git(['commit', '-q', '-m', 'chore(releases): back to GitHub', '--', 'releases/environments.yaml']);
      repo.git(['push', '-q', 'origin', 'main']);
      await gitlab.close();
    }
  });
});
