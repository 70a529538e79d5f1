// A Kubernetes API server on loopback for tests: the real paths, the real JSON (Deployment lists,
// HelmRelease custom objects, Status errors), bearer-token authentication and RBAC-style
// authorisation, so @kubernetes/client-node runs end to end against it.
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';

/** An RBAC PolicyRule, as in a Role: what a token may do. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface FakeUser {
  name: string;
  /** Rules granted in each namespace ("*" for every namespace). */
  rules: Record<string, PolicyRule[]>;
}

export const ALL_RULES: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

type KubeObject = { metadata: { name: string; namespace?: string; labels?: Record<string, string> } & Record<string, unknown> } & Record<string, unknown>;

export interface FakeKubeApi {
  url: string;
  /** Every request seen: method and path with query. */
  requests: string[];
  /** The API groups served; drop `helm.toolkit.fluxcd.io` to mimic a cluster without Flux. */
  servedGroups: Set<string>;
  /** Called with `METHOD path` before each request is answered: a test changes the cluster as it is polled. */
  onRequest?: (request: string) => void;
  addUser(token: string, user: FakeUser): void;
  putDeployment(deployment: KubeObject): void;
  putHelmRelease(helmRelease: KubeObject): void;
  deleteHelmRelease(namespace: string, name: string): void;
  close(): Promise<void>;
}

interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

const RESOURCES: Resource[] = [
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', kind: 'HelmRelease' },
];

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const users = new Map<string, FakeUser>();
  // key: `${plural}/${namespace}/${name}`
  const objects = new Map<string, KubeObject>();
  const requests: string[] = [];
  const servedGroups = new Set(RESOURCES.map((r) => r.group));

  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    try {
      api.onRequest?.(`${request.method} ${request.url}`);
      handle(request, response);
    } catch (error) {
      send(response, 500, status(500, 'InternalError', (error as Error).message));
    }
  });

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const user = token === undefined ? undefined : users.get(token);
    if (!user) {
      send(response, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const match = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const resource = match && RESOURCES.find((r) => r.group === match[1] && r.version === match[2] && r.plural === match[4]);
    if (!match || !resource || !servedGroups.has(resource.group) || request.method !== 'GET') {
      send(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const namespace = match[3]!;
    const name = match[5];
    const verb = name === undefined ? 'list' : 'get';
    if (!allowed(user, namespace, resource, verb, name)) {
      const message = `${resource.plural}.${resource.group}${name ? ` "${name}"` : ''} is forbidden: User "${user.name}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" in the namespace "${namespace}"`;
      send(response, 403, status(403, 'Forbidden', message, { ...(name ? { name } : {}), group: resource.group, kind: resource.plural }));
      return;
    }
    if (name !== undefined) {
      const object = objects.get(`${resource.plural}/${namespace}/${name}`);
      if (!object) send(response, 404, status(404, 'NotFound', `${resource.plural}.${resource.group} "${name}" not found`, { name, group: resource.group, kind: resource.plural }));
      else send(response, 200, object);
      return;
    }
    const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    const items = [...objects.entries()]
      .filter(([key]) => key.startsWith(`${resource.plural}/${namespace}/`))
      .map(([, object]) => object)
      .filter((object) => selector.every((test) => test(object.metadata.labels ?? {})));
    send(response, 200, { kind: `${resource.kind}List`, apiVersion: `${resource.group}/${resource.version}`, metadata: { resourceVersion: String(requests.length) }, items });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const api: FakeKubeApi = {
    url: `http://127.0.0.1:${port}`,
    requests,
    servedGroups,
    addUser: (token, user) => users.set(token, user),
    putDeployment: (d) => objects.set(`deployments/${d.metadata.namespace}/${d.metadata.name}`, d),
    putHelmRelease: (hr) => objects.set(`helmreleases/${hr.metadata.namespace}/${hr.metadata.name}`, hr),
    deleteHelmRelease: (namespace, name) => objects.delete(`helmreleases/${namespace}/${name}`),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return api;
}

function allowed(user: FakeUser, namespace: string, resource: Resource, verb: string, name: string | undefined): boolean {
  const rules = [...(user.rules[namespace] ?? []), ...(user.rules['*'] ?? [])];
  return rules.some(
    (rule) =>
      (rule.apiGroups.includes('*') || rule.apiGroups.includes(resource.group)) &&
      (rule.resources.includes('*') || rule.resources.includes(resource.plural)) &&
      (rule.verbs.includes('*') || rule.verbs.includes(verb)) &&
      (!rule.resourceNames?.length || (name !== undefined && rule.resourceNames.includes(name))),
  );
}

/** Label selectors as the API server reads them: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`. */
function parseSelector(selector: string): Array<(labels: Record<string, string>) => boolean> {
  // Commas separate requirements, except inside the parentheses of a set.
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms
    .map((term) => term.trim())
    .filter(Boolean)
    .map((term): ((labels: Record<string, string>) => boolean) => {
      const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
      if (set) {
        const values = set[3]!.split(',').map((v) => v.trim());
        return set[2] === 'in' ? (labels) => values.includes(labels[set[1]!] ?? '\0') : (labels) => !values.includes(labels[set[1]!] ?? '\0');
      }
      const ne = /^([^!=]+)!=(.*)$/.exec(term);
      if (ne) return (labels) => labels[ne[1]!] !== ne[2];
      const eq = /^([^!=]+)==?(.*)$/.exec(term);
      if (eq) return (labels) => labels[eq[1]!] === eq[2];
      if (term.startsWith('!')) return (labels) => !(term.slice(1) in labels);
      return (labels) => term in labels;
    });
}

function status(code: number, reason: string, message: string, details?: Record<string, string>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function send(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A kubeconfig file with one context per entry, each authenticating with a bearer token (server: the fake's, unless given). */
export async function writeKubeconfig(file: string, server: string, contexts: Array<{ name: string; token: string; namespace?: string; server?: string }>): Promise<string> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    // @kubernetes/client-node only speaks plain http to a server marked insecure.
    clusters: contexts.map((c) => ({ name: `${c.name}-cluster`, cluster: { server: c.server ?? server, 'insecure-skip-tls-verify': true } })),
    users: contexts.map((c) => ({ name: `${c.name}-user`, user: { token: c.token } })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: `${c.name}-cluster`, user: `${c.name}-user`, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
    'current-context': contexts[0]?.name ?? '',
    preferences: {},
  };
  await writeFile(file, stringify(config));
  return file;
}

/** A Deployment as the charts render it, with the status of a completed rollout. */
export function deployment(input: {
  service: string;
  namespace: string;
  image: string;
  release?: string;
  name?: string;
  replicas?: number;
  generation?: number;
  extraContainers?: string[];
}): KubeObject & { spec: Record<string, unknown> & { replicas: number }; status: Record<string, unknown> } {
  const replicas = input.replicas ?? 2;
  const generation = input.generation ?? 1;
  const release = input.release ?? input.service;
  const labels = { 'app.kubernetes.io/name': input.service, 'app.kubernetes.io/instance': release };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: input.name ?? release,
      namespace: input.namespace,
      generation,
      uid: `uid-${input.namespace}-${input.name ?? release}`,
      resourceVersion: '100',
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm' },
    },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: input.service, image: input.image },
            ...(input.extraContainers ?? []).map((image, i) => ({ name: `extra-${i}`, image })),
          ],
        },
      },
    },
    status: {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${input.name ?? release}-7d9c" has successfully progressed.` },
      ],
    },
  };
}

