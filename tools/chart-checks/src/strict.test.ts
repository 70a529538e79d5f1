import { describe, expect, it } from 'vitest';
import { validateObject } from './schemas.ts';

function deployment(container: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'records' }): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'records' } },
      template: { metadata: { labels: { 'app.kubernetes.io/name': 'records' } }, spec: { containers: [{ name: 'records', image: 'records:abc', ...container }] } },
    },
  };
}

describe('the unknown-field check', () => {
  it('reports a misspelt container field with its path', async () => {
    const findings = await validateObject(deployment({ readinesProbe: { httpGet: { path: '/readyz', port: 8080 } } }));
    expect(findings.map((finding) => finding.message)).toEqual([
      'unknown field /spec/template/spec/containers/0/readinesProbe: the apps/v1 Deployment schema has no such field (misspelt?)',
    ]);
  });

  it('accepts an object whose fields the schema all knows', async () => {
    expect(await validateObject(deployment({ readinessProbe: { httpGet: { path: '/readyz', port: 8080 } } }))).toEqual([]);
  });

  it('accepts any key in a map such as labels or annotations', async () => {
    const metadata = { name: 'records', labels: { 'anything.example/at-all': 'x' }, annotations: { 'free.form/key': 'y' } };
    expect(await validateObject(deployment({}, metadata))).toEqual([]);
  });

  it('accepts any content in a free-form field such as a HelmRelease values', async () => {
    const helmRelease = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'records', namespace: 'platform-dev' },
      spec: {
        interval: '10m',
        chart: { spec: { chart: './charts/records', sourceRef: { kind: 'GitRepository', name: 'records' } } },
        values: { anyKey: { nested: ['whatever'] } },
      },
    };
    expect(await validateObject(helmRelease)).toEqual([]);
  });

  it('reports a misspelt field in a custom resource', async () => {
    const certificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web' },
      spec: { secretName: 'web-tls', dnsName: ['web.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
    };
    expect((await validateObject(certificate)).map((finding) => finding.message)).toEqual([
      'unknown field /spec/dnsName: the cert-manager.io/v1 Certificate schema has no such field (misspelt?)',
    ]);
  });
});
