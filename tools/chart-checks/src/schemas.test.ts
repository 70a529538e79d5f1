import { describe, expect, it } from 'vitest';
import { validateObject } from './schemas.ts';

describe('schema validation', () => {
  it('reports a kind that no installed schema knows', async () => {
    const [finding] = await validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } });
    expect(finding?.message).toMatch(/^no schema for apps\/v1 Deploymnet/);
  });

  it('reports a field of the wrong type', async () => {
    const [finding] = await validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'eighty' }] } });
    expect(finding?.message).toMatch(/does not match the v1 Service schema: data\/spec\/ports\/0\/port/);
  });

  it('validates Gateway API, cert-manager, Sealed Secrets, Prometheus Operator and Flux objects offline', async () => {
    const objects = [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' }, spec: { parentRefs: [{ name: 'platform', namespace: 'gateway-system', port: 443 }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'web' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway-system' }], to: [{ group: '', kind: 'Secret' }] } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, spec: { secretName: 'web-tls', issuerRef: { name: 'selfsigned' } } },
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'records-secrets' }, spec: { encryptedData: { DEMO_SECRET: 'AgB...' } } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web' }, spec: { selector: {}, endpoints: [{ port: 'http' }] } },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'web' }, spec: { interval: '10m', url: 'https://example.com/platform.git' } },
    ];
    for (const object of objects) expect(await validateObject(object), `${object.kind}`).toEqual([]);
  });

  it('reports a custom resource that breaks its schema', async () => {
    const [finding] = await validateObject({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, spec: { dnsNames: ['web.example.com'] } });
    expect(finding?.message).toMatch(/Certificate schema: .*(issuerRef|secretName)/);
  });
});
