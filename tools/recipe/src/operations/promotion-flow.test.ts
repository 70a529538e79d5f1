// The whole promotion flow on a fixture monorepo with a bare remote, real git, the real CLI shell,
// a loopback Kubernetes API for verify and a loopback GitHub for the pull requests.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runRecipe } from '../test-support/run-recipe.ts';
import { startFakeGitHub, type FakeForge } from '../test-support/fake-forge.ts';
import { ALL_RULES, deployment, helmRelease, startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../test-support/fake-kube-api.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';

let repo: FixtureRepo;
let forge: FakeForge;
let kube: FakeKubeApi;
let kubeconfig: string;
let dir: string;
let newRecords: string;

function recipe(args: string[], env: Record<string, string | undefined> = {}) {
  return runRecipe(repo.root, args, { KUBECONFIG: kubeconfig, GITHUB_TOKEN: forge.token, ...env });
}

const git = (args: string[], cwd?: string) => repo.git(args, cwd);
const remoteRef = (ref: string) => execFileSync('git', ['--git-dir', repo.remote, 'rev-parse', '--verify', '--quiet', ref], { encoding: 'utf8' }).trim();
const remoteHas = (ref: string) => {
  try {
    return remoteRef(ref) !== '';
  } catch {
    return false;
  }
};
const remoteFile = (ref: string, file: string) => execFileSync('git', ['--git-dir', repo.remote, 'show', `${ref}:${file}`], { encoding: 'utf8' });
const openPulls = () => forge.pulls.filter((p) => p.state === 'open');

/** What the forge's merge button does: fast-forward main to the branch, close the pull request. */
function merge(branch: string) {
  const pull = openPulls().find((p) => p.head === branch)!;
  execFileSync('git', ['--git-dir', repo.remote, 'update-ref', 'refs/heads/main', `refs/heads/${branch}`]);
  execFileSync('git', ['--git-dir', repo.remote, 'update-ref', '-d', `refs/heads/${branch}`]);
  pull.state = 'closed';
  git(['pull', '-q', '--ff-only']);
}

function runningIn(env: string, namespace: string) {
  const text = readFileSync(path.join(repo.root, `releases/${env}/recipe.yaml`), 'utf8');
  const [records, web] = [...text.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!);
  kube.putDeployment(deployment({ service: 'records', namespace, image: `ghcr.io/acme/platform/records:${records}` }));
  kube.putDeployment(deployment({ service: 'web', namespace, image: `ghcr.io/acme/platform/web:${web}` }));
  kube.putHelmRelease(helmRelease({ name: 'records', namespace, revision: `0.1.0+${records!.slice(0, 12)}` }));
  kube.putHelmRelease(helmRelease({ name: 'web', namespace, revision: `0.1.0+${web!.slice(0, 12)}` }));
}

beforeAll(async () => {
  repo = createFixtureRepo();
  forge = await startFakeGitHub({ branchExists: (name) => remoteHas(`refs/heads/${name}`) });
  kube = await startFakeKubeApi();
  kube.addUser('ci-token', { name: 'ci', rules: { '*': ALL_RULES } });
  dir = mkdtempSync(path.join(tmpdir(), 'recipe-flow-'));
  kubeconfig = await writeKubeconfig(path.join(dir, 'kubeconfig'), kube.url, [{ name: 'dev', token: 'ci-token' }]);
  const envFile = path.join(repo.root, 'releases/environments.yaml');
  writeFileSync(envFile, readFileSync(envFile, 'utf8').replace('apiUrl: http://127.0.0.1:1/api', `apiUrl: ${forge.apiUrl}`));
  writeFileSync(path.join(repo.root, 'services/records/src/server.ts'), 'export const version = 5;\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'feat(records): export records as CSV']);
  newRecords = git(['rev-parse', 'HEAD']);
  git(['push', '-q', 'origin', 'main']);
});

afterAll(async () => {
  await forge.close();
  await kube.close();
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('promotion from dev to prod', () => {
  const skipReason = 'no staging cluster in tests';

  test('set dev, then snapshot dev verified against its cluster', async () => {
    const set = await recipe(['set', 'dev', `records=${newRecords}@1.1.0`, '--push']);
    expect(set.code, set.stderr).toBe(0);
    runningIn('dev', 'platform-dev');
    const snapshot = await recipe(['snapshot', 'dev', '--push']);
    expect(snapshot.code, snapshot.stderr + snapshot.stdout).toBe(0);
    expect(snapshot.stdout).toMatch(/snapshot [0-9a-f]{12} of dev written/);
  });

  test('promote staging --dry-run prints the plan and the diff and writes nothing', async () => {
    const before = treeDigest(repo.root);
    const { code, stdout } = await recipe(['promote', 'staging', '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^promote\(staging\): dev snapshot [0-9a-f]{12}: records [0-9a-f]{7} -> [0-9a-f]{7}, web [0-9a-f]{7} -> [0-9a-f]{7}/);
    expect(stdout).toContain('```diff');
    expect(stdout).toContain(`+  image: ghcr.io/acme/platform/records:${newRecords}`);
    expect(stdout).toMatch(/2 files changed, \+2 -2:\n\n- `staging\/records` \+1 -1/);
    expect(treeDigest(repo.root)).toEqual(before);
    expect(remoteHas('refs/heads/recipe/promote-staging')).toBe(false);
    expect(forge.pulls).toHaveLength(0);
  });

  test('promote --dry-run needs no network: when the remote cannot be fetched it plans against the local base branch, and says so', async () => {
    const remote = repo.git(['remote', 'get-url', 'origin']);
    repo.git(['remote', 'set-url', 'origin', 'http://127.0.0.1:9/unreachable.git']);
    try {
      const { code, stdout, stderr } = await recipe(['promote', 'staging', '--dry-run']);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/^promote\(staging\): dev snapshot [0-9a-f]{12}: records [0-9a-f]{7} -> [0-9a-f]{7}/);
      expect(stdout).toMatch(/\nfetching main from origin failed: .*; planned against the local main instead\s*$/);
    } finally {
      repo.git(['remote', 'set-url', 'origin', remote]);
    }
  });

  test('without helm the diff of the releases files stands in for the rendered manifests, and says so', async () => {
    const { code, stdout } = await recipe(['promote', 'staging', '--dry-run'], { HELM: path.join(dir, 'no-helm-here') });
    expect(code).toBe(0);
    expect(stdout).toContain('# helm template could not run (');
    expect(stdout).toContain(`+    commit: ${newRecords}`);
  });

  test('promote staging --no-push commits on the local branch only', async () => {
    const { code, stdout } = await recipe(['promote', 'staging', '--no-push']);
    expect(code).toBe(0);
    expect(stdout).toContain('on the local branch recipe/promote-staging (not pushed)');
    expect(git(['show', 'recipe/promote-staging:releases/staging/recipe.yaml'])).toContain(newRecords);
    expect(remoteHas('refs/heads/recipe/promote-staging')).toBe(false);
    git(['branch', '-D', 'recipe/promote-staging']);
  });

  test('promote staging opens a pull request with the promotion on its branch', async () => {
    const { code, stdout, stderr } = await recipe(['promote', 'staging']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/opened pull request #1: /);
    const [pull] = openPulls();
    expect(pull).toMatchObject({ head: 'recipe/promote-staging', base: 'main', labels: ['promotion', 'env:staging'] });
    const branch = 'refs/heads/recipe/promote-staging';
    expect(remoteFile(branch, 'releases/staging/recipe.yaml')).toContain(`commit: ${newRecords}`);
    expect(remoteFile(branch, 'releases/staging/flux/records.yaml')).toContain(newRecords);
    expect(remoteRef(`${branch}~1`)).toBe(remoteRef('refs/heads/main'));
    const touched = execFileSync('git', ['--git-dir', repo.remote, 'diff', '--name-only', 'refs/heads/main', branch], { encoding: 'utf8' }).trim().split('\n');
    expect(touched).toEqual(['releases/staging/flux/records.yaml', 'releases/staging/flux/web.yaml', 'releases/staging/recipe.yaml']);
    expect(pull!.body).toContain('### ⚠ Breaking changes');
    expect(pull!.body).toContain('rename /items to /records');
    expect(pull!.body).toContain('- Verified against the **dev** cluster (context `dev`)');
  });

  test('a second promote with nothing new pushes nothing and leaves the pull request as it is', async () => {
    const head = remoteRef('refs/heads/recipe/promote-staging');
    const writes = forge.requests.filter((r) => r.method !== 'GET').length;
    const { code, stdout } = await recipe(['promote', 'staging']);
    expect(code).toBe(0);
    expect(stdout).toContain('already holds this change');
    expect(stdout).toContain('kept pull request #1');
    // Same head: no new CI run, no dismissed approvals; and not one write to the forge.
    expect(remoteRef('refs/heads/recipe/promote-staging')).toBe(head);
    expect(forge.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
    expect(forge.pulls).toHaveLength(1);
    expect(remoteRef('refs/heads/recipe/promote-staging~1')).toBe(remoteRef('refs/heads/main'));
    merge('recipe/promote-staging');
  });

  test('snapshot staging with --skip-verify and a reason', async () => {
    const { code, stdout, stderr } = await recipe(['snapshot', 'staging', '--skip-verify', skipReason, '--push']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`not verified against its cluster: ${skipReason}`);
  });

  test('promote prod is refused by its gates, listing every one that is missing, and changes nothing', async () => {
    const before = treeDigest(repo.root);
    const { code, stderr } = await recipe(['promote', 'prod']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/promotion of snapshot [0-9a-f]{12} to prod refused:/);
    expect(stderr).toContain(`  - verified: snapshot`);
    expect(stderr).toContain(`"${skipReason}"`);
    const landed = git(['log', '-1', '--first-parent', '--format=%H', 'main', '--', 'releases/staging/recipe.yaml']).slice(0, 7);
    expect(stderr).toMatch(new RegExp(`  - soak 24h: soaked \\d+s in staging \\(measured from git\\) since releases commit ${landed} made staging run it on main at \\S+Z; ready at \\S+Z`));
    expect(stderr).toContain('  - evidence e2e: no "e2e" check recorded');
    expect(stderr).toContain('--override');
    expect(treeDigest(repo.root)).toEqual(before);
    expect(remoteHas('refs/heads/recipe/promote-prod')).toBe(false);
    expect(openPulls()).toHaveLength(0);
  });

  test('--only is refused without --override', async () => {
    const { code, stderr } = await recipe(['promote', 'prod', '--only', 'records']);
    expect(code).toBe(1);
    expect(stderr).toContain('--only records: promoting part of snapshot');
  });

  test('promote prod --override opens the pull request and records the reason', async () => {
    const { code, stderr } = await recipe(['promote', 'prod', '--override', 'hotfix INC-42']);
    expect(code, stderr).toBe(0);
    const pull = openPulls().find((p) => p.head === 'recipe/promote-prod')!;
    const prodNow = readFileSync(path.join(repo.root, 'releases/prod/recipe.yaml'), 'utf8');
    const old = [...prodNow.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!.slice(0, 7));
    expect(pull.title).toMatch(new RegExp(`^promote\\(prod\\): OVERRIDE staging snapshot [0-9a-f]{12}: records ${old[0]} -> ${newRecords.slice(0, 7)}, web ${old[1]} -> [0-9a-f]{7}$`));
    expect(pull).toMatchObject({ base: 'main', labels: ['promotion', 'env:prod', 'override'] });
    // Each gate with its figure, not "all passed".
    expect(pull.body).toContain('| verified | verified against the staging cluster | never verified against the cluster | ⚠️ overridden |');
    expect(pull.body).toMatch(/\| soak \| 24h \| [^|]+ \| ⚠️ overridden \|/);
    expect(pull.body).toContain('| evidence e2e | a passing e2e check | no such check recorded | ⚠️ overridden |');
    expect(pull.body).toContain('> **Gates overridden**: hotfix INC-42');
    expect(pull.body).toContain(`**Not verified** against the staging cluster`);
    expect(pull.body).toMatch(/\| records \| `[0-9a-f]{7}` 1\.0\.0 \| `[0-9a-f]{7}` 1\.1\.0 \| \[[0-9a-f]{7}\.\.\.[0-9a-f]{7}\]\(https:\/\/example\.test\/acme\/platform\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}\) \| 4 \|/);
    expect(pull.body).toContain('- **records**: rename /items to /records');
    expect(pull.body).toContain('## Manifest diff');
    const recipeOnBranch = remoteFile('refs/heads/recipe/promote-prod', 'releases/prod/recipe.yaml');
    expect(recipeOnBranch).toContain('override: hotfix INC-42');
    expect(recipeOnBranch).toMatch(/snapshot: [0-9a-f]{64}/);
    merge('recipe/promote-prod');
    const lint = await recipe(['lint']);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
  });

  test('promoting what already runs says so, exits 0, and opens nothing', async () => {
    const pulls = forge.pulls.length;
    const { code, stdout } = await recipe(['promote', 'prod', '--override', 'again']);
    expect(code).toBe(0);
    expect(stdout).toContain('nothing to change');
    expect(remoteHas('refs/heads/recipe/promote-prod')).toBe(false);
    expect(forge.pulls).toHaveLength(pulls);
  });

  test('rollback prod goes back to its previous recipe by pull request and puts it on hold', async () => {
    const { code, stderr } = await recipe(['rollback', 'prod']);
    expect(code, stderr).toBe(0);
    const pull = openPulls().find((p) => p.head === 'recipe/rollback-prod')!;
    expect(pull.title).toMatch(/^rollback\(prod\): to releases [0-9a-f]{7}: records [0-9a-f]{7} -> [0-9a-f]{7}, web [0-9a-f]{7} -> [0-9a-f]{7}$/);
    expect(pull.labels).toEqual(['rollback', 'env:prod']);
    expect(pull.body).toContain('## Changes rolled back');
    const recipeOnBranch = remoteFile('refs/heads/recipe/rollback-prod', 'releases/prod/recipe.yaml');
    expect(recipeOnBranch).toMatch(/hold:\n {2}reason: "rolled back to releases [0-9a-f]{7}: records [0-9a-f]{7} -> [0-9a-f]{7}, web .*"\n {2}since: \S+Z\n {2}by: ada@example.test\n/);
    // The seeded recipe it returns to has no snapshot: the recipe says so, and lint has nothing to warn about.
    expect(recipeOnBranch).toMatch(/^override: "?rolled back to releases [0-9a-f]{7}, a combination no snapshot vouches for \(prod ran it before\)/m);
    merge('recipe/rollback-prod');
    const lint = await recipe(['lint']);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).not.toContain('no snapshot vouches for the combination prod runs');
  });

  test('set is refused while prod is on hold, and allowed again after unhold', async () => {
    const refused = await recipe(['set', 'prod', `records=${newRecords}`, '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('environment "prod" is on hold');
    const unhold = await recipe(['unhold', 'prod', '--push']);
    expect(unhold.code, unhold.stderr).toBe(0);
    expect(remoteFile('refs/heads/main', 'releases/prod/recipe.yaml')).not.toContain('hold:');
    const allowed = await recipe(['set', 'prod', `records=${newRecords}`, '--force']);
    expect(allowed.code, allowed.stderr).toBe(0);
    git(['checkout', '-q', '--', 'releases/prod']);
  });

  test('rollback --to a snapshot or a git revision, and a --to that is neither', async () => {
    const snapshotFile = readFileSync(path.join(repo.root, 'releases/prod/recipe.yaml'), 'utf8');
    expect(snapshotFile).not.toContain('snapshot:');
    const ids = execFileSync('git', ['-C', repo.root, 'ls-files', 'releases/snapshots'], { encoding: 'utf8' }).trim().split('\n');
    const id = path.basename(ids[0]!, '.yaml');
    const toSnapshot = await recipe(['rollback', 'prod', '--to', id, '--no-push', '--reason', 'back to the dev snapshot']);
    expect(toSnapshot.code, toSnapshot.stderr).toBe(0);
    expect(toSnapshot.stdout).toMatch(new RegExp(`^rollback\\(prod\\): to snapshot ${id}: `));
    const onBranch = git(['show', 'recipe/rollback-prod:releases/prod/recipe.yaml']);
    expect(onBranch).toMatch(new RegExp(`snapshot: ${id}[0-9a-f]{52}`));
    expect(onBranch).toContain('reason: back to the dev snapshot');
    git(['branch', '-D', 'recipe/rollback-prod']);
    const same = await recipe(['rollback', 'prod', '--to', repo.head]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`prod already runs what ${repo.head} names: nothing to change`);
    const promoted = git(['log', '-1', '--format=%H', '--grep=^promote(prod)']);
    const toRevision = await recipe(['rollback', 'prod', '--to', promoted, '--dry-run']);
    expect(toRevision.code, toRevision.stderr).toBe(0);
    expect(toRevision.stdout).toMatch(new RegExp(`^rollback\\(prod\\): to releases ${promoted.slice(0, 7)}: records [0-9a-f]{7} -> ${newRecords.slice(0, 7)}`));
    const neither = await recipe(['rollback', 'prod', '--to', 'no-such-thing']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--to no-such-thing is neither a snapshot nor a git revision');
    const option = await recipe(['rollback', 'prod', `--to=--output=${path.join(repo.root, 'injected')}`]);
    expect([option.code, option.stderr]).toEqual([2, `recipe: --to: "--output=${path.join(repo.root, 'injected')}" is not a git revision recipe accepts\n  fix: give a commit SHA, HEAD, a branch or tag (e.g. main, origin/main, v1.2.0), optionally followed by ~N, ^N or @{...}\n`]);
    expect(existsSync(path.join(repo.root, 'injected'))).toBe(false);
  });

  test('no remote ref has a merge commit', () => {
    expect(execFileSync('git', ['--git-dir', repo.remote, 'rev-list', '--merges', '--all'], { encoding: 'utf8' }).trim()).toBe('');
  });
});
