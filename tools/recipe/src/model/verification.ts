// Comparing what an environment's recipe says with what its cluster runs. Pure: the cluster
// adapter (io/cluster.ts) reads the objects, this decides whether they match and why not.
import type { ClusterEvidence } from './snapshot.ts';

/** What the recipe expects of one service. */
export interface ExpectedService {
  service: string;
  /** Full 40-hex commit: the image tag. */
  commit: string;
  /** Image repository (without tag). */
  image: string;
  /** The Helm release name: app.kubernetes.io/instance of its Deployments, name of its HelmRelease. */
  release: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/** The parts of an apps/v1 Deployment verify looks at. */
export interface DeploymentState {
  name: string;
  generation: number;
  observedGeneration?: number;
  /** spec.replicas */
  desired: number;
  /** status.replicas: pods of every revision still around */
  current: number;
  updated: number;
  ready: number;
  available: number;
  /** Images of every container and init container, in pod spec order. */
  images: string[];
  conditions: Condition[];
}

/** The parts of a helm.toolkit.fluxcd.io/v2 HelmRelease verify looks at. */
export interface HelmReleaseState {
  name: string;
  generation: number;
  observedGeneration?: number;
  conditions: Condition[];
  /** The chart version Flux last attempted, e.g. 1.4.0+1a2b3c4d5e6f for a Git source. */
  revision?: string;
}

export interface ServiceState {
  deployments: DeploymentState[];
  /** null when the HelmRelease does not exist. */
  helmRelease: HelmReleaseState | null;
  /** Set when the cluster does not serve the HelmRelease API at all. */
  helmReleaseApiMissing?: boolean;
}

export interface ServiceVerdict {
  service: string;
  release: string;
  expected: { commit: string; image: string };
  /** Distinct tags seen on the service's containers. */
  seenTags: string[];
  images: string[];
  replicas: { desired: number; ready: number };
  helmRelease: { ready: boolean; revision: string | null; generation: number | null } | null;
  /** Each mismatch, in words; empty when the service matches. */
  problems: string[];
  ok: boolean;
}

export interface VerificationReport {
  environment: string;
  namespace: string;
  context: string;
  server: string;
  ok: boolean;
  services: ServiceVerdict[];
}

/** Repository and tag of an image reference (`repo:tag`, `repo:tag@sha256:…`, `repo@sha256:…`). */
export function parseImage(reference: string): { repository: string; tag?: string; digest?: string } {
  const [named, digest] = reference.split('@', 2) as [string, string | undefined];
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  if (colon > slash) return { repository: named.slice(0, colon), tag: named.slice(colon + 1), ...(digest ? { digest } : {}) };
  return { repository: named, ...(digest ? { digest } : {}) };
}

/** The label selector of a service's Deployments, as the charts set them. */
export function deploymentSelector(expected: Pick<ExpectedService, 'service' | 'release'>): string {
  return `app.kubernetes.io/name=${expected.service},app.kubernetes.io/instance=${expected.release}`;
}

export function compareService(expected: ExpectedService, state: ServiceState, namespace: string): ServiceVerdict {
  const problems: string[] = [];
  const short = expected.commit.slice(0, 12);
  const want = `${expected.image}:${expected.commit}`;
  if (state.deployments.length === 0) {
    problems.push(`no Deployment labelled ${deploymentSelector(expected)} in namespace ${namespace}`);
  }
  const images: string[] = [];
  for (const deployment of state.deployments) {
    for (const image of deployment.images) {
      if (!images.includes(image)) images.push(image);
      const { repository, tag } = parseImage(image);
      if (repository !== expected.image || tag !== expected.commit) {
        const what = repository !== expected.image ? `repository ${repository}, expected ${expected.image}` : `tag ${tag ?? '(none)'}, expected ${short}`;
        problems.push(`Deployment ${deployment.name} runs ${image} (${what}), not ${want}`);
      }
    }
    problems.push(...rolloutProblems(deployment));
  }
  const seenTags = [...new Set(images.map((image) => parseImage(image).tag ?? '(untagged)'))];

  let helmRelease: ServiceVerdict['helmRelease'] = null;
  if (state.helmReleaseApiMissing) {
    problems.push('the cluster does not serve helm.toolkit.fluxcd.io/v2 HelmReleases: is Flux installed?');
  } else if (state.helmRelease === null) {
    problems.push(`no HelmRelease ${expected.release} in namespace ${namespace}`);
  } else {
    const hr = state.helmRelease;
    const ready = hr.conditions.find((condition) => condition.type === 'Ready');
    const current = isCurrent(hr, ready);
    const isReady = ready?.status === 'True' && current;
    helmRelease = { ready: isReady, revision: hr.revision ?? null, generation: hr.generation };
    if (!ready) {
      problems.push(`HelmRelease ${hr.name} has no Ready condition yet (generation ${hr.generation})`);
    } else if (ready.status !== 'True') {
      problems.push(`HelmRelease ${hr.name} is not ready: Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`);
    } else if (!current) {
      const seen = ready.observedGeneration ?? hr.observedGeneration;
      problems.push(`HelmRelease ${hr.name} is Ready for generation ${seen ?? '(unknown)'}, not the current generation ${hr.generation}: Flux has not reconciled the latest change yet`);
    }
    // With reconcileStrategy: Revision, Flux suffixes the chart version with the source revision.
    const chartCommit = /\+([0-9a-f]{7,40})$/.exec(hr.revision ?? '')?.[1];
    if (chartCommit && !expected.commit.startsWith(chartCommit)) {
      problems.push(`HelmRelease ${hr.name} installed chart ${hr.revision}, from commit ${chartCommit}, not the recipe's ${short}`);
    }
  }

  const desired = state.deployments.reduce((sum, d) => sum + d.desired, 0);
  const ready = state.deployments.reduce((sum, d) => sum + d.ready, 0);
  return {
    service: expected.service,
    release: expected.release,
    expected: { commit: expected.commit, image: expected.image },
    seenTags,
    images,
    replicas: { desired, ready },
    helmRelease,
    problems,
    ok: problems.length === 0,
  };
}

/** Why a Deployment's rollout is not complete, per `kubectl rollout status` rules. */
export function rolloutProblems(d: DeploymentState): string[] {
  const stuck = d.conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (stuck) return [`Deployment ${d.name} rollout failed: progress deadline exceeded${stuck.message ? ` (${stuck.message})` : ''}`];
  if (d.observedGeneration === undefined || d.observedGeneration < d.generation) {
    return [`Deployment ${d.name} rollout in progress: the controller has not observed generation ${d.generation} yet (observed ${d.observedGeneration ?? 'none'})`];
  }
  const counts = `desired ${d.desired}, updated ${d.updated}, ready ${d.ready}, available ${d.available}, total ${d.current}`;
  if (d.updated < d.desired) return [`Deployment ${d.name} rollout in progress: ${d.updated} of ${d.desired} replicas updated (${counts})`];
  if (d.current > d.updated) return [`Deployment ${d.name} rollout in progress: ${d.current - d.updated} old replica(s) pending termination (${counts})`];
  if (d.ready < d.desired || d.available < d.desired) return [`Deployment ${d.name} rollout in progress: ${Math.min(d.ready, d.available)} of ${d.desired} replicas ready and available (${counts})`];
  return [];
}

function isCurrent(hr: HelmReleaseState, ready: Condition | undefined): boolean {
  // Flux stamps both the condition and the status with the generation it reconciled.
  const observed = [ready?.observedGeneration, hr.observedGeneration].filter((g): g is number => g !== undefined);
  return observed.length > 0 && observed.every((g) => g >= hr.generation);
}

export function buildReport(input: { environment: string; namespace: string; context: string; server: string; verdicts: ServiceVerdict[] }): VerificationReport {
  const services = [...input.verdicts].sort((a, b) => (a.service < b.service ? -1 : 1));
  return { environment: input.environment, namespace: input.namespace, context: input.context, server: input.server, ok: services.every((s) => s.ok), services };
}

/** What a snapshot records of a passing verification. */
export function clusterEvidence(report: VerificationReport): ClusterEvidence {
  const services: ClusterEvidence['services'] = {};
  for (const verdict of report.services) {
    services[verdict.service] = { replicas: verdict.replicas, images: verdict.images, helmRelease: verdict.helmRelease };
  }
  return { context: report.context, services };
}
