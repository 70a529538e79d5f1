import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runRecipe } from '../test-support/run-recipe.ts';
import { listSnapshots, loadSnapshot } from '../io/snapshot-store.ts';
import { parseSnapshot, snapshotFileName, snapshotId, validateSnapshotFile } from '../model/snapshot.ts';
import { ALL_RULES, closedPort, deployment, helmRelease, startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../test-support/fake-kube-api.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { junitReport } from '../test-support/junit-reports.ts';

const NS = 'platform-staging';
let api: FakeKubeApi;
let dir: string;
let kubeconfig: string;
let repo: FixtureRepo;

function recipe(args: string[], env: Record<string, string | undefined> = {}) {
  return runRecipe(repo.root, args, { KUBECONFIG: kubeconfig, ...env });
}

function staging() {
  const text = readFileSync(path.join(repo.root, 'releases/staging/recipe.yaml'), 'utf8');
  const [records, web] = [...text.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!);
  const services = {
    records: { commit: records!, version: '1.0.0', image: 'ghcr.io/acme/platform/records' },
    web: { commit: web!, version: '2.0.0', image: 'ghcr.io/acme/platform/web' },
  };
  const id = snapshotId(services);
  return { services, id, file: `releases/snapshots/${snapshotFileName(id)}` };
}

function clusterRuns(records: string, web: string) {
  api.putDeployment(deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${records}` }));
  api.putDeployment(deployment({ service: 'web', namespace: NS, image: `ghcr.io/acme/platform/web:${web}`, replicas: 1 }));
  api.putHelmRelease(helmRelease({ name: 'records', namespace: NS, revision: `0.1.0+${records.slice(0, 12)}`, generation: 4 }));
  api.putHelmRelease(helmRelease({ name: 'web', namespace: NS, revision: `0.1.0+${web.slice(0, 12)}` }));
}

beforeAll(async () => {
  repo = createFixtureRepo();
  api = await startFakeKubeApi();
  api.addUser('ci-token', { name: 'system:serviceaccount:ci:recipe', rules: { '*': ALL_RULES } });
  dir = mkdtempSync(path.join(tmpdir(), 'recipe-snapshot-'));
  kubeconfig = await writeKubeconfig(path.join(dir, 'kubeconfig'), api.url, [
    { name: 'staging', token: 'ci-token' },
    { name: 'closed', token: 'ci-token', server: `http://127.0.0.1:${await closedPort()}` },
  ]);
});

