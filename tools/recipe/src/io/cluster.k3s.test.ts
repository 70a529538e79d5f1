// End to end against a real Kubernetes API server (k3s in a container): real Deployments rolled
// out by the real controller, a HelmRelease custom resource with a real status subresource, and
// the shipped RBAC manifest enforced by real RBAC. Needs a Docker engine and the k3s image; without
// either every test is skipped and says why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { K3sContainer, type StartedK3sContainer } from '@testcontainers/k3s';
import { getContainerRuntimeClient, ImageName } from 'testcontainers';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { runRecipe } from '../test-support/run-recipe.ts';
import { createFixtureRepo, type FixtureRepo } from '../test-support/fixture-repo.ts';

const K3S_IMAGE = 'rancher/k3s:v1.31.2-k3s1';
const BASE_IMAGE = 'docker.io/library/busybox:1.36';
const NS = 'platform-staging';

let skipReason: string | undefined;
let k3s: StartedK3sContainer | undefined;
let repo: FixtureRepo;
let dir: string;
let adminKubeconfig: string;
let kc: KubeConfig;
let commits: { records: string; web: string };

function skipWithoutDocker(ctx: TestContext): void {
  if (skipReason) ctx.skip(skipReason);
}

/** Why k3s cannot run here (no container engine, or no k3s image to be had), and how to fix it. */
async function dockerUnavailable(): Promise<string | undefined> {
  let client: Awaited<ReturnType<typeof getContainerRuntimeClient>>;
  try {
    client = await getContainerRuntimeClient();
  } catch (error) {
    const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock (the default; DOCKER_HOST is not set)';
    return `no Docker engine found at ${where}: ${(error as Error).message.split('\n')[0]}. To run the k3s end-to-end suite, start a Docker engine (or point DOCKER_HOST at one) and run "npm test -w tools/recipe"`;
  }
  const image = ImageName.fromString(K3S_IMAGE);
  if (await client.image.exists(image)) return undefined;
  try {
    await client.image.pull(image);
    return undefined;
  } catch (error) {
    // k3s ships as this image only (its binary comes from GitHub releases): no local build can stand in.
    return `the engine at ${process.env.DOCKER_HOST ?? 'the default socket'} has no ${K3S_IMAGE} and cannot pull it (${(error as Error).message.split('\n')[0]}). To run the k3s end-to-end suite, load that image into the engine (docker load) or give the engine a registry that serves it`;
  }
}

function recipe(args: string[], kubeconfig: string) {
  return runRecipe(repo.root, args, { KUBECONFIG: kubeconfig });
}

/** Runs verify until it exits 0 (the controller needs a moment to roll out), returning the last run. */
async function verifyUntilMatch(kubeconfig: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await recipe(['verify', 'staging', '--context', 'default'], kubeconfig);
    if (result.code === 0 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function chartDeployment(service: string, image: string): V1Deployment {
  const labels = { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': service };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service, namespace: NS, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: service, image, imagePullPolicy: 'Never', command: ['sleep', '3600'] }], terminationGracePeriodSeconds: 1 },
      },
    },
  };
}

async function markHelmReleaseReady(name: string): Promise<void> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const group = { group: 'helm.toolkit.fluxcd.io', version: 'v2', namespace: NS, plural: 'helmreleases', name };
  const object = (await custom.getNamespacedCustomObject(group)) as KubernetesObject & { metadata: { generation: number }; status?: unknown };
  const generation = object.metadata.generation;
  object.status = {
    observedGeneration: generation,
    conditions: [{ type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: 'Helm install succeeded', observedGeneration: generation, lastTransitionTime: new Date().toISOString() }],
    history: [{ chartName: name, chartVersion: '0.1.0', status: 'deployed', version: 1 }],
  };
  await custom.replaceNamespacedCustomObjectStatus({ ...group, body: object });
}

/** A kubeconfig for the same cluster authenticating with a service account token. */
async function serviceAccountKubeconfig(account: string): Promise<string> {
  const token = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ name: account, namespace: NS, body: { spec: { expirationSeconds: 600, audiences: [] } } });
  const sa = new KubeConfig();
  const cluster = kc.getCurrentCluster()!;
  sa.loadFromOptions({
    clusters: [cluster],
    users: [{ name: account, token: token.status!.token }],
    contexts: [{ name: 'default', cluster: cluster.name, user: account }],
    currentContext: 'default',
  });
  const file = path.join(dir, `${account}.kubeconfig`);
  writeFileSync(file, sa.exportConfig());
  return file;
}

