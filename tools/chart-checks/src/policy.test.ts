import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RenderedObject } from './manifests.ts';
import { checkPolicy, imageTag } from './policy.ts';
import { sealValue } from './seal.ts';

const selector = { 'app.kubernetes.io/name': 'records', 'app.kubernetes.io/instance': 'records' };
const labels = { ...selector, 'app.kubernetes.io/managed-by': 'Helm' };

function compliantDeployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'records', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'records',
              image: 'ghcr.io/acme/platform/records:0123456789abcdef0123456789abcdef01234567',
              env: [{ name: 'SHUTDOWN_DELAY_MS', value: '5000' }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
              startupProbe: { httpGet: { path: '/healthz', port: 'http' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function container(deployment: Json): Json {
  return deployment.spec.template.spec.containers[0];
}

function rules(objects: Record<string, unknown>[]): string[] {
  const rendered: RenderedObject[] = objects.map((object) => ({ source: 'test', object }));
  return checkPolicy(rendered).map((finding) => finding.rule);
}

describe('the policy', () => {
  it('accepts a Deployment with every restricted setting, resources and probes', () => {
    expect(rules([compliantDeployment()])).toEqual([]);
  });

  it('refuses a writable root filesystem', () => {
    const deployment: Json = compliantDeployment();
    container(deployment).securityContext.readOnlyRootFilesystem = false;
    expect(rules([deployment])).toEqual(['read-only-root-filesystem']);
  });

  it('refuses capabilities that are not all dropped', () => {
    const deployment: Json = compliantDeployment();
    container(deployment).securityContext.capabilities = { drop: ['NET_RAW'] };
    expect(rules([deployment])).toEqual(['drop-all-capabilities']);
  });

  it('refuses a pod that may run as root or escalate', () => {
    const deployment: Json = compliantDeployment();
    deployment.spec.template.spec.securityContext = { seccompProfile: { type: 'RuntimeDefault' } };
    delete container(deployment).securityContext.allowPrivilegeEscalation;
    expect(rules([deployment])).toEqual(['run-as-non-root', 'run-as-non-root', 'no-privilege-escalation']);
  });

  it('refuses a mounted service account token', () => {
    const deployment: Json = compliantDeployment();
    delete deployment.spec.template.spec.automountServiceAccountToken;
    expect(rules([deployment])).toEqual(['no-service-account-token']);
  });

  it('refuses an image tagged latest and an image without a tag', () => {
    const latest: Json = compliantDeployment();
    container(latest).image = 'ghcr.io/acme/platform/records:latest';
    const untagged: Json = compliantDeployment();
    container(untagged).image = 'localhost:5000/records';
    expect(rules([latest])).toEqual(['image-tag']);
    expect(rules([untagged])).toEqual(['image-tag']);
  });

  it('reads the tag after the last slash, so a registry port is not a tag', () => {
    expect(imageTag('localhost:5000/records')).toBeUndefined();
    expect(imageTag('localhost:5000/records:abc')).toBe('abc');
  });

  it('refuses a container without a readiness probe or a memory limit', () => {
    const deployment: Json = compliantDeployment();
    delete container(deployment).readinessProbe;
    delete container(deployment).resources.limits;
    expect(rules([deployment])).toEqual(['resources', 'probes']);
  });

  it('refuses a grace period that does not cover the shutdown delay', () => {
    const deployment: Json = compliantDeployment();
    deployment.spec.template.spec.terminationGracePeriodSeconds = 5;
    expect(rules([deployment])).toEqual(['graceful-shutdown']);
  });

  it('refuses replicas on a Deployment that a HorizontalPodAutoscaler scales', () => {
    const deployment: Json = compliantDeployment();
    deployment.spec.template.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }];
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'records', labels }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'records' } } };
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'records', labels }, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } };
    expect(rules([deployment, hpa, pdb])).toEqual(['autoscaling']);
  });

  it('refuses several replicas without a PodDisruptionBudget and a topology spread', () => {
    const deployment: Json = compliantDeployment();
    deployment.spec.replicas = 3;
    expect(rules([deployment])).toEqual(['topology-spread', 'disruption-budget']);
  });

  it('refuses a selector that uses more than name and instance', () => {
    const deployment: Json = compliantDeployment();
    deployment.spec.selector.matchLabels = { ...selector, 'app.kubernetes.io/version': 'abc' };
    expect(rules([deployment])).toEqual(['labels']);
  });

  it('refuses any Secret, which would carry its data in plaintext', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'records-secrets', labels }, stringData: { DEMO_SECRET: 'hello' } };
    expect(rules([secret])).toEqual(['no-plaintext-secret']);
  });

  it('refuses SealedSecret data that is not kubeseal ciphertext', () => {
    const plaintext = Buffer.from('mysql://root:root@db/records').toString('base64');
    const sealed = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'records-secrets', labels }, spec: { encryptedData: { DATABASE_URL: plaintext } } };
    expect(rules([sealed])).toEqual(['sealed-secret-encrypted']);
  });

  it('accepts SealedSecret data sealed for the throwaway 4096-bit certificate', () => {
    const { publicKey } = new X509Certificate(readFileSync(new URL('../throwaway-sealing-cert.pem', import.meta.url)));
    const ciphertext = sealValue(publicKey, 'mysql://u:p@db/records', 'platform-dev/records-secrets');
    const sealed = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'records-secrets', labels }, spec: { encryptedData: { DATABASE_URL: ciphertext } } };
    expect(rules([sealed])).toEqual([]);
  });
});
