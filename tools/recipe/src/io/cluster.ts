// The cluster, read through @kubernetes/client-node: which kubeconfig and context, the Deployments
// and HelmRelease of a service, and failures turned into errors that say what to do.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  ApiException,
  AppsV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Deployment,
} from '@kubernetes/client-node';
import { RecipeError } from '../model/errors.ts';
import type { Condition, DeploymentState, HelmReleaseState, ServiceState } from '../model/verification.ts';

export const HELM_RELEASE = { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' } as const;
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface ClusterConnection {
  context: string;
  server: string;
  /** Where the configuration came from: the kubeconfig file(s), or "in-cluster". */
  source: string;
}

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  /** The context to use: --context, else the environment's context from environments.yaml. */
  context: string;
  /** Where `context` came from, for messages (e.g. "environments.yaml (staging)" or "--context"). */
  contextOrigin: string;
  timeoutMs?: number;
  /** Where the in-cluster token is looked for (tests point it elsewhere). */
  serviceAccountToken?: string;
}

/** Kubeconfig files: KUBECONFIG (path list), else ~/.kube/config when it exists. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  const home = env.HOME || homedir();
  const file = path.join(home, '.kube', 'config');
  return existsSync(file) ? [file] : [];
}

/**
 * The kubeconfig to use: the context from the kubeconfig files when there are any, else the pod's
 * service account when running in a cluster (then the context name is only a label).
 */
export function loadKubeConfig(options: ConnectOptions): { kubeConfig: KubeConfig; connection: ClusterConnection } {
  const files = kubeconfigFiles(options.env);
  const kubeConfig = new KubeConfig();
  if (files.length === 0) {
    const tokenFile = options.serviceAccountToken ?? SERVICE_ACCOUNT_TOKEN;
    if (options.env.KUBERNETES_SERVICE_HOST && existsSync(tokenFile)) {
      withEnv(options.env, () => kubeConfig.loadFromCluster(tokenPrefix(tokenFile)));
      return { kubeConfig, connection: { context: 'in-cluster', server: kubeConfig.getCurrentCluster()?.server ?? '(unknown)', source: 'in-cluster service account' } };
    }
    throw new RecipeError('no kubeconfig found: KUBECONFIG is not set, ~/.kube/config does not exist, and this is not a pod with a service account', {
      exitCode: 2,
      hint: `set KUBECONFIG to a kubeconfig holding context "${options.context}", or run inside the cluster`,
    });
  }
  for (const [index, file] of files.entries()) {
    if (!existsSync(file)) {
      throw new RecipeError(`kubeconfig ${file} does not exist`, { file, exitCode: 2, hint: 'fix KUBECONFIG: it lists files separated by ":"' });
    }
    try {
      if (index === 0) kubeConfig.loadFromFile(file);
      else {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kubeConfig.mergeConfig(more);
      }
    } catch (error) {
      throw new RecipeError(`cannot read kubeconfig ${file}: ${(error as Error).message}`, { file, exitCode: 2, hint: 'check the file is a valid kubeconfig (kubectl config view)', cause: error });
    }
  }
  const source = files.join(path.delimiter);
  const context = kubeConfig.getContextObject(options.context);
  if (!context) {
    const known = kubeConfig.getContexts().map((c) => c.name);
    throw new RecipeError(`context "${options.context}" (from ${options.contextOrigin}) is not in kubeconfig ${source}`, {
      exitCode: 2,
      hint: `add it (kubectl config set-context ${options.context} ...), or pass --context with one of: ${known.join(', ') || '(none)'}`,
    });
  }
  kubeConfig.setCurrentContext(options.context);
  const cluster = kubeConfig.getCluster(context.cluster);
  if (!cluster) {
    throw new RecipeError(`context "${options.context}" names cluster "${context.cluster}", which kubeconfig ${source} does not define`, { exitCode: 2, hint: 'fix the context or add the cluster to the kubeconfig' });
  }
  return { kubeConfig, connection: { context: options.context, server: cluster.server, source } };
}

/** A connection to one cluster, reading one environment's services. */
export class Cluster {
  readonly connection: ClusterConnection;
  readonly #apps: AppsV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #timeoutMs: number;

  constructor(options: ConnectOptions) {
    const { kubeConfig, connection } = loadKubeConfig(options);
    this.connection = connection;
    this.#apps = kubeConfig.makeApiClient(AppsV1Api);
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#timeoutMs = options.timeoutMs ?? 20_000;
  }

