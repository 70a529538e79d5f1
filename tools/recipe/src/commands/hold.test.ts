// hold and unhold where the base branch is protected: a bare remote whose pre-receive hook refuses
// every update of refs/heads/main (as GitHub and GitLab do for a protected branch) and accepts
// other branches, real git, the real CLI shell, and loopback forges driven by octokit and gitbeaker.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeGitHub, startFakeGitLab, type FakeForge } from '../test-support/fake-forge.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
let github: FakeForge;

const remote = (args: string[]) => execFileSync('git', ['--git-dir', repo.remote, ...args], { encoding: 'utf8' }).trim();
const remoteHas = (ref: string) => {
  try {
    return remote(['rev-parse', '--verify', '--quiet', ref]) !== '';
  } catch {
    return false;
  }
};
const hook = () => path.join(repo.remote, 'hooks', 'pre-receive');

function protectMain() {
  writeFileSync(hook(), `#!/bin/sh
while read old new ref; do
  if [ "$ref" = refs/heads/main ]; then
    echo "GitLab: You are not allowed to push code to protected branches on this project." >&2
    exit 1
  fi
done
exit 0
`);
  chmodSync(hook(), 0o755);
}

/** Commits and pushes a change of environments.yaml as an admin would, past the protection. */
function configure(edit: (text: string) => string, message: string) {
  const file = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  repo.git(['commit', '-q', '-m', message, '--', 'releases/environments.yaml']);
  renameSync(hook(), `${hook()}.off`);
  try {
    repo.git(['push', '-q', 'origin', 'main']);
  } finally {
    renameSync(`${hook()}.off`, hook());
  }
}

/** What the forge's merge button does: main moves to the branch (no hook runs for the forge itself). */
function merge(forge: FakeForge, branch: string) {
  remote(['update-ref', 'refs/heads/main', `refs/heads/${branch}`]);
  remote(['update-ref', '-d', `refs/heads/${branch}`]);
  forge.pulls.find((p) => p.head === branch && p.state === 'open')!.state = 'closed';
  repo.git(['pull', '-q', '--ff-only']);
}

function recipe(args: string[], env: Record<string, string | undefined> = {}) {
  return runRecipe(repo.root, args, { GITHUB_TOKEN: github.token, RECIPE_FORGE_RETRY_BASE_MS: '10', ...env });
}

/** The checkout as it stands: files, HEAD and the local main. */
function checkout() {
  return { tree: treeDigest(repo.root), head: repo.git(['rev-parse', 'HEAD']), status: repo.git(['status', '--porcelain']) };
}

beforeAll(async () => {
  repo = createFixtureRepo();
  github = await startFakeGitHub({ branchExists: (name) => remoteHas(`refs/heads/${name}`) });
  protectMain();
  configure((text) => text.replace(/apiUrl: .*/, `apiUrl: ${github.apiUrl}`), 'chore(releases): point the forge at the test server');
});

afterAll(async () => {
  await github.close();
  repo.cleanup();
});

