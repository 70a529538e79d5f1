// GitLab as a team meets it: promotions through merge requests against a loopback GitLab API v4
// driven by the real gitbeaker client, real git with a bare remote, the real CLI shell. Each
// message names merge requests, !N and GitLab's own remedies, never GitHub's.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeGitLab, type FakeForge } from '../test-support/fake-forge.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
let gitlab: FakeForge;
let snapshot: string;

/** Services beside records and web, named so that the full title of promoting them is exactly 256 characters: GitHub takes it, GitLab does not. */
const EXTRA = ['billing', 'checkout', 'inventory-worker', 'notification-hub', 'payment-ledger'];

const remote = (args: string[]) => execFileSync('git', ['--git-dir', repo.remote, ...args], { encoding: 'utf8' }).trim();
const remoteHas = (ref: string) => {
  try {
    return remote(['rev-parse', '--verify', '--quiet', ref]) !== '';
  } catch {
    return false;
  }
};

function recipe(args: string[], env: Record<string, string | undefined> = {}) {
  // Retries wait 10 ms, 20 ms, ... here instead of 0.5 s, 1 s, ...
  return runRecipe(repo.root, args, { GITLAB_TOKEN: gitlab.token, GITHUB_TOKEN: '', GITLAB_CI: '', RECIPE_FORGE_RETRY_BASE_MS: '10', ...env });
}

function configure(edit: (text: string) => string, message: string) {
  const file = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  repo.git(['commit', '-q', '-m', message, '--', 'releases/environments.yaml']);
  repo.git(['push', '-q', 'origin', 'main']);
}

const forgeBlock = /( {2}forge:\n)(?: {4}.*\n)+/;

beforeAll(async () => {
  repo = createFixtureRepo();
  gitlab = await startFakeGitLab({ branchExists: (name) => remoteHas(`refs/heads/${name}`) });
  // Staging takes unverified snapshots here: these tests are about the forge.
  const services = EXTRA.map((name) => `  ${name}:\n    project: services/records\n    chart: charts/records\n    image: registry.gitlab.example/acme/platform/${name}\n`).join('');
  configure(
    (text) =>
      text
        .replace(forgeBlock, `$1    type: gitlab\n    apiUrl: ${gitlab.apiUrl}\n    project: acme/platform\n`)
        .replace('    gates:\n      verified: true\n  - name: prod', '  - name: prod')
        .replace(/services:\n/, `services:\n${services}`),
    'chore(releases): GitLab, and more services',
  );
  const set = await recipe(['set', 'dev', ...EXTRA.map((name) => `${name}=${repo.commits.records[2]}`), '--push']);
  expect(set.code, set.stderr).toBe(0);
  const recorded = await recipe(['snapshot', 'dev', '--skip-verify', 'no cluster in tests', '--push', '--json']);
  expect(recorded.code, recorded.stderr).toBe(0);
  snapshot = JSON.parse(recorded.stdout).id;
});

afterAll(async () => {
  await gitlab.close();
  repo.cleanup();
});

