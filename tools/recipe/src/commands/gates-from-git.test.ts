// Gates nobody can forge: a staging snapshot edited by hand (backdated verification, edited
// services, a verification pointing at a releases commit that did not run it) is caught by lint
// with file:line and refused by promote, and the soak is measured from git. Real git with a bare
// remote, the real CLI, a loopback Kubernetes API for the verified snapshots.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ALL_RULES, deployment, helmRelease, startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../test-support/fake-kube-api.ts';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { junitReport } from '../test-support/junit-reports.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

const NS = 'platform-staging';
const DAY = 86_400_000;
let repo: FixtureRepo;
let kube: FakeKubeApi;
let dir: string;
let kubeconfig: string;
let report: string;

function recipe(args: string[]) {
  return runRecipe(repo.root, args, { KUBECONFIG: kubeconfig });
}

function stagingCommits(): { records: string; web: string } {
  const text = readFileSync(path.join(repo.root, 'releases/staging/recipe.yaml'), 'utf8');
  const [records, web] = [...text.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!);
  return { records: records!, web: web! };
}

/** Staging's cluster runs what its recipe says, healthy. */
function clusterRunsStaging() {
  const { records, web } = stagingCommits();
  kube.putDeployment(deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${records}` }));
  kube.putDeployment(deployment({ service: 'web', namespace: NS, image: `ghcr.io/acme/platform/web:${web}` }));
  kube.putHelmRelease(helmRelease({ name: 'records', namespace: NS, revision: `0.1.0+${records.slice(0, 12)}` }));
  kube.putHelmRelease(helmRelease({ name: 'web', namespace: NS, revision: `0.1.0+${web.slice(0, 12)}` }));
}

/** Verified snapshot of what staging runs, with a passing e2e report, pushed to main. */
async function snapshotStaging(): Promise<{ id: string; file: string }> {
  clusterRunsStaging();
  const { code, stdout, stderr } = await recipe(['snapshot', 'staging', '--evidence', `e2e=${report}`, '--push', '--json']);
  expect(code, stderr).toBe(0);
  const { id, file } = JSON.parse(stdout) as { id: string; file: string };
  return { id, file };
}

/** Staging starts running another records commit now, landed on main. */
async function landOnStaging(records: string) {
  const set = await recipe(['set', 'staging', `records=${records}`, '--force', '--push']);
  expect(set.code, set.stderr).toBe(0);
}

/** What an attacker does: edit the file by hand and land it. */
function editAndLand(file: string, change: (text: string) => string) {
  const absolute = path.join(repo.root, file);
  writeFileSync(absolute, change(readFileSync(absolute, 'utf8')));
  repo.git(['commit', '-q', '-m', 'chore(releases): tidy snapshot', '--', file]);
  repo.git(['push', '-q', 'origin', 'main']);
}

const lineOf = (file: string, pattern: RegExp) => readFileSync(path.join(repo.root, file), 'utf8').split('\n').findIndex((line) => pattern.test(line)) + 1;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');

beforeAll(async () => {
  repo = createFixtureRepo();
  kube = await startFakeKubeApi();
  kube.addUser('ci-token', { name: 'ci', rules: { '*': ALL_RULES } });
  dir = mkdtempSync(path.join(tmpdir(), 'recipe-gates-'));
  kubeconfig = await writeKubeconfig(path.join(dir, 'kubeconfig'), kube.url, [{ name: 'staging', token: 'ci-token' }]);
  report = path.join(dir, 'junit.xml');
  writeFileSync(report, junitReport());
});

afterAll(async () => {
  await kube.close();
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  repo.git(['reset', '-q', '--hard', repo.head]);
  repo.git(['clean', '-q', '-fdx']);
  repo.git(['push', '-q', '-f', 'origin', `${repo.head}:refs/heads/main`]);
});

describe('soak measured from git', () => {
  test('a combination that has run in staging on main for a month passes, and the pull request shows the soak git measured', async () => {
    await snapshotStaging();
    const { code, stdout, stderr } = await recipe(['promote', 'prod', '--dry-run']);
    expect(code, stderr).toBe(0);
    const seeded = repo.git(['log', '-1', '--format=%H %ct', repo.head]).split(' ');
    const since = new Date(Number(seeded[1]) * 1000).toISOString().replace(/\.000Z$/, 'Z');
    expect(stdout).toMatch(new RegExp(`- Soak time in staging: \\d+d( \\d+h)? \\(gate: 24h\\), measured from git: releases commit \`${seeded[0]!.slice(0, 7)}\` made it run there at ${since}\\.`));
    // Each gate with its figure: the soak row shows the git-measured time against the configured one.
    expect(stdout).toMatch(/\| soak \| 24h \| \d+d( \d+h)? \| ✅ met \|/);
    expect(stdout).toMatch(/- e2e report \[`releases\/snapshots\/evidence\/[0-9a-f]{64}\.xml`\]\(https:\/\/example\.test\/acme\/platform\/blob\/main\/releases\/snapshots\/evidence\/[0-9a-f]{64}\.xml\): \*\*passed\*\*, 2 tests/);
  });

  test('a combination that landed in staging minutes ago is refused with the soak git measured', async () => {
    await landOnStaging(repo.commits.records[2]!);
    await snapshotStaging();
    const landed = repo.git(['rev-parse', 'HEAD~1']);
    const { code, stderr } = await recipe(['promote', 'prod', '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`  - soak 24h: soaked \\d+s in staging \\(measured from git\\) since releases commit ${landed.slice(0, 7)} made staging run it on main at \\S+Z; ready at \\S+Z`));
  });

  test('the run that counts is the latest unbroken one: a combination that ran before, left and came back starts again', async () => {
    const seeded = stagingCommits();
    await landOnStaging(repo.commits.records[2]!);
    await landOnStaging(seeded.records);
    const back = repo.git(['rev-parse', 'HEAD']);
    await snapshotStaging();
    const { code, stderr } = await recipe(['promote', 'prod', '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toContain(`since releases commit ${back.slice(0, 7)} made staging run it on main`);
  });

  test('a snapshot that no longer runs in staging soaked only while it ran', async () => {
    await landOnStaging(repo.commits.records[2]!);
    const { id } = await snapshotStaging();
    await landOnStaging(repo.commits.records[3]!);
    const replaced = repo.git(['rev-parse', 'HEAD']);
    const { code, stderr } = await recipe(['promote', 'prod', '--dry-run', '--snapshot', id]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`soak 24h: ran \\d+s in staging \\(measured from git\\) since .*, until ${replaced.slice(0, 7)} replaced it at \\S+Z; it no longer runs there`));
  });
});

describe('the board shows the same git-measured gates', () => {
  test('a backdated snapshot is not ready on the board either: it soaks until a day after it landed', async () => {
    await landOnStaging(repo.commits.records[2]!);
    const landedAt = Number(repo.git(['log', '-1', '--format=%ct', 'HEAD'])) * 1000;
    const { file } = await snapshotStaging();
    const at = /^createdAt: (\S+)$/m.exec(readFileSync(path.join(repo.root, file), 'utf8'))![1]!;
    editAndLand(file, (text) => text.replaceAll(at, daysAgo(3)));
    const { code, stdout, stderr } = await recipe(['board', '--json', '--out', path.join(dir, 'board')]);
    expect(code, stderr).toBe(0);
    const prod = (JSON.parse(stdout) as { environments: Array<{ name: string; readiness?: { state: string; text: string; details: string[] } }> }).environments.find((env) => env.name === 'prod')!;
    expect(prod.readiness?.state).toBe('blocked');
    expect(prod.readiness?.details.join('\n')).toContain('(measured from git) since releases commit');
    expect(prod.readiness?.details.join('\n')).toContain(`ready at ${new Date(landedAt + DAY).toISOString().replace(/\.000Z$/, 'Z')}`);
  });
});

describe('snapshots edited by hand', () => {
  test('backdating the verification: lint names the line, and the soak gate still measures from git and refuses', async () => {
    await landOnStaging(repo.commits.records[2]!);
    const { file } = await snapshotStaging();
    const honest = readFileSync(path.join(repo.root, file), 'utf8');
    const at = /^createdAt: (\S+)$/m.exec(honest)![1]!;
    const backdated = daysAgo(3);
    editAndLand(file, (text) => text.replaceAll(at, backdated));

    const lint = await recipe(['lint']);
    expect(lint.code).toBe(1);
    const line = lineOf(file, /^ {4}at: /);
    expect(lint.stdout).toMatch(new RegExp(`error: ${file}:${line}:\\d+: verifications\\[0\\]\\.at: verified at ${backdated}, before its releases commit [0-9a-f]{7} was made`));

    const { code, stderr } = await recipe(['promote', 'prod', '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/ {2}- soak 24h: soaked \d+s in staging \(measured from git\)/);
    expect(stderr).toContain('agrees with git (verifications[0].at: verified at');
    expect(stderr).not.toContain('Gates: all passed');
  });

  test('backdating only the verification time is caught as before the snapshot was created', async () => {
    const { file } = await snapshotStaging();
    editAndLand(file, (text) => text.replace(/^( {4}at: )\S+$/m, `$1${daysAgo(3)}`));
    const lint = await recipe(['lint']);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`error: ${file}:${lineOf(file, /^ {4}at: /)}:`);
    expect(lint.stdout).toMatch(/before the snapshot was created/);
    expect(lint.stdout).toMatch(new RegExp(`error: ${file}:${lineOf(file, /^createdAt: /)}:\\d+: createdAt: createdAt \\S+ is not the time of the first verification`));
  });

  test('pointing the snapshot at another combination: lint names the recipe.commit line, and promote refuses with exit 2 naming the file', async () => {
    await landOnStaging(repo.commits.records[2]!);
    const { file } = await snapshotStaging();
    // A format 2 snapshot's services are those of staging at recipe.commit: at the seed commit staging ran records[1].
    editAndLand(file, (text) => text.replace(/^( {2}commit: )[0-9a-f]{40}$/m, `$1${repo.head}`));
    const lint = await recipe(['lint']);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`error: ${file}:${lineOf(file, /^ {2}commit: /)}:`);
    expect(lint.stdout).toContain('content does not hash to the id');
    const { code, stdout, stderr } = await recipe(['promote', 'prod', '--dry-run']);
    expect(code).toBe(2);
    expect(stdout).not.toContain('nothing to change');
    expect(stderr).toContain(`refusing to choose among snapshots while ${file} is not what "recipe snapshot" wrote`);
    expect(stderr).toContain(`${file}:${lineOf(file, /^ {2}commit: /)}:`);
  });

  test('pointing the verification at a releases commit that did not run the snapshot: lint names the line, promote refuses', async () => {
    await landOnStaging(repo.commits.records[2]!);
    const { file } = await snapshotStaging();
    // At the seed commit staging ran records[1], not this snapshot's records[2].
    editAndLand(file, (text) => text.replace(/^( {4}recipeCommit: )[0-9a-f]{40}$/m, `$1${repo.head}`));
    const lint = await recipe(['lint']);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`error: ${file}:${lineOf(file, /^ {4}recipeCommit: /)}:`);
    expect(lint.stdout).toContain(`at releases commit ${repo.head.slice(0, 7)}, staging ran records=${repo.commits.records[1]!.slice(0, 7)}, web=`);
    const { code, stderr } = await recipe(['promote', 'prod', '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/ {2}- from staging: no record of snapshot [0-9a-f]{12} in staging agrees with git \(verifications\[0\]\.recipeCommit: at releases commit/);
  });

  test('a releases commit that does not exist is caught too', async () => {
    const { file } = await snapshotStaging();
    editAndLand(file, (text) => text.replace(/^( {4}recipeCommit: )[0-9a-f]{40}$/m, `$1${'e'.repeat(40)}`));
    const lint = await recipe(['lint']);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`error: ${file}:${lineOf(file, /^ {4}recipeCommit: /)}:`);
    expect(lint.stdout).toContain(`releases commit ${'e'.repeat(40)} does not exist in this repository`);
  });
});