describe('hold on a protected base branch', () => {
  test('hold --push opens a pull request when the remote refuses the direct push, and leaves the checkout as it was', async () => {
    const main = remote(['rev-parse', 'refs/heads/main']);
    const before = checkout();
    const { code, stdout, stderr } = await recipe(['hold', 'prod', '--reason', 'INC-42: checkout errors', '--push']);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('recipe: origin refused the direct push to main');
    expect(stdout).toContain('prod goes on hold once the pull request is merged: INC-42: checkout errors (releases/prod/recipe.yaml)');
    expect(stderr).toContain('(GitLab: You are not allowed to push code to protected branches on this project.; [remote rejected] (pre-receive hook declined))');
    expect(stdout).toMatch(/pushed [0-9a-f]{7} to origin recipe\/hold-prod/);
    expect(stdout).toContain('opened pull request #1: https://github.example/acme/platform/pull/1');
    expect(remote(['rev-parse', 'refs/heads/main'])).toBe(main);
    expect(remote(['rev-parse', 'refs/heads/recipe/hold-prod~1'])).toBe(main);
    expect(remote(['show', 'refs/heads/recipe/hold-prod:releases/prod/recipe.yaml'])).toMatch(/hold:\n {2}reason: "INC-42: checkout errors"\n {2}since: \S+Z\n {2}by: ada@example.test\n/);
    expect(remote(['diff', '--name-only', 'refs/heads/main', 'refs/heads/recipe/hold-prod'])).toBe('releases/prod/recipe.yaml');
    const pull = github.pulls[0]!;
    expect(pull).toMatchObject({ head: 'recipe/hold-prod', base: 'main', title: 'hold(prod): INC-42: checkout errors', labels: ['hold', 'env:prod'] });
    expect(pull.body).toContain('- **Why:** INC-42: checkout errors');
    expect(pull.body).toContain('- **Who:** ada@example.test');
    expect(pull.body).toContain('Merging this pull request writes `hold:` into `releases/prod/recipe.yaml` on `main`');
    expect(pull.body).toContain('`recipe set prod` refuses');
    // Nothing half-written: no hold, no commit, no staged change in the checkout.
    expect(checkout()).toEqual(before);
  });

  test('a rerun with the same reason pushes nothing and leaves the pull request as it is', async () => {
    const branch = remote(['rev-parse', 'refs/heads/recipe/hold-prod']);
    const pull = { ...github.pulls[0]! };
    const sent = github.requests.length;
    const { code, stdout, stderr } = await recipe(['hold', 'prod', '--reason', 'INC-42: checkout errors', '--push']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`origin recipe/hold-prod already holds this change (${branch.slice(0, 7)}): nothing pushed`);
    expect(stdout).toContain('kept pull request #1');
    expect(remote(['rev-parse', 'refs/heads/recipe/hold-prod'])).toBe(branch);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toEqual(pull);
    expect(github.requests.slice(sent).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  test('--pull-request goes by pull request without trying the base branch', async () => {
    const before = checkout();
    const { code, stdout, stderr } = await recipe(['hold', 'staging', '--reason', 'freeze for the audit', '--pull-request', '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('refused');
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ environment: 'staging', via: 'pull-request', request: { branch: 'recipe/hold-staging', pullRequest: { number: 2, action: 'created' }, forge: 'github' } });
    expect(out.refused).toBeUndefined();
    expect(github.pulls.find((p) => p.head === 'recipe/hold-staging')).toMatchObject({ labels: ['hold', 'env:staging'], title: 'hold(staging): freeze for the audit' });
    expect(checkout()).toEqual(before);
  });

  test('--direct is refused by the protected branch, says how to go by pull request, and changes nothing', async () => {
    const before = checkout();
    const main = remote(['rev-parse', 'refs/heads/main']);
    const { code, stderr } = await recipe(['hold', 'dev', '--reason', 'INC-43', '--direct']);
    expect(code).toBe(1);
    expect(stderr).toContain('origin refused the push to main: GitLab: You are not allowed to push code to protected branches on this project.; [remote rejected] (pre-receive hook declined)');
    expect(stderr).toContain('recipe hold dev --pull-request');
    expect(stderr).not.toContain('rejected 5 times');
    expect(remote(['rev-parse', 'refs/heads/main'])).toBe(main);
    expect(remoteHas('refs/heads/recipe/hold-dev')).toBe(false);
    expect(checkout()).toEqual(before);
  });

  test('by pull request without the forge token: says which variable, or --direct, before anything is pushed', async () => {
    const before = checkout();
    const { code, stderr } = await recipe(['hold', 'dev', '--reason', 'INC-46', '--pull-request'], { GITHUB_TOKEN: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('GITHUB_TOKEN is not set: a token is needed to open the pull request on GitHub');
    expect(stderr).toContain('or pass --direct if you may push to main');
    const fallback = await recipe(['hold', 'dev', '--reason', 'INC-46', '--push'], { GITHUB_TOKEN: '' });
    expect(fallback.code).toBe(2);
    expect(fallback.stderr).toContain('GITHUB_TOKEN is not set');
    expect(fallback.stderr).toContain('main refused the direct push, so this goes by pull request');
    expect(remoteHas('refs/heads/recipe/hold-dev')).toBe(false);
    expect(checkout()).toEqual(before);
  });

  test('--pull-request and --direct together are a usage error', async () => {
    const { code, stderr } = await recipe(['hold', 'dev', '--reason', 'x', '--pull-request', '--direct']);
    expect(code).toBe(2);
    expect(stderr).toContain('--pull-request and --direct exclude each other');
  });

  test('once the hold is merged, unhold --push lifts it by pull request too', async () => {
    merge(github, 'recipe/hold-prod');
    const refused = await recipe(['set', 'prod', `records=${repo.commits.records[3]}`, '--force']);
    expect(refused.code).toBe(1);
    repo.git(['checkout', '-q', '--', '.']);
    const before = checkout();
    const { code, stdout, stderr } = await recipe(['unhold', 'prod', '--push']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('prod leaves its hold once the pull request is merged');
    const pull = github.pulls.find((p) => p.head === 'recipe/unhold-prod')!;
    expect(pull).toMatchObject({ title: 'unhold(prod): lift "INC-42: checkout errors"', labels: ['unhold', 'env:prod'] });
    expect(pull.body).toContain('- **Lifts:** INC-42: checkout errors');
    expect(remote(['show', 'refs/heads/recipe/unhold-prod:releases/prod/recipe.yaml'])).not.toContain('hold:');
    expect(checkout()).toEqual(before);
  });

  test('unhold of an environment that is not on hold on the base branch opens nothing', async () => {
    const { code, stdout, stderr } = await recipe(['unhold', 'dev', '--pull-request']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('dev is not on hold on origin/main: nothing to do (no branch, no pull request)');
    expect(remoteHas('refs/heads/recipe/unhold-dev')).toBe(false);
  });
});

test('recipe set --push reports a protected branch at once instead of retrying it as a race', async () => {
  const head = repo.git(['rev-parse', 'HEAD']);
  const { code, stderr } = await recipe(['set', 'dev', `web=${repo.commits.web[0]}`, '--push']);
  expect(code).toBe(1);
  expect(stderr).toContain('origin refused the push to main: GitLab: You are not allowed to push code to protected branches on this project.');
  expect(stderr).toMatch(/the change is committed locally as [0-9a-f]{7}; push it on another branch and open a pull request/);
  expect(stderr).not.toContain('rejected 5 times');
  repo.git(['reset', '-q', '--hard', head]);
});

describe('hold on a protected base branch without a forge, and on GitLab', () => {
  test('without repository.forge the refusal says how to configure one or to use --pull-request, and changes nothing', async () => {
    configure((text) => text.replace(/ {2}forge:\n(?: {4}.*\n)+/, ''), 'chore(releases): no forge');
    try {
      const before = checkout();
      const main = remote(['rev-parse', 'refs/heads/main']);
      const { code, stderr } = await recipe(['hold', 'dev', '--reason', 'INC-44', '--push']);
      expect(code).toBe(1);
      expect(stderr).toContain('origin refused the push to main');
      expect(stderr).toContain('add repository.forge (type: github or gitlab, project) to releases/environments.yaml and set GITHUB_TOKEN or GITLAB_TOKEN');
      expect(stderr).toContain('recipe hold dev --pull-request');
      expect(remote(['rev-parse', 'refs/heads/main'])).toBe(main);
      expect(checkout()).toEqual(before);
    } finally {
      configure((text) => text.replace('  baseBranch: main\n', `  baseBranch: main\n  forge:\n    type: github\n    apiUrl: ${github.apiUrl}\n    project: acme/platform\n`), 'chore(releases): the forge again');
    }
  });

  test('on GitLab the fallback opens a merge request and says so', async () => {
    const gitlab = await startFakeGitLab({ branchExists: (name) => remoteHas(`refs/heads/${name}`) });
    configure((text) => text.replace('type: github', 'type: gitlab').replace(/apiUrl: .*/, `apiUrl: ${gitlab.apiUrl}`), 'chore(releases): use GitLab');
    try {
      const { code, stdout, stderr } = await recipe(['hold', 'dev', '--reason', 'INC-45: bad migration', '--push'], { GITLAB_TOKEN: gitlab.token, GITHUB_TOKEN: '' });
      expect(code, stderr).toBe(0);
      expect(stderr).toContain('opening a merge request instead');
      expect(stdout).toContain('dev goes on hold once the merge request is merged');
      expect(stdout).toContain('opened merge request !1: https://gitlab.example/acme/platform/-/merge_requests/1');
      expect(`${stdout}\n${stderr}`).not.toMatch(/pull request/);
      expect(gitlab.pulls[0]).toMatchObject({ head: 'recipe/hold-dev', base: 'main', title: 'hold(dev): INC-45: bad migration', labels: ['hold', 'env:dev'] });
      expect(gitlab.pulls[0]!.body).toContain('Merging this merge request writes `hold:`');
      const again = await recipe(['hold', 'dev', '--reason', 'INC-45: bad migration', '--push'], { GITLAB_TOKEN: gitlab.token, GITHUB_TOKEN: '' });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('kept merge request !1');
      expect(gitlab.pulls).toHaveLength(1);
    } finally {
      await gitlab.close();
    }
  });
});