/** A Flux HelmRelease; by default reconciled and Ready for its current generation. */
export function helmRelease(input: {
  name: string;
  namespace: string;
  revision?: string;
  generation?: number;
  ready?: { status: 'True' | 'False' | 'Unknown'; reason: string; message: string; observedGeneration?: number };
}): KubeObject {
  const generation = input.generation ?? 1;
  const ready = input.ready ?? { status: 'True', reason: 'UpgradeSucceeded', message: `Helm upgrade succeeded for release ${input.namespace}/${input.name}` };
  const observedGeneration = ready.observedGeneration ?? generation;
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: input.name, namespace: input.namespace, generation, uid: `uid-hr-${input.name}`, resourceVersion: '200' },
    spec: { interval: '5m', releaseName: input.name, chart: { spec: { chart: `./charts/${input.name}`, reconcileStrategy: 'Revision', sourceRef: { kind: 'GitRepository', name: input.name } } } },
    status: {
      observedGeneration,
      lastAttemptedRevision: input.revision ?? '1.0.0',
      conditions: [{ type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message, observedGeneration, lastTransitionTime: '2026-11-22T10:00:00Z' }],
      history: [{ name: input.name, namespace: input.namespace, chartName: input.name, chartVersion: input.revision ?? '1.0.0', status: 'deployed', version: generation }],
    },
  };
}

/** A loopback port nothing listens on (bound, then released): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
