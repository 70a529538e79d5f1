import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runRecipe } from '../test-support/run-recipe.ts';
import { loadKubeConfig } from '../io/cluster.ts';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { closedPort, deployment, helmRelease, startFakeKubeApi, writeKubeconfig, type FakeKubeApi, type PolicyRule } from '../test-support/fake-kube-api.ts';

const NS = 'platform-staging';
const rbacFile = new URL('../../deploy/verify-rbac.yaml', import.meta.url);
const rbac = parseAllDocuments(readFileSync(rbacFile, 'utf8')).map((doc) => doc.toJS() as { kind: string; metadata: { namespace: string }; rules?: PolicyRule[] });
const roleRules = rbac.find((object) => object.kind === 'Role')!.rules!;

let repo: FixtureRepo;
let api: FakeKubeApi;
let dir: string;
let kubeconfig: string;
let port: number;

/** Runs the real CLI shell with the given environment, capturing its output. */
function recipe(args: string[], env: Record<string, string | undefined> = {}) {
  return runRecipe(repo.root, args, { KUBECONFIG: kubeconfig, ...env });
}

function recipeCommits() {
  const text = readFileSync(path.join(repo.root, 'releases/staging/recipe.yaml'), 'utf8');
  const commits = [...text.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!);
  return { records: commits[0]!, web: commits[1]! };
}

function healthy() {
  const { records, web } = recipeCommits();
  api.putDeployment(deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${records}` }));
  api.putDeployment(deployment({ service: 'web', namespace: NS, image: `ghcr.io/acme/platform/web:${web}`, replicas: 3 }));
  api.putHelmRelease(helmRelease({ name: 'records', namespace: NS, revision: `0.1.0+${records.slice(0, 12)}` }));
  api.putHelmRelease(helmRelease({ name: 'web', namespace: NS, revision: `0.1.0+${web.slice(0, 12)}` }));
}

beforeAll(async () => {
  repo = createFixtureRepo();
  api = await startFakeKubeApi();
  api.addUser('staging-token', { name: 'system:serviceaccount:platform-staging:recipe-verify', rules: { [NS]: roleRules } });
  api.addUser('deployments-only-token', { name: 'jane@example.com', rules: { [NS]: roleRules.filter((rule) => rule.resources.includes('deployments')) } });
  api.addUser('helmreleases-only-token', { name: 'joe@example.com', rules: { [NS]: roleRules.filter((rule) => rule.resources.includes('helmreleases')) } });
  port = await closedPort();
  dir = mkdtempSync(path.join(tmpdir(), 'recipe-verify-'));
  kubeconfig = await writeKubeconfig(path.join(dir, 'kubeconfig'), api.url, [
    { name: 'staging', token: 'staging-token' },
    { name: 'expired', token: 'no-longer-valid' },
    { name: 'deployments-only', token: 'deployments-only-token' },
    { name: 'helmreleases-only', token: 'helmreleases-only-token' },
    { name: 'closed', token: 'staging-token', server: `http://127.0.0.1:${port}` },
  ]);
});

afterAll(async () => {
  await api.close();
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const name of ['records', 'web']) api.deleteHelmRelease(NS, name);
  api.servedGroups.add('helm.toolkit.fluxcd.io');
  healthy();
});

