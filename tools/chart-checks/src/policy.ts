// Policy over everything a chart renders: the restricted security settings, resources and probes,
// exact image tags, no plaintext Secret, genuinely encrypted SealedSecret data, Helm-guide labels.
import { describe, type RenderedObject } from './manifests.ts';

export interface PolicyFinding {
  object: string;
  source: string;
  rule: string;
  message: string;
}

type Json = Record<string, unknown>;

const podTemplatePaths: Record<string, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The tag of an image reference, or undefined when it has none (a digest alone counts as a tag). */
export function imageTag(image: string): string | undefined {
  if (image.includes('@sha256:')) return image.slice(image.indexOf('@') + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : image.slice(colon + 1);
}

/** True when the bytes have the shape kubeseal writes: a 2-byte length, an RSA-OAEP block, then AES-GCM data with its tag. */
export function looksSealed(ciphertext: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) return false;
  const bytes = Buffer.from(ciphertext, 'base64');
  if (bytes.length < 2) return false;
  const rsaLength = bytes.readUInt16BE(0);
  return [256, 384, 512].includes(rsaLength) && bytes.length >= 2 + rsaLength + 16;
}

function podChecks(kind: string, pod: Json, hpaTargets: Set<string>, name: string, replicas: unknown, report: (rule: string, message: string) => void): void {
  const podSecurity = asObject(pod.securityContext);
  if (pod.automountServiceAccountToken !== false) report('no-service-account-token', 'spec.automountServiceAccountToken must be false: the service never talks to the Kubernetes API');
  const containers = [...asArray(pod.initContainers), ...asArray(pod.containers)].map(asObject);
  if (containers.length === 0) report('containers', 'has no containers');
  const emptyDirs = new Set(asArray(pod.volumes).map(asObject).filter((volume) => volume.emptyDir !== undefined).map((volume) => volume.name));

  for (const container of containers) {
    const where = `container ${String(container.name)}`;
    const security = asObject(container.securityContext);
    const effective = (key: string): unknown => security[key] ?? podSecurity[key];
    if (effective('runAsNonRoot') !== true) report('run-as-non-root', `${where}: securityContext.runAsNonRoot must be true`);
    const user = effective('runAsUser');
    if (typeof user !== 'number' || user === 0) report('run-as-non-root', `${where}: securityContext.runAsUser must be a non-zero uid (the images run as node, uid 1000)`);
    if (security.allowPrivilegeEscalation !== false) report('no-privilege-escalation', `${where}: securityContext.allowPrivilegeEscalation must be false`);
    if (security.privileged === true) report('not-privileged', `${where}: securityContext.privileged must not be true`);
    if (security.readOnlyRootFilesystem !== true) report('read-only-root-filesystem', `${where}: securityContext.readOnlyRootFilesystem must be true`);
    const drops = asArray(at(security, ['capabilities', 'drop']));
    if (!drops.includes('ALL')) report('drop-all-capabilities', `${where}: securityContext.capabilities.drop must include ALL`);
    if (asArray(at(security, ['capabilities', 'add'])).length > 0) report('drop-all-capabilities', `${where}: securityContext.capabilities.add must be empty`);
    const seccomp = at(security, ['seccompProfile', 'type']) ?? at(podSecurity, ['seccompProfile', 'type']);
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') report('seccomp', `${where}: seccompProfile.type must be RuntimeDefault`);
    const tmpMount = asArray(container.volumeMounts).map(asObject).find((mount) => mount.mountPath === '/tmp');
    if (!tmpMount || !emptyDirs.has(tmpMount.name)) report('writable-tmp', `${where}: /tmp must be an emptyDir mount (the root filesystem is read-only)`);

    const image = typeof container.image === 'string' ? container.image : '';
    const tag = imageTag(image);
    if (!tag) report('image-tag', `${where}: image "${image}" has no tag; use the full commit SHA`);
    else if (tag.toLowerCase() === 'latest') report('image-tag', `${where}: image "${image}" uses latest; use the full commit SHA`);

    const resources = asObject(container.resources);
    for (const [path, label] of [
      [['requests', 'cpu'], 'resources.requests.cpu'],
      [['requests', 'memory'], 'resources.requests.memory'],
      [['limits', 'memory'], 'resources.limits.memory'],
    ] as const) {
      if (at(resources, path) === undefined) report('resources', `${where}: ${label} must be set`);
    }

    if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (container[probe] === undefined) report('probes', `${where}: ${probe} must be set`);
      }
      const shutdownDelay = asArray(container.env).map(asObject).find((variable) => variable.name === 'SHUTDOWN_DELAY_MS')?.value;
      const grace = pod.terminationGracePeriodSeconds;
      if (shutdownDelay !== undefined && (typeof grace !== 'number' || grace * 1000 <= Number(shutdownDelay))) {
        report('graceful-shutdown', `${where}: terminationGracePeriodSeconds (${String(grace)}) must exceed SHUTDOWN_DELAY_MS (${String(shutdownDelay)} ms) plus the drain`);
      }
    }
  }

  if (kind === 'Deployment') {
    if (hpaTargets.has(name) && replicas !== undefined) report('autoscaling', 'spec.replicas must be omitted when a HorizontalPodAutoscaler scales the Deployment (every sync would reset the count)');
    const canScaleOut = hpaTargets.has(name) || (typeof replicas === 'number' && replicas > 1);
    if (canScaleOut && asArray(pod.topologySpreadConstraints).length === 0) report('topology-spread', 'more than one replica can run: spec.template.spec.topologySpreadConstraints must spread them');
  }
}