afterAll(async () => {
  await api.close();
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

// One fixture for the file (building it is the slow part), put back to its seeded state before each test.
beforeEach(() => {
  repo.git(['reset', '-q', '--hard', repo.head]);
  repo.git(['clean', '-q', '-fdx']);
  repo.git(['push', '-q', '-f', 'origin', `${repo.head}:refs/heads/main`]);
  const { services } = staging();
  clusterRuns(services.records.commit, services.web.commit);
});

describe('recipe snapshot', () => {
  test('refuses when the cluster does not match, exits 1 and writes nothing', async () => {
    const { services } = staging();
    clusterRuns(services.records.commit, repo.commits.web[1]!);
    const before = treeDigest(repo.root);
    const { code, stdout, stderr } = await recipe(['snapshot', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain(`web: Deployment web runs ghcr.io/acme/platform/web:${repo.commits.web[1]}`);
    expect(stderr).toContain('refusing to snapshot staging: the cluster does not match its recipe; nothing was written');
    expect(treeDigest(repo.root)).toEqual(before);
    expect(repo.git(['status', '--porcelain'])).toBe('');
  });

  test('records the combination under its content-derived id with what verify saw', async () => {
    const { services, id, file } = staging();
    const { code, stdout } = await recipe(['snapshot', 'staging']);
    expect(code).toBe(0);
    expect(stdout).toContain(`snapshot ${id.slice(0, 12)} of staging written to ${file}`);
    const text = readFileSync(path.join(repo.root, file), 'utf8');
    expect(validateSnapshotFile(file, text)).toEqual([]);
    // Format 2: the file names the releases commit that holds the combination instead of copying it.
    const record = parseSnapshot(file, text);
    expect(record).toMatchObject({ id, environment: 'staging', recipe: { commit: repo.git(['rev-parse', 'HEAD']), services: 2 } });
    expect(record.services).toBeUndefined();
    const snapshot = await loadSnapshot(repo.root, id);
    expect(snapshot.services).toEqual(services);
    expect(snapshot.verifications).toHaveLength(1);
    const [v] = snapshot.verifications;
    expect(v).toMatchObject({ environment: 'staging', verified: true, skipReason: null, recipeCommit: repo.git(['log', '-1', '--format=%H', '--', 'releases/staging/recipe.yaml']) });
    // What verify saw of each service is kept as a count and the digest of its canonical JSON.
    const seen = {
      records: { helmRelease: { generation: 4, ready: true, revision: `0.1.0+${services.records.commit.slice(0, 12)}` }, images: [`ghcr.io/acme/platform/records:${services.records.commit}`], replicas: { desired: 2, ready: 2 } },
      web: { helmRelease: { generation: 1, ready: true, revision: `0.1.0+${services.web.commit.slice(0, 12)}` }, images: [`ghcr.io/acme/platform/web:${services.web.commit}`], replicas: { desired: 1, ready: 1 } },
    };
    expect(v!.cluster).toEqual({ context: expect.any(String), checked: 2, digest: createHash('sha256').update(JSON.stringify(seen)).digest('hex') });
    expect(Date.parse(v!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(repo.git(['status', '--porcelain'])).toBe(`?? releases/snapshots/`);
  });

  test('the files it writes pass recipe lint', async () => {
    expect((await recipe(['snapshot', 'staging', '--commit'])).code).toBe(0);
    expect((await recipe(['snapshot', 'staging', '--commit', '--skip-verify', 'again', '--check', 'e2e=passed'])).code).toBe(0);
    const { code, stdout } = await recipe(['lint', '--json']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('releases/snapshots/');
  });

  test('--skip-verify records that the cluster was not asked, and why', async () => {
    const { file } = staging();
    const requests = api.requests.length;
    const { code, stdout } = await recipe(['snapshot', 'staging', '--skip-verify', 'cluster in maintenance; e2e passed', '--context', 'closed']);
    expect(code).toBe(0);
    expect(stdout).toContain('staging was not verified against its cluster: cluster in maintenance; e2e passed');
    expect(api.requests.length).toBe(requests);
    const v = parseSnapshot(file, readFileSync(path.join(repo.root, file), 'utf8')).verifications[0]!;
    expect(v.verified).toBe(false);
    expect(v.skipReason).toBe('cluster in maintenance; e2e passed');
    expect(v.cluster).toBeUndefined();
  });

  test('--skip-verify without a reason is refused', async () => {
    const { code, stderr } = await recipe(['snapshot', 'staging', '--skip-verify', ' ']);
    expect(code).toBe(2);
    expect(stderr).toContain('--skip-verify: --skip-verify needs a reason');
    expect(existsSync(path.join(repo.root, 'releases/snapshots'))).toBe(false);
  });

  test('snapshotting a known combination again appends a verification and never changes its services', async () => {
    const { id, file } = staging();
    expect((await recipe(['snapshot', 'staging'])).code).toBe(0);
    const first = readFileSync(path.join(repo.root, file), 'utf8');
    const { code, stdout } = await recipe(['snapshot', 'staging', '--skip-verify', 'second look', '--check', 'smoke=passed']);
    expect(code).toBe(0);
    expect(stdout).toContain(`snapshot ${id.slice(0, 12)} already records this combination: verification in staging appended to ${file}`);
    const second = readFileSync(path.join(repo.root, file), 'utf8');
    expect(second.startsWith(first.trimEnd())).toBe(true);
    const snapshot = parseSnapshot(file, second);
    expect(snapshot.verifications.map((v) => v.verified)).toEqual([true, false]);
    expect(snapshot.verifications[1]!.checks).toEqual({ smoke: 'passed' });
    expect(readdirSync(path.join(repo.root, 'releases/snapshots'))).toEqual([snapshotFileName(id)]);
  });

  test('a different combination gets its own file', async () => {
    expect((await recipe(['snapshot', 'staging'])).code).toBe(0);
    expect((await recipe(['set', 'staging', `web=${repo.commits.web[1]}`, '--force', '--commit'])).code).toBe(0);
    expect((await recipe(['snapshot', 'staging', '--skip-verify', 'not deployed yet'])).code).toBe(0);
    const { snapshots, problems } = await listSnapshots(repo.root);
    expect(problems).toEqual([]);
    expect(snapshots.map((s) => s.services.web!.commit).sort()).toEqual([repo.commits.web[0], repo.commits.web[1]].sort());
  });

  test('--check and --evidence are recorded, evidence by path and SHA-256', async () => {
    const { file } = staging();
    const report = path.join(repo.root, 'e2e-report.json');
    writeFileSync(report, '{"passed":42,"failed":0}\n');
    const outside = path.join(dir, 'load-test.txt');
    writeFileSync(outside, 'p99 120ms\n');
    const { code } = await recipe(['snapshot', 'staging', '--check', 'e2e=https://ci.example.com/runs/123', '--check', 'load=passed', '--evidence', report, '--evidence', outside]);
    expect(code).toBe(0);
    const v = parseSnapshot(file, readFileSync(path.join(repo.root, file), 'utf8')).verifications[0]!;
    expect(v.checks).toEqual({ e2e: 'https://ci.example.com/runs/123', load: 'passed' });
    expect(v.evidence).toEqual([
      { file: 'e2e-report.json', sha256: createHash('sha256').update('{"passed":42,"failed":0}\n').digest('hex') },
      { file: 'load-test.txt', sha256: createHash('sha256').update('p99 120ms\n').digest('hex') },
    ]);
    expect((await loadSnapshot(repo.root, staging().id.slice(0, 7))).verifications[0]!.checks.load).toBe('passed');
  });

  test('a malformed --check or a missing --evidence file is refused before anything is written', async () => {
    const bad = await recipe(['snapshot', 'staging', '--check', 'e2e']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--check "e2e" is not <name>=<url-or-status>');
    const missing = await recipe(['snapshot', 'staging', '--evidence', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read evidence file nope.json: ENOENT');
    expect(existsSync(path.join(repo.root, 'releases/snapshots'))).toBe(false);
  });

  test('exits 2 and writes nothing when the cluster cannot be asked', async () => {
    const { code, stderr } = await recipe(['snapshot', 'staging', '--context', 'closed']);
    expect(code).toBe(2);
    expect(stderr).toContain('is unreachable: ECONNREFUSED');
    expect(existsSync(path.join(repo.root, 'releases/snapshots'))).toBe(false);
  });

  test('refuses while the recipe has uncommitted changes: the snapshot names a recipe commit', async () => {
    const file = path.join(repo.root, 'releases/staging/recipe.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
    const { code, stderr } = await recipe(['snapshot', 'staging']);
    expect(code).toBe(2);
    expect(stderr).toContain('releases/staging/recipe.yaml has uncommitted changes');
  });

  test('--commit commits only the snapshot file', async () => {
    const { id, file } = staging();
    const { code, stdout } = await recipe(['snapshot', 'staging', '--commit']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/committed [0-9a-f]{7}$/m);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe(`chore(releases): snapshot staging as ${id.slice(0, 12)}`);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD'])).toBe(file);
    expect(repo.git(['status', '--porcelain'])).toBe('');
    await recipe(['snapshot', 'staging', '--commit', '--skip-verify', 'again']);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe(`chore(releases): verify snapshot ${id.slice(0, 12)} in staging`);
  });

  test('--push lands the snapshot on the remote, recording again on top when someone pushed meanwhile', async () => {
    const { file } = staging();
    const other = repo.clone('other');
    writeFileSync(path.join(other, 'releases/dev/values/records.yaml'), '---\nreplicaCount: 2\n');
    repo.git(['commit', '-qam', 'chore(releases): dev runs two records replicas'], other);
    repo.git(['push', '-q', 'origin', 'main'], other);
    const { code, stdout } = await recipe(['snapshot', 'staging', '--push', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ ok: true, created: true, file, pushed: { attempts: 2 } });
    expect(repo.git(['rev-parse', 'main'], repo.remote)).toBe(result.commit);
    expect(repo.git(['log', '--format=%s', '-2', 'main'], repo.remote).split('\n')).toEqual([
      `chore(releases): snapshot staging as ${result.id.slice(0, 12)}`,
      'chore(releases): dev runs two records replicas',
    ]);
  });

  test('two jobs snapshotting the same combination with --push both land: one file, two verifications', async () => {
    const { id, file, services } = staging();
    const other = repo.clone('ci-other');
    const first = await recipe(['snapshot', 'staging', '--push', '--skip-verify', 'first job'], { RECIPE_ROOT: other });
    expect(first.code).toBe(0);
    const second = await recipe(['snapshot', 'staging', '--push', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ id, created: false, pushed: { attempts: 2 } });
    const landed = parseSnapshot(file, repo.git(['show', `main:${file}`], repo.remote));
    expect(landed.recipe!.services).toBe(2);
    expect(await loadSnapshot(repo.root, id)).toMatchObject({ services });
    expect(landed.verifications.map((v) => [v.verified, v.skipReason])).toEqual([[false, 'first job'], [true, null]]);
  });
});

describe('recipe snapshot --evidence <check>=<junit.xml>', () => {
  /** A CI run's output folder: the JUnit report and, optionally, the summary beside it. */
  function runOutput(name: string, xml: string, summary?: object): string {
    const out = mkdtempSync(path.join(dir, `${name}-`));
    writeFileSync(path.join(out, 'junit.xml'), xml);
    if (summary) writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary));
    return path.join(out, 'junit.xml');
  }
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  test('records the counts and verdict, stores the report content-addressed and commits it with the snapshot', async () => {
    const { id, file, services } = staging();
    const xml = junitReport({ skipped: ['regression: writes data'] });
    const summary = { suite: 'health,versions', environment: 'staging', passed: 2, failed: 0, skipped: 1, versions: { records: { commit: services.records.commit }, web: { commit: services.web.commit } } };
    const { code, stderr } = await recipe(['snapshot', 'staging', '--evidence', `e2e=${runOutput('pass', xml, summary)}`, '--check', 'e2e=https://ci.example.test/runs/7', '--commit']);
    expect(code, stderr).toBe(0);
    const stored = `releases/snapshots/evidence/${sha(xml)}.xml`;
    const v = parseSnapshot(file, readFileSync(path.join(repo.root, file), 'utf8')).verifications[0]!;
    expect(v.checks).toEqual({ e2e: 'https://ci.example.test/runs/7' });
    expect(v.evidence).toEqual([{ check: 'e2e', file: stored, sha256: sha(xml), status: 'passed', tests: 3, failures: 0, errors: 0, skipped: 1 }]);
    expect(readFileSync(path.join(repo.root, stored), 'utf8')).toBe(xml);
    expect(repo.git(['log', '-1', '--format=%s'])).toBe(`chore(releases): snapshot staging as ${id.slice(0, 12)}`);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD']).split('\n').sort()).toEqual([file, stored].sort());
    expect(repo.git(['status', '--porcelain'])).toBe('');
    const lint = await recipe(['lint']);
    expect(lint.code, lint.stdout).toBe(0);
    // A stored report edited afterwards no longer hashes to its name: lint names the snapshot line that points at it.
    writeFileSync(path.join(repo.root, stored), xml.replace('failures="0"', 'failures="0" '));
    const edited = await recipe(['lint']);
    expect(edited.code).toBe(1);
    const line = readFileSync(path.join(repo.root, file), 'utf8').split('\n').findIndex((l) => l.includes(`file: ${stored}`)) + 1;
    expect(edited.stdout).toContain(`error: ${file}:${line}:`);
    expect(edited.stdout).toContain(`the e2e report ${stored} was edited`);
  });

  test('a report with failures records the check as failed', async () => {
    const { file } = staging();
    const xml = junitReport({ failing: ['health: records answers /readyz'] });
    const { code, stderr } = await recipe(['snapshot', 'staging', '--skip-verify', 'records is down', '--evidence', `e2e=${runOutput('fail', xml)}`]);
    expect(code, stderr).toBe(0);
    const v = parseSnapshot(file, readFileSync(path.join(repo.root, file), 'utf8')).verifications[0]!;
    expect(v.checks).toEqual({ e2e: 'failed' });
    expect(v.evidence[0]).toMatchObject({ check: 'e2e', status: 'failed', tests: 3, failures: 1, errors: 0 });
  });

  test('a summary that saw other commits than the snapshot records is refused with exit 2, and nothing is written', async () => {
    const { services } = staging();
    const other = repo.commits.web[1]!;
    const report = runOutput('stale', junitReport(), { environment: 'staging', versions: { records: services.records.commit, web: other } });
    const before = treeDigest(repo.root);
    const { code, stderr } = await recipe(['snapshot', 'staging', '--evidence', `e2e=${report}`, '--commit']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path.join(path.dirname(report), 'summary.json')}: versions: the e2e run did not test what staging runs: it saw web at ${other}, the snapshot records ${services.web.commit}; nothing was written`);
    expect(treeDigest(repo.root)).toEqual(before);
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(repo.head);
  });

  test('a summary of another environment is refused too', async () => {
    const { code, stderr } = await recipe(['snapshot', 'staging', '--evidence', `e2e=${runOutput('other-env', junitReport(), { environment: 'prod', versions: {} })}`]);
    expect(code).toBe(2);
    expect(stderr).toContain('it ran against prod, not staging');
    expect(existsSync(path.join(repo.root, 'releases/snapshots'))).toBe(false);
  });

  test('a report that is not well-formed XML is refused with its line, before anything is written', async () => {
    const report = runOutput('broken', '<testsuites>\n  <testsuite name="x">\n</testsuites>\n');
    const { code, stderr } = await recipe(['snapshot', 'staging', '--evidence', `e2e=${report}`]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${report}:3:`);
    expect(stderr).toContain('is not well-formed XML');
    expect(existsSync(path.join(repo.root, 'releases/snapshots'))).toBe(false);
  });

  test('a failing report recorded with --skip-verify in dev makes promote refuse where the gate needs e2e, naming it', async () => {
    const envFile = path.join(repo.root, 'releases/environments.yaml');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace('    gates:\n      verified: true\n  - name: prod', '    gates:\n      evidence: [e2e]\n  - name: prod'));
    repo.git(['commit', '-q', '-m', 'chore(releases): staging needs e2e', '--', 'releases/environments.yaml']);
    const report = runOutput('dev-fail', junitReport({ failing: ['health: web answers /readyz'] }));
    const snap = await recipe(['snapshot', 'dev', '--skip-verify', 'no dev cluster here', '--evidence', `e2e=${report}`, '--push']);
    expect(snap.code, snap.stderr).toBe(0);
    const { code, stderr } = await recipe(['promote', 'staging', '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/promotion of snapshot [0-9a-f]{12} to staging refused:\n {2}- evidence e2e: the "e2e" check of snapshot [0-9a-f]{12} in dev failed \(report releases\/snapshots\/evidence\/[0-9a-f]{64}\.xml: 1 failed, 0 errored of 3 tests\)/);
  });
});