describe('recipe verify', () => {
  test('exits 0 and says every service matches when images, rollouts and HelmReleases are all as the recipe says', async () => {
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^records\s+[0-9a-f]{12}\s+[0-9a-f]{12}\s+2\/2 hr ready\s+ok$/m);
    expect(stdout).toMatch(/^web\s+.*3\/3 hr ready\s+ok$/m);
    expect(stdout).toContain('staging matches its recipe');
    expect(api.requests.slice(-2).sort()).toEqual([
      `GET /apis/apps/v1/namespaces/${NS}/deployments?labelSelector=app.kubernetes.io%2Fname+in+%28records%2Cweb%29`,
      `GET /apis/helm.toolkit.fluxcd.io/v2/namespaces/${NS}/helmreleases`,
    ]);
  });

  test('--json reports each service with what was seen', async () => {
    const { code, stdout } = await recipe(['verify', 'staging', '--json']);
    const report = JSON.parse(stdout);
    expect(code).toBe(0);
    expect(report).toMatchObject({ environment: 'staging', namespace: NS, context: 'staging', ok: true });
    expect(report.services[0]).toMatchObject({ service: 'records', ok: true, replicas: { desired: 2, ready: 2 }, helmRelease: { ready: true, generation: 1 } });
    expect(report.services[0].images).toEqual([`ghcr.io/acme/platform/records:${recipeCommits().records}`]);
  });

  test('exits 1 and names the Deployment, the image and the expected commit when one image runs another commit', async () => {
    const other = 'f'.repeat(40);
    api.putDeployment(deployment({ service: 'web', namespace: NS, image: `ghcr.io/acme/platform/web:${other}` }));
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^records\s.*ok$/m);
    expect(stdout).toContain(`web: Deployment web runs ghcr.io/acme/platform/web:${other} (tag ${other}, expected ${recipeCommits().web.slice(0, 12)})`);
  });

  test('exits 1 when a sidecar container of the Deployment is not on the commit', async () => {
    const { records } = recipeCommits();
    api.putDeployment(deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${records}`, extraContainers: ['ghcr.io/acme/platform/records:latest'] }));
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain('records: Deployment records runs ghcr.io/acme/platform/records:latest (tag latest');
  });

  test('exits 1 while a rollout is in progress, with the replica counts', async () => {
    const d = deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${recipeCommits().records}`, replicas: 3 });
    Object.assign(d.status, { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 });
    api.putDeployment(d);
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain('records: Deployment records rollout in progress: 2 of 3 replicas updated (desired 3, updated 2, ready 3, available 3, total 4)');
  });

  test('exits 1 when the Deployment controller has not observed the latest generation', async () => {
    const d = deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${recipeCommits().records}`, generation: 5 });
    d.status.observedGeneration = 4;
    api.putDeployment(d);
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain('has not observed generation 5 yet (observed 4)');
  });

  test('exits 1 when a rollout exceeded its progress deadline', async () => {
    const d = deployment({ service: 'web', namespace: NS, image: `ghcr.io/acme/platform/web:${recipeCommits().web}` });
    (d.status.conditions as object[])[1] = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5c8" has timed out progressing.' };
    api.putDeployment(d);
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain('web: Deployment web rollout failed: progress deadline exceeded (ReplicaSet "web-5c8" has timed out progressing.)');
  });

  test('exits 1 when a HelmRelease is not ready, quoting Flux\'s reason and message', async () => {
    api.putHelmRelease(helmRelease({ name: 'web', namespace: NS, ready: { status: 'False', reason: 'UpgradeFailed', message: 'Helm upgrade failed: timed out waiting for the condition' } }));
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain('web: HelmRelease web is not ready: Ready=False (UpgradeFailed): Helm upgrade failed: timed out waiting for the condition');
  });

  test('exits 1 when a HelmRelease is Ready only for an older generation', async () => {
    api.putHelmRelease(helmRelease({ name: 'records', namespace: NS, generation: 3, ready: { status: 'True', reason: 'UpgradeSucceeded', message: 'done', observedGeneration: 2 } }));
    const { code, stdout } = await recipe(['verify', 'staging', '--json']);
    const report = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(report.services[0].helmRelease).toEqual({ ready: false, revision: '1.0.0', generation: 3 });
    expect(report.services[0].problems).toEqual(['HelmRelease records is Ready for generation 2, not the current generation 3: Flux has not reconciled the latest change yet']);
  });

  test('exits 1 when a service has no Deployment or no HelmRelease', async () => {
    api.deleteHelmRelease(NS, 'web');
    const labelled = deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${recipeCommits().records}`, release: 'records-canary' });
    api.putDeployment({ ...labelled, metadata: { ...labelled.metadata, name: 'records' } });
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain(`records: no Deployment labelled app.kubernetes.io/name=records,app.kubernetes.io/instance=records in namespace ${NS}`);
    expect(stdout).toContain(`web: no HelmRelease web in namespace ${NS}`);
  });

  test('exits 1 and asks whether Flux is installed when the cluster does not serve HelmReleases', async () => {
    api.servedGroups.delete('helm.toolkit.fluxcd.io');
    const { code, stdout } = await recipe(['verify', 'staging']);
    expect(code).toBe(1);
    expect(stdout).toContain('the cluster does not serve helm.toolkit.fluxcd.io/v2 HelmReleases: is Flux installed?');
  });

  test('exits 2 and names the context and the refused connection when the API server is unreachable', async () => {
    const { code, stderr } = await recipe(['verify', 'staging', '--context', 'closed']);
    expect(code).toBe(2);
    expect(stderr).toContain(`the cluster of context "closed" (http://127.0.0.1:${port}) is unreachable: ECONNREFUSED`);
    expect(stderr).toContain('fix: check that the API server is up and reachable');
  });

  test('exits 2 when the API server accepts the connection but does not answer within --timeout', async () => {
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentKubeconfig = await writeKubeconfig(path.join(dir, 'silent'), `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, [{ name: 'staging', token: 'staging-token' }]);
    try {
      const { code, stderr } = await recipe(['verify', 'staging', '--timeout', '0.5'], { KUBECONFIG: silentKubeconfig });
      expect(code).toBe(2);
      expect(stderr).toContain('did not answer within 0.5s');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  test('exits 2 with 401 Unauthorized when the credentials are rejected', async () => {
    const { code, stderr } = await recipe(['verify', 'staging', '--context', 'expired']);
    expect(code).toBe(2);
    expect(stderr).toContain(`the cluster of context "expired" (${api.url}) rejected the credentials: 401 Unauthorized`);
    expect(stderr).toContain(`fix: renew the credentials of context "expired" in ${kubeconfig}`);
  });

  test('exits 2 with 403 naming the missing permission on HelmReleases', async () => {
    const { code, stderr } = await recipe(['verify', 'staging', '--context', 'deployments-only']);
    expect(code).toBe(2);
    expect(stderr).toContain(`403 Forbidden, missing permission: list helmreleases.helm.toolkit.fluxcd.io in namespace ${NS}`);
    expect(stderr).toContain('User "jane@example.com" cannot list resource "helmreleases"');
    expect(stderr).toContain('apply tools/recipe/deploy/verify-rbac.yaml');
  });

  test('exits 2 with 403 naming the missing permission on Deployments, as JSON with --json', async () => {
    const { code, stdout } = await recipe(['verify', 'staging', '--context', 'helmreleases-only', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toMatchObject({ field: `list deployments.apps in namespace ${NS}`, exitCode: 2 });
  });

  test('exits 2 when the environment\'s context is not in the kubeconfig, listing the ones that are', async () => {
    const { code, stderr } = await recipe(['verify', 'prod']);
    expect(code).toBe(2);
    expect(stderr).toContain('context "prod" (from releases/environments.yaml (environment prod)) is not in kubeconfig');
    expect(stderr).toContain('one of: staging, expired, deployments-only, helmreleases-only, closed');
  });

  test('exits 2 when there is no kubeconfig and it does not run in a pod', async () => {
    const { code, stderr } = await recipe(['verify', 'staging'], { KUBECONFIG: '', HOME: dir, KUBERNETES_SERVICE_HOST: undefined });
    expect(code).toBe(2);
    expect(stderr).toContain('no kubeconfig found');
  });
});

describe('recipe verify --wait', () => {
  const deploymentsList = `GET /apis/apps/v1/namespaces/${NS}/deployments`;
  function rollingOut() {
    const d = deployment({ service: 'records', namespace: NS, image: `ghcr.io/acme/platform/records:${recipeCommits().records}`, replicas: 3 });
    Object.assign(d.status, { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 });
    api.putDeployment(d);
  }
  afterEach(() => {
    api.onRequest = undefined;
  });

  test('polls with a growing pause, saying what still does not match, until the rollout completes: exit 0', async () => {
    rollingOut();
    let polls = 0;
    api.onRequest = (request) => {
      // The third poll finds the rollout done.
      if (request.startsWith(deploymentsList) && ++polls === 3) healthy();
    };
    const { code, stdout, stderr } = await recipe(['verify', 'staging', '--wait', '30s']);
    expect(code, stderr).toBe(0);
    const progress = stderr.split('\n').filter((line) => line.startsWith('staging: poll'));
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatch(/^staging: poll 1 \(\d+s of 30s\): still not matching: records: Deployment records rollout in progress: 2 of 3 replicas updated .*; next poll in 1s$/);
    expect(progress[1]).toMatch(/^staging: poll 2 \(\d+s of 30s\): still not matching: records: .*; next poll in 2s$/);
    expect(stderr).toMatch(/staging matches its recipe after \d+s \(3 polls\)/);
    expect(stdout).toContain('staging matches its recipe: every image on its commit');
    expect(polls).toBe(3);
  });

  test('gives up when the duration has passed and the cluster still does not match: exit 1, naming what', async () => {
    rollingOut();
    const started = Date.now();
    const { code, stdout, stderr } = await recipe(['verify', 'staging', '--wait', '3s', '--json']);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.wait).toMatchObject({ timedOut: true });
    expect(report.wait.polls).toBeGreaterThanOrEqual(3);
    expect(stderr.split('\n').filter((line) => line.startsWith('staging: poll')).length).toBe(report.wait.polls - 1);
    expect(stderr).toMatch(/recipe: gave up waiting after 3s \(\d+ polls\): staging still does not match its recipe/);
    expect(report.services.find((s: { service: string }) => s.service === 'records').problems[0]).toContain('rollout in progress');
  });

  test('a cluster that cannot be asked stops the wait at once with exit 2', async () => {
    const started = Date.now();
    const { code, stderr } = await recipe(['verify', 'staging', '--wait', '10m', '--context', 'expired']);
    expect(code).toBe(2);
    expect(stderr).toContain('401');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a --wait that is not a duration is refused with exit 2', async () => {
    const { code, stderr } = await recipe(['verify', 'staging', '--wait', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--wait: --wait "soon" is not a duration');
  });
});

describe('the RBAC manifest', () => {
  test('is a namespaced Role and RoleBinding granting only list on Deployments and HelmReleases', () => {
    expect(rbac.map((object) => object.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
    expect(roleRules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] },
      { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: ['list'] },
    ]);
  });

  test('grants everything verify asks for: the context bound to exactly its rules verifies', async () => {
    const { code } = await recipe(['verify', 'staging', '--context', 'staging']);
    expect(code).toBe(0);
  });
});

describe('kubeconfig selection', () => {
  test('uses the pod\'s service account when there is no kubeconfig and it runs in a cluster', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'recipe-sa-'));
    const saDir = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(saDir, { recursive: true });
    writeFileSync(path.join(saDir, 'token'), 'pod-token');
    writeFileSync(path.join(saDir, 'namespace'), NS);
    try {
      const { connection } = loadKubeConfig({
        env: { HOME: root, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
        context: 'staging',
        contextOrigin: 'test',
        serviceAccountToken: path.join(saDir, 'token'),
      });
      expect(connection).toEqual({ context: 'in-cluster', server: 'https://10.0.0.1:443', source: 'in-cluster service account' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