describe('promotions on GitLab', () => {
  test('a promotion whose title would run past 255 characters opens its merge request, the title cut to fit', async () => {
    const { commits } = repo;
    const move = (service: string, from: string | undefined, to: string) => `${service} ${from ? from.slice(0, 7) : '(none)'} -> ${to.slice(0, 7)}`;
    const moves = [...EXTRA.map((name) => move(name, undefined, commits.records[2]!)), move('records', commits.records[1], commits.records[3]!), move('web', commits.web[0], commits.web[1]!)].sort();
    const full = `promote(staging): dev snapshot ${snapshot.slice(0, 12)}: ${moves.join(', ')}`;
    // GitHub's limit would keep it whole, and GitLab would refuse it (400 "is too long").
    expect(full.length).toBe(256);
    const { code, stdout, stderr } = await recipe(['promote', 'staging']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('opened merge request !1: https://gitlab.example/acme/platform/-/merge_requests/1');
    const mr = gitlab.pulls[0]!;
    expect(mr.title.length).toBeLessThanOrEqual(255);
    expect(mr.title).toBe(`${moves.slice(0, 6).reduce((title, m) => `${title}${m}, `, `promote(staging): dev snapshot ${snapshot.slice(0, 12)}: `)}1 more changed`);
    expect(mr.labels).toEqual(['promotion', 'env:staging']);
    expect(`${stdout}\n${stderr}`).not.toMatch(/pull request/);
  });

  test('a failed update of the open merge request points at !N, not at opening one by hand', async () => {
    gitlab.failWhen((r) => r.method === 'PUT' && r.path.endsWith('/merge_requests/1'), 409);
    const { code, stderr } = await recipe(['promote', 'staging', '--override', 'INC-9: take it again']);
    expect(code).toBe(2);
    expect(stderr).toContain('GitLab: updating merge request !1 failed: GitLab answered 409');
    expect(stderr).toContain('the branch recipe/promote-staging');
    expect(stderr).toContain('run the command again to update merge request !1');
    expect(stderr).not.toContain('open it by hand');
    expect(stderr).not.toMatch(/pull request/);
    const again = await recipe(['promote', 'staging', '--override', 'INC-9: take it again']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/(kept|updated) merge request !1/);
    expect(gitlab.pulls).toHaveLength(1);
    expect(gitlab.pulls[0]!.title).toContain('OVERRIDE');
  });

  test('a refused token is named once: 401 Unauthorized, not 401 401', async () => {
    const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
    const { code, stderr } = await recipe(['promote', 'staging'], { GITLAB_TOKEN: 'glpat-wrong' });
    expect(code).toBe(2);
    expect(stderr).toContain('GitLab: checking GITLAB_TOKEN on acme/platform failed: GitLab answered 401 Unauthorized');
    expect(stderr).not.toContain('401 401');
    expect(stderr).toContain('GITLAB_TOKEN was refused');
    expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
  });

  test('a 403 asks for a token with the api scope and at least the Developer role, not GitHub permissions', async () => {
    // A read_api token reads the project but may not create the merge request.
    gitlab.pulls[0]!.state = 'closed';
    gitlab.failWhen((r) => r.method === 'POST' && r.path.endsWith('/merge_requests'), 403);
    const { code, stderr } = await recipe(['promote', 'staging']);
    expect(code).toBe(2);
    expect(stderr).toContain('GitLab: creating the merge request for recipe/promote-staging failed: GitLab answered 403');
    expect(stderr).toContain('a token with the `api` scope and at least the Developer role on the project');
    expect(stderr).not.toMatch(/Pull requests|pull request|write access/);
    expect(stderr).toContain('https://example.test/acme/platform/-/merge_requests/new?merge_request[source_branch]=recipe/promote-staging');
    const reporter = await startFakeGitLab({ canWrite: false });
    configure((text) => text.replace(/apiUrl: .*/, `apiUrl: ${reporter.apiUrl}`), 'chore(releases): a project where the token is a Reporter');
    try {
      const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
      const refused = await recipe(['promote', 'staging', '--override', 'as a Reporter'], { GITLAB_TOKEN: reporter.token });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("GitLab answered 403 the token's role on the project is below Developer (access level 20)");
      expect(refused.stderr).toContain('a token with the `api` scope and at least the Developer role');
      expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
    } finally {
      configure((text) => text.replace(/apiUrl: .*/, `apiUrl: ${gitlab.apiUrl}`), 'chore(releases): back to the test GitLab');
      await reporter.close();
    }
  });

  test('a 502 after every retry is reported as GitLab answering 502, not as an unreachable URL', async () => {
    // gitbeaker asks 10 times itself per request, recipe 4 times: 40 answers of 502.
    gitlab.failWhen((r) => r.method === 'GET' && r.path.includes('/merge_requests?'), 502, 40);
    const { code, stderr } = await recipe(['promote', 'staging']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/GitLab: looking up the open merge request of recipe\/promote-staging: answered 502; retrying in \d+ ms \(attempt 2 of 4\)/);
    expect(stderr).toContain('GitLab answered 502 every time gitbeaker asked (after 4 attempts)');
    expect(stderr).toContain('GitLab is failing on its side (502): run the command again later');
    expect(stderr).not.toContain('could not reach');
    expect(stderr).not.toContain('check repository.forge.apiUrl');
  });
});

describe('GitLab CI', () => {
  test('in a GitLab CI job the project and the API URL come from CI_PROJECT_PATH and CI_API_V4_URL (or CI_SERVER_URL)', async () => {
    configure((text) => text.replace(forgeBlock, '$1    type: gitlab\n'), 'chore(releases): GitLab CI names the project');
    const before = treeDigest(repo.root);
    const branch = remote(['rev-parse', 'refs/heads/recipe/promote-staging']);
    const outside = await recipe(['promote', 'staging', '--override', 'from CI']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('releases/environments.yaml: repository.forge.project: no project to open the merge request on: repository.forge.project is not set and CI_PROJECT_PATH is not there (not running in GitLab CI)');
    expect(outside.stderr).toContain('fix: add "project: <group/project>" under repository.forge');
    expect(remote(['rev-parse', 'refs/heads/recipe/promote-staging'])).toBe(branch);
    expect(treeDigest(repo.root)).toEqual(before);

    const origin = gitlab.apiUrl.replace(/\/api\/v4$/, '');
    const ci = { GITLAB_CI: 'true', CI_PROJECT_PATH: 'acme/platform' };
    const pulls = gitlab.pulls.length;
    const inCi = await recipe(['promote', 'staging', '--override', 'from CI'], { ...ci, CI_API_V4_URL: gitlab.apiUrl, CI_SERVER_URL: 'http://127.0.0.1:1' });
    expect(inCi.code, inCi.stderr).toBe(0);
    expect(inCi.stdout).toMatch(/(opened|updated) merge request !\d+/);
    const byServer = await recipe(['promote', 'staging', '--override', 'from CI, by the server URL'], { ...ci, CI_SERVER_URL: origin });
    expect(byServer.code, byServer.stderr).toBe(0);
    expect(byServer.stdout).toMatch(/updated merge request !\d+/);
    expect(gitlab.pulls.length).toBeLessThanOrEqual(pulls + 1);
    expect(gitlab.pulls.find((p) => p.state === 'open' && p.head === 'recipe/promote-staging')!.title).toContain('OVERRIDE');
  });
});