  /**
   * Each service's Deployments (by the charts' name and instance labels) and its HelmRelease, in two
   * requests whatever the number of services: one labelled list of Deployments, one list of HelmReleases.
   */
  async environmentState(namespace: string, services: ReadonlyArray<{ service: string; release: string }>): Promise<Map<string, ServiceState>> {
    if (services.length === 0) return new Map();
    const [deployments, helmReleases] = await Promise.all([this.#deployments(namespace, services.map((s) => s.service)), this.#helmReleases(namespace)]);
    return new Map(
      services.map(({ service, release }) => {
        const own = deployments.filter((d) => d.labels[NAME_LABEL] === service && d.labels[INSTANCE_LABEL] === release).map((d) => d.state);
        const helmRelease = helmReleases === undefined ? { helmRelease: null, helmReleaseApiMissing: true } : { helmRelease: helmReleases.get(release) ?? null };
        return [service, { deployments: own, ...helmRelease }];
      }),
    );
  }

  async #deployments(namespace: string, names: readonly string[]): Promise<Array<{ labels: Record<string, string>; state: DeploymentState }>> {
    const labelSelector = `${NAME_LABEL} in (${[...new Set(names)].sort().join(',')})`;
    try {
      const list = await this.#apps.listNamespacedDeployment({ namespace, labelSelector }, this.#options());
      return list.items
        .map((d) => ({ labels: d.metadata?.labels ?? {}, state: deploymentState(d) }))
        .sort((a, b) => (a.state.name < b.state.name ? -1 : 1));
    } catch (error) {
      throw this.#failure(error, { verb: 'list', resource: 'deployments', group: 'apps', namespace });
    }
  }

  /** HelmReleases by name; undefined when the cluster does not serve the API (no Flux CRDs). */
  async #helmReleases(namespace: string): Promise<Map<string, HelmReleaseState> | undefined> {
    try {
      const list = (await this.#custom.listNamespacedCustomObject({ ...HELM_RELEASE, namespace }, this.#options())) as { items?: KubeObject[] };
      return new Map((list.items ?? []).map((object) => [object.metadata?.name ?? '', helmReleaseState(object)]));
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw this.#failure(error, { verb: 'list', resource: HELM_RELEASE.plural, group: HELM_RELEASE.group, namespace });
    }
  }

  /** Per-request options: abort a request the API server does not answer in time. */
  #options(): ConfigurationOptions<ObservableMiddleware> {
    const timeoutMs = this.#timeoutMs;
    return {
      middleware: [
        {
          pre: (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            return new Observable(Promise.resolve(context));
          },
          post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
  }

  #failure(error: unknown, action: { verb: string; resource: string; group: string; namespace: string }): RecipeError {
    const { context, server, source } = this.connection;
    const where = `the cluster of context "${context}" (${server})`;
    const permission = `${action.verb} ${action.resource}${action.group ? `.${action.group}` : ''} in namespace ${action.namespace}`;
    if (error instanceof ApiException) {
      const status = statusOf(error);
      if (error.code === 401) {
        return new RecipeError(`${where} rejected the credentials: 401 Unauthorized`, {
          exitCode: 2,
          hint: `renew the credentials of context "${context}" in ${source} (log in again or refresh the token)`,
        });
      }
      if (error.code === 403) {
        return new RecipeError(`${where} forbids it: 403 Forbidden, missing permission: ${permission}${status?.message ? ` (${status.message})` : ''}`, {
          exitCode: 2,
          field: permission,
          hint: `grant it: apply tools/recipe/deploy/verify-rbac.yaml to namespace ${action.namespace} and bind it to the user of context "${context}"`,
        });
      }
      return new RecipeError(`${where} answered ${error.code} to ${permission}${status?.message ? `: ${status.message}` : ''}`, {
        exitCode: 2,
        hint: 'check the API server is healthy (kubectl get --raw /readyz) and try again',
      });
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new RecipeError(`${where} did not answer within ${this.#timeoutMs / 1000}s`, {
        exitCode: 2,
        hint: 'check the server URL in the kubeconfig and that it is reachable from here (VPN, firewall), or raise --timeout',
      });
    }
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    return new RecipeError(`${where} is unreachable: ${detail}${cause?.message && cause.code ? ` (${cause.message})` : ''}`, {
      exitCode: 2,
      hint: `check that the API server is up and reachable from here (VPN, firewall) and the server URL of context "${context}" in ${source}`,
      cause: error,
    });
  }
}

interface KubeObject {
  metadata?: { name?: string; generation?: number };
  status?: { observedGeneration?: number; conditions?: Condition[]; lastAttemptedRevision?: string; history?: Array<{ chartVersion?: string }> };
}

interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string };
  code?: number;
}

function statusOf(error: ApiException<unknown>): KubeStatus | undefined {
  const body = error.body;
  if (typeof body === 'object' && body !== null) return body as KubeStatus;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    return parsed.kind === 'Status' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function deploymentState(d: V1Deployment): DeploymentState {
  const pod = d.spec?.template?.spec;
  return {
    name: d.metadata?.name ?? '(unnamed)',
    generation: d.metadata?.generation ?? 0,
    observedGeneration: d.status?.observedGeneration,
    desired: d.spec?.replicas ?? 1,
    current: d.status?.replicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    images: [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((c) => c.image ?? '(no image)'),
    conditions: (d.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
  };
}

function helmReleaseState(object: KubeObject): HelmReleaseState {
  return {
    name: object.metadata?.name ?? '(unnamed)',
    generation: object.metadata?.generation ?? 0,
    observedGeneration: object.status?.observedGeneration,
    conditions: object.status?.conditions ?? [],
    revision: object.status?.history?.[0]?.chartVersion ?? object.status?.lastAttemptedRevision,
  };
}

function tokenPrefix(tokenFile: string): string {
  const suffix = SERVICE_ACCOUNT_TOKEN;
  return tokenFile.endsWith(suffix) ? tokenFile.slice(0, -suffix.length) : '';
}

/** loadFromCluster reads KUBERNETES_SERVICE_HOST/PORT from process.env. */
function withEnv(env: NodeJS.ProcessEnv, load: () => void): void {
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  if (env.KUBERNETES_SERVICE_PORT !== undefined) process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
  try {
    load();
  } finally {
    if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    else process.env.KUBERNETES_SERVICE_HOST = saved.host;
    if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    else process.env.KUBERNETES_SERVICE_PORT = saved.port;
  }
}
