import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { infraDir } from './paths.ts';

// The workspace's postinstall puts a pinned helm into the root node_modules/.bin.
const helm = path.resolve(infraDir, '../node_modules/.bin/helm');
const chart = path.join(infraDir, 'modules/cluster-addons/charts/platform-gateway');

type Manifest = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

let valuesDir: string;

beforeAll(async () => {
  accessSync(helm, constants.X_OK);
  valuesDir = await mkdtemp(path.join(tmpdir(), 'infra-chart-'));
});

afterAll(async () => {
  if (valuesDir !== undefined) await rm(valuesDir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(helm, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** Renders the chart with the values the cluster-addons module passes. */
async function render(values: Record<string, unknown>): Promise<{ code: number; manifests: Manifest[]; stderr: string }> {
  const file = path.join(valuesDir, `${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, JSON.stringify(values));
  const result = await run(['template', 'platform-gateway', chart, '--namespace', 'gateway-system', '-f', file]);
  const manifests = result.code === 0 ? parseAllDocuments(result.stdout).map((document) => document.toJS() as Manifest).filter(Boolean) : [];
  return { code: result.code, manifests, stderr: result.stderr };
}

function moduleValues(issuer: { kind: string; name: string; email: string }, hostnames: string[]) {
  return {
    environment: 'dev',
    gatewayClass: { name: 'envoy-gateway', controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
    gateway: { name: 'platform', hostnames },
    issuer,
    applicationNamespaces: ['platform-dev'],
  };
}

function byKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

test('the chart passes helm lint', async () => {
  const result = await run(['lint', chart, '--set', 'gateway.hostnames[0]=dev.example.com']);
  expect(result.code, result.stdout + result.stderr).toBe(0);
});

test('the self-signed issuer renders a selfSigned ClusterIssuer that the Gateway names', async () => {
  const { code, manifests, stderr } = await render(moduleValues({ kind: 'self-signed', name: 'selfsigned', email: '' }, ['dev.example.com']));
  expect(code, stderr).toBe(0);
  const [issuer] = byKind(manifests, 'ClusterIssuer');
  expect(issuer?.metadata.name).toBe('selfsigned');
  expect(issuer?.spec).toEqual({ selfSigned: {} });
  expect(byKind(manifests, 'Gateway')[0]?.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('selfsigned');
});

test("Let's Encrypt staging and production use their own ACME servers and solve HTTP-01 through the Gateway", async () => {
  const servers: Record<string, string> = {};
  for (const kind of ['letsencrypt-staging', 'letsencrypt']) {
    const { code, manifests, stderr } = await render(moduleValues({ kind, name: kind, email: 'ops@example.com' }, ['example.com']));
    expect(code, stderr).toBe(0);
    const acme = byKind(manifests, 'ClusterIssuer')[0]?.spec?.acme as { server: string; email: string; solvers: unknown[] };
    servers[kind] = acme.server;
    expect(acme.email).toBe('ops@example.com');
    expect(acme.solvers).toEqual([
      { http01: { gatewayHTTPRoute: { parentRefs: [{ kind: 'Gateway', name: 'platform', namespace: 'gateway-system', sectionName: 'http' }] } } },
    ]);
  }
  expect(servers).toEqual({
    'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
    letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  });
});

test("a Let's Encrypt issuer without an e-mail address does not render", async () => {
  const { code, stderr } = await render(moduleValues({ kind: 'letsencrypt', name: 'letsencrypt', email: '' }, ['example.com']));
  expect(code).not.toBe(0);
  expect(stderr).toContain('issuer.email is required');
});

test('the Gateway has an HTTP listener and one HTTPS listener with its own certificate per hostname', async () => {
  const { code, manifests, stderr } = await render(
    moduleValues({ kind: 'self-signed', name: 'selfsigned', email: '' }, ['dev.example.com', 'api.dev.example.com']),
  );
  expect(code, stderr).toBe(0);
  const gateway = byKind(manifests, 'Gateway')[0];
  expect(gateway?.metadata).toMatchObject({ name: 'platform', namespace: 'gateway-system' });
  const listeners = gateway?.spec?.listeners as { name: string; protocol: string; port: number; hostname?: string; tls?: { certificateRefs: { name: string }[] } }[];
  expect(listeners.map(({ name, protocol, port, hostname }) => ({ name, protocol, port, hostname }))).toEqual([
    { name: 'http', protocol: 'HTTP', port: 80, hostname: undefined },
    { name: 'https-0', protocol: 'HTTPS', port: 443, hostname: 'dev.example.com' },
    { name: 'https-1', protocol: 'HTTPS', port: 443, hostname: 'api.dev.example.com' },
  ]);
  expect(listeners.slice(1).map((listener) => listener.tls?.certificateRefs[0]?.name)).toEqual(['dev-example-com-tls', 'api-dev-example-com-tls']);
  expect(byKind(manifests, 'GatewayClass')[0]?.spec).toEqual({ controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' });
});

test('application namespaces are created and kept when the release is removed', async () => {
  const { manifests } = await render(moduleValues({ kind: 'self-signed', name: 'selfsigned', email: '' }, ['dev.example.com']));
  const namespaces = byKind(manifests, 'Namespace');
  expect(namespaces.map((namespace) => namespace.metadata.name)).toEqual(['platform-dev']);
  expect(namespaces[0]?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
});

test('an unknown issuer kind is rejected by the values schema', async () => {
  const { code, stderr } = await render(moduleValues({ kind: 'vault', name: 'vault', email: '' }, ['dev.example.com']));
  expect(code).not.toBe(0);
  expect(stderr).toMatch(/kind/);
});