beforeAll(async () => {
  skipReason = await dockerUnavailable();
  if (skipReason) {
    console.warn(`[recipe k3s e2e] skipped: ${skipReason}`);
    return;
  }
  repo = createFixtureRepo();
  dir = mkdtempSync(path.join(tmpdir(), 'recipe-k3s-'));
  const text = readFileSync(path.join(repo.root, 'releases/staging/recipe.yaml'), 'utf8');
  const [records, web] = [...text.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!);
  commits = { records: records!, web: web! };

  k3s = await new K3sContainer(K3S_IMAGE).start();
  adminKubeconfig = path.join(dir, 'admin.kubeconfig');
  writeFileSync(adminKubeconfig, k3s.getKubeConfig());
  kc = new KubeConfig();
  kc.loadFromString(k3s.getKubeConfig());

  // The images the recipe names, made locally from one small image (imagePullPolicy: Never).
  await k3s.exec(['ctr', '-n', 'k8s.io', 'images', 'pull', BASE_IMAGE]);
  for (const tag of [`ghcr.io/acme/platform/records:${commits.records}`, `ghcr.io/acme/platform/web:${commits.web}`, `ghcr.io/acme/platform/web:${'e'.repeat(40)}`]) {
    await k3s.exec(['ctr', '-n', 'k8s.io', 'images', 'tag', BASE_IMAGE, tag]);
  }

  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  const crds = kc.makeApiClient(ApiextensionsV1Api);
  await crds.createCustomResourceDefinition({
    body: {
      metadata: { name: 'helmreleases.helm.toolkit.fluxcd.io' },
      spec: {
        group: 'helm.toolkit.fluxcd.io',
        names: { kind: 'HelmRelease', listKind: 'HelmReleaseList', plural: 'helmreleases', singular: 'helmrelease', shortNames: ['hr'] },
        scope: 'Namespaced',
        versions: [{ name: 'v2', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } }],
      },
    },
  });
  for (let i = 0; i < 60; i++) {
    const crd = await crds.readCustomResourceDefinition({ name: 'helmreleases.helm.toolkit.fluxcd.io' });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const apps = kc.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({ namespace: NS, body: chartDeployment('records', `ghcr.io/acme/platform/records:${commits.records}`) });
  await apps.createNamespacedDeployment({ namespace: NS, body: chartDeployment('web', `ghcr.io/acme/platform/web:${commits.web}`) });
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const name of ['records', 'web']) {
    await custom.createNamespacedCustomObject({
      group: 'helm.toolkit.fluxcd.io',
      version: 'v2',
      namespace: NS,
      plural: 'helmreleases',
      body: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: NS }, spec: { interval: '5m', chart: { spec: { chart: `./charts/${name}`, sourceRef: { kind: 'GitRepository', name } } } } },
    });
    await markHelmReleaseReady(name);
  }

  // The shipped least-privilege RBAC, plus an account without it.
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const manifest = parseAllDocuments(readFileSync(new URL('../../deploy/verify-rbac.yaml', import.meta.url), 'utf8')).map((doc) => doc.toJS() as KubernetesObject);
  for (const object of manifest) await objects.create(object);
  await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'nobody' } } });
}, 600_000);

afterAll(async () => {
  await k3s?.stop();
  repo?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('recipe verify against k3s', () => {
  test('exits 0 once the real Deployments have rolled out and the HelmReleases are Ready', async (ctx) => {
    skipWithoutDocker(ctx);
    const { code, stdout } = await verifyUntilMatch(adminKubeconfig);
    expect(stdout).toContain('staging matches its recipe');
    expect(code).toBe(0);
  }, 180_000);

  test('the service account bound by deploy/verify-rbac.yaml can verify; one without it gets 403 naming the permission', async (ctx) => {
    skipWithoutDocker(ctx);
    const allowed = await verifyUntilMatch(await serviceAccountKubeconfig('recipe-verify'));
    expect(allowed.code).toBe(0);
    const denied = await recipe(['verify', 'staging', '--context', 'default'], await serviceAccountKubeconfig('nobody'));
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/403 Forbidden, missing permission: list (deployments\.apps|helmreleases\.helm\.toolkit\.fluxcd\.io) in namespace platform-staging/);
  }, 180_000);

  test('exits 1 naming the Deployment when it runs another commit', async (ctx) => {
    skipWithoutDocker(ctx);
    const apps = kc.makeApiClient(AppsV1Api);
    const web = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
    web.spec!.template.spec!.containers[0]!.image = `ghcr.io/acme/platform/web:${'e'.repeat(40)}`;
    await apps.replaceNamespacedDeployment({ name: 'web', namespace: NS, body: web });
    const { code, stdout } = await recipe(['verify', 'staging', '--context', 'default'], adminKubeconfig);
    expect(code).toBe(1);
    expect(stdout).toContain(`Deployment web runs ghcr.io/acme/platform/web:${'e'.repeat(40)}`);
  }, 180_000);
});