function labelChecks(object: Json, report: (rule: string, message: string) => void): void {
  const labels = asObject(at(object, ['metadata', 'labels']));
  for (const key of ['app.kubernetes.io/name', 'app.kubernetes.io/instance']) {
    if (typeof labels[key] !== 'string' || labels[key] === '') report('labels', `metadata.labels must carry ${key}`);
  }
  const selector =
    object.kind === 'Service' ? at(object, ['spec', 'selector']) : ['Deployment', 'PodDisruptionBudget', 'StatefulSet', 'DaemonSet'].includes(String(object.kind)) ? at(object, ['spec', 'selector', 'matchLabels']) : undefined;
  if (selector !== undefined) {
    const keys = Object.keys(asObject(selector)).sort();
    if (keys.join(',') !== 'app.kubernetes.io/instance,app.kubernetes.io/name') report('labels', `the selector must use app.kubernetes.io/name and app.kubernetes.io/instance only, not ${keys.join(', ')}`);
  }
}

export function checkPolicy(rendered: readonly RenderedObject[]): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const objects = rendered.map((entry) => entry.object);
  const hpaTargets = new Set(
    objects
      .filter((object) => object.kind === 'HorizontalPodAutoscaler')
      .map((object) => at(object, ['spec', 'scaleTargetRef', 'name']))
      .filter((name): name is string => typeof name === 'string'),
  );
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  const pdbs = objects.filter((object) => object.kind === 'PodDisruptionBudget');

  for (const { source, object } of rendered) {
    const report = (rule: string, message: string): void => {
      findings.push({ object: describe(object), source, rule, message });
    };
    const kind = String(object.kind);
    const name = String(at(object, ['metadata', 'name']));
    labelChecks(object, report);

    const podPath = podTemplatePaths[kind];
    if (podPath) podChecks(kind, asObject(at(object, podPath)), hpaTargets, name, at(object, ['spec', 'replicas']), report);

    if (kind === 'Secret') report('no-plaintext-secret', 'a chart must not render a Secret (its data would sit in values in plaintext): reference an existing Secret or render a SealedSecret');
    if (kind === 'SealedSecret') {
      for (const [key, value] of Object.entries(asObject(at(object, ['spec', 'encryptedData'])))) {
        if (typeof value !== 'string' || !looksSealed(value)) report('sealed-secret-encrypted', `spec.encryptedData.${key} is not kubeseal ciphertext (base64 of an RSA-OAEP session key and AES-GCM data): seal it with kubeseal, never commit plaintext`);
      }
      const template = asObject(at(object, ['spec', 'template']));
      if (template.data !== undefined || template.stringData !== undefined) report('no-plaintext-secret', 'spec.template must not carry data or stringData in plaintext');
    }
  }

  for (const deployment of deployments) {
    const name = String(at(deployment, ['metadata', 'name']));
    const replicas = at(deployment, ['spec', 'replicas']);
    const canScaleOut = hpaTargets.has(name) || (typeof replicas === 'number' && replicas > 1);
    const matchLabels = JSON.stringify(at(deployment, ['spec', 'selector', 'matchLabels']));
    const covered = pdbs.some((pdb) => JSON.stringify(at(pdb, ['spec', 'selector', 'matchLabels'])) === matchLabels);
    if (canScaleOut && !covered) {
      const entry = rendered.find((candidate) => candidate.object === deployment);
      findings.push({ object: describe(deployment), source: entry?.source ?? '', rule: 'disruption-budget', message: 'more than one replica can run: a PodDisruptionBudget must select these pods' });
    }
  }
  return findings;
}
