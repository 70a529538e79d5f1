// The real charts through the real helm: what must fail does, with a message that says why.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeIsCurrent, renderScenario } from './check.ts';
import { builtChart } from './dependencies.ts';
import { helmBinary, runHelm, workspaceRoot } from './helm.ts';
import { parseManifests } from './manifests.ts';
import { placeholderCommit, scenariosFor, type Scenario } from './scenarios.ts';

const charts = ['records', 'web'];
const chartDir = (chart: string): string => join(workspaceRoot, 'charts', chart);

function temporaryDir(): string {
  return mkdtempSync(join(tmpdir(), 'chart-checks-'));
}

/** A copy of a chart to break on purpose, beside a copy of the library chart it depends on. */
function chartCopy(chart: string): string {
  const charts = join(temporaryDir(), 'charts');
  for (const folder of [chart, 'platform-lib']) cpSync(chartDir(folder), join(charts, folder), { recursive: true });
  return join(charts, chart);
}

function defaultScenario(chart: string): Scenario {
  return { name: 'ci/default-values.yaml', golden: 'ci/default-values.yaml', namespace: 'platform-dev', helmArgs: ['-f', join(chart, 'ci', 'default-values.yaml')] };
}

/** A releases/ folder holding one environment's values file. */
function releasesWith(chart: string, valuesYaml: string): string {
  const releases = temporaryDir();
  mkdirSync(join(releases, 'dev', 'values'), { recursive: true });
  writeFileSync(join(releases, 'dev', 'values', `${chart}.yaml`), valuesYaml);
  return releases;
}

async function render(chart: string, ...args: string[]): Promise<Record<string, unknown>[]> {
  const result = await runHelm(['template', chart, await builtChart(chartDir(chart)), '--namespace', 'platform-dev', '-f', join(chartDir(chart), 'ci', 'default-values.yaml'), ...args]);
  if (!result.ok) throw new Error(result.stderr);
  return parseManifests(result.stdout).map((entry) => entry.object);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function deploymentEnv(objects: Record<string, unknown>[]): Record<string, unknown> {
  const deployment = objects.find((object) => object.kind === 'Deployment') as Json;
  return Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((entry: Json) => [entry.name, entry.value ?? entry.valueFrom]));
}

describe.concurrent.each(charts)('the %s chart', (chart) => {
  it('fails on a misspelt key in an environment values file, naming the key', async () => {
    const values = readFileSync(join(workspaceRoot, 'releases', 'dev', 'values', `${chart}.yaml`), 'utf8').replace(/^replicaCount:/m, 'replicaCout:');
    expect(values).toContain('replicaCout:');
    const [scenario] = scenariosFor(chartDir(chart), releasesWith(chart, values)).filter((entry) => entry.name.endsWith(`dev/values/${chart}.yaml`));
    const { findings } = await renderScenario(chartDir(chart), scenario!);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringMatching(/helm template failed:[^]*additional properties 'replicaCout' not allowed/)]);
  });

  it('refuses an environment values file that pins the image tag', async () => {
    const values = `${readFileSync(join(workspaceRoot, 'releases', 'dev', 'values', `${chart}.yaml`), 'utf8')}image:\n  tag: ${placeholderCommit}\n`;
    const [scenario] = scenariosFor(chartDir(chart), releasesWith(chart, values)).filter((entry) => entry.environmentValues);
    const { findings } = await renderScenario(chartDir(chart), scenario!);
    expect(findings.map((finding) => finding.message)).toEqual(['sets image.tag: remove it, `recipe render` sets the image from recipe.yaml and environments.yaml']);
  });

  it('checks the HelmRelease recipe render wrote: its fields, and the chart with its values', async () => {
    const releases = temporaryDir();
    mkdirSync(join(releases, 'dev', 'flux'), { recursive: true });
    const helmRelease = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: chart, namespace: 'platform-dev' },
      spec: {
        intervall: '10m',
        interval: '10m',
        releaseName: chart,
        targetNamespace: 'platform-dev',
        chart: { spec: { chart: `./charts/${chart}`, sourceRef: { kind: 'GitRepository', name: chart } } },
        values: { replicaCout: 2, image: { tag: placeholderCommit } },
      },
    };
    writeFileSync(join(releases, 'dev', 'flux', `${chart}.yaml`), `---\n${JSON.stringify(helmRelease)}\n`);
    const [scenario] = scenariosFor(chartDir(chart), releases).filter((entry) => entry.fluxObjects);
    const { findings } = await renderScenario(chartDir(chart), scenario!);
    expect(findings.map((finding) => finding.message)).toEqual([
      `HelmRelease/${chart} unknown field /spec/intervall: the helm.toolkit.fluxcd.io/v2 HelmRelease schema has no such field (misspelt?)`,
      expect.stringMatching(/helm template failed:[^]*additional properties 'replicaCout' not allowed/),
    ]);
  });

  it('catches a misspelt field in a template', async () => {
    const copy = chartCopy(chart);
    const template = join(copy, '..', 'platform-lib', 'templates', '_deployment.tpl');
    writeFileSync(template, readFileSync(template, 'utf8').replace('readinessProbe:', 'readinesProbe:'));
    const { findings } = await renderScenario(copy, defaultScenario(copy));
    const messages = findings.map((finding) => finding.message);
    expect(messages).toContainEqual(expect.stringMatching(/Deployment\/\S+ \(\S+templates\/deployment.yaml\) unknown field \/spec\/template\/spec\/containers\/0\/readinesProbe/));
    expect(messages).toContainEqual(expect.stringMatching(/\[probes\] container \S+: readinessProbe must be set/));
  });

  it('refuses a template that renders a plaintext Secret', async () => {
    const copy = chartCopy(chart);
    writeFileSync(join(copy, 'templates', 'secret.yaml'), '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  labels:\n    app.kubernetes.io/name: x\n    app.kubernetes.io/instance: x\nstringData:\n  DEMO_SECRET: hello\n');
    const { findings } = await renderScenario(copy, defaultScenario(copy));
    expect(findings.map((finding) => finding.message)).toContainEqual(expect.stringMatching(/Secret\/leak .*\[no-plaintext-secret\]/));
  });

  it('fails the render without an image tag, saying what to set', async () => {
    const helmArgs = chart === 'records' ? ['--set', 'existingSecret.name=records-secrets'] : [];
    const { findings } = await renderScenario(chartDir(chart), { name: 'no tag', golden: 'ci/no-tag-values.yaml', namespace: 'platform-dev', helmArgs });
    expect(findings[0]?.message).toMatch(/image.tag is required: set it to the image's full 40-character commit SHA/);
  });

  it('fails the render with the image tag latest', async () => {
    await expect(render(chart, '--set-string', 'image.tag=latest')).rejects.toThrow(/image.tag must not be "latest"/);
  });

  it('fails the render when the grace period does not cover the shutdown delay and the drain', async () => {
    await expect(render(chart, '--set', 'terminationGracePeriodSeconds=12')).rejects.toThrow(/terminationGracePeriodSeconds \(12 s\) must exceed shutdownDelayMs \+ drainSeconds/);
  });

  it('omits replicas when autoscaling is on, and adds a PodDisruptionBudget', async () => {
    const objects = await render(chart, '--set', 'autoscaling.enabled=true');
    const deployment = objects.find((object) => object.kind === 'Deployment') as Json;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(objects.map((object) => object.kind)).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'PodDisruptionBudget']));
  });

  it('renders no PodDisruptionBudget when only one replica can run', async () => {
    const objects = await render(chart, '--set', 'replicaCount=1');
    expect(objects.map((object) => object.kind)).not.toContain('PodDisruptionBudget');
  });

  it('has a README whose values table matches values.yaml', () => {
    expect(readmeIsCurrent(chartDir(chart))).toEqual([]);
  });

  it('selects pods by name and instance only', async () => {
    const service = (await render(chart)).find((object) => object.kind === 'Service') as Json;
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': chart, 'app.kubernetes.io/instance': chart });
  });

  it('packs the library chart in the packaged chart, and leaves the Nx project file out', async () => {
    const out = temporaryDir();
    execFileSync(helmBinary(), ['package', await builtChart(chartDir(chart)), '--destination', out], { stdio: 'pipe' });
    const [archive] = readdirSync(out);
    const files = execFileSync('tar', ['-tzf', join(out, String(archive))], { encoding: 'utf8' }).split('\n');
    expect(files).toContain(`${chart}/values.schema.json`);
    expect(files).toContain(`${chart}/charts/platform-lib/templates/_deployment.tpl`);
    expect(files.filter((file) => file.endsWith('project.json') || file.endsWith('package.json'))).toEqual([]);
  });
});

describe.concurrent('the records chart', () => {
  it('runs migrations at start-up by default', async () => {
    const objects = await render('records');
    expect(deploymentEnv(objects).MIGRATE_ON_START).toBe('true');
    expect(objects.map((object) => object.kind)).not.toContain('Job');
  });

  it('runs migrations in a pre-install,pre-upgrade hook Job in job mode, and not at start-up', async () => {
    const objects = await render('records', '--set', 'migrations.mode=job');
    expect(deploymentEnv(objects).MIGRATE_ON_START).toBe('false');
    const job = objects.find((object) => object.kind === 'Job') as Json;
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', 'dist/migrate.js']);
  });

  it('reads DATABASE_URL and DEMO_SECRET from the existing Secret', async () => {
    const env = deploymentEnv(await render('records', '--set', 'existingSecret.name=records-db'));
    expect(env.DATABASE_URL).toEqual({ secretKeyRef: { name: 'records-db', key: 'DATABASE_URL' } });
    expect(env.DEMO_SECRET).toEqual({ secretKeyRef: { name: 'records-db', key: 'DEMO_SECRET' } });
  });

  it('refuses a SealedSecret value that is not ciphertext at the values schema', async () => {
    await expect(render('records', '--set', 'sealedSecret.enabled=true', '--set', 'sealedSecret.encryptedData.DATABASE_URL=mysql://root@db/records')).rejects.toThrow(/encryptedData\/DATABASE_URL/);
  });
});

describe.concurrent('the web chart', () => {
  it('derives RECORDS_URL from the records Service in the release namespace', async () => {
    expect(deploymentEnv(await render('web')).RECORDS_URL).toBe('http://records.platform-dev.svc:80');
  });

  it('takes RECORDS_URL from records.url when set', async () => {
    expect(deploymentEnv(await render('web', '--set', 'records.url=http://records.shared.svc:8080')).RECORDS_URL).toBe('http://records.shared.svc:8080');
  });
});

describe('the environments', () => {
  it('render the image tag recipe render sets, and prod runs more replicas than dev', async () => {
    for (const chart of charts) {
      const minimum = async (env: string): Promise<number> => {
        const result = await runHelm(['template', chart, await builtChart(chartDir(chart)), '-f', join(workspaceRoot, 'releases', env, 'values', `${chart}.yaml`), '--set-string', `image.tag=${placeholderCommit}`]);
        const objects = parseManifests(result.stdout).map((entry) => entry.object as Json);
        const hpa = objects.find((object) => object.kind === 'HorizontalPodAutoscaler');
        const deployment = objects.find((object) => object.kind === 'Deployment');
        expect(deployment?.spec.template.spec.containers[0].image).toMatch(new RegExp(`:${placeholderCommit}$`));
        return hpa ? hpa.spec.minReplicas : deployment?.spec.replicas;
      };
      expect(await minimum('prod')).toBeGreaterThan(await minimum('dev'));
    }
  });
});

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe.concurrent.each(['dev', 'staging', 'prod'])('the network policies in %s', (env) => {
  async function renderEnv(chart: string): Promise<Json[]> {
    const values = join(workspaceRoot, 'releases', env, 'values', `${chart}.yaml`);
    const result = await runHelm(['template', chart, await builtChart(chartDir(chart)), '--namespace', `platform-${env}`, '-f', values, '--set-string', `image.tag=${placeholderCommit}`]);
    if (!result.ok) throw new Error(result.stderr);
    return parseManifests(result.stdout).map((entry) => entry.object as Json);
  }
  const podLabels = (objects: Json[]): Record<string, string> => objects.find((object) => object.kind === 'Deployment')?.spec.template.metadata.labels;
  const policy = (objects: Json[]): Json => objects.find((object) => object.kind === 'NetworkPolicy')!;

  it('let the web pods reach the records pods on their container port, and nothing else but DNS', async () => {
    const [web, records] = await Promise.all([renderEnv('web'), renderEnv('records')]);
    const recordsPort = (records.find((object) => object.kind === 'Deployment') as Json).spec.template.spec.containers[0].ports[0].containerPort;
    const egress: Json[] = policy(web).spec.egress;
    const toRecords = egress.filter((rule) => rule.to.some((peer: Json) => peer.podSelector && !peer.namespaceSelector && matches(peer.podSelector.matchLabels, podLabels(records))));
    expect(toRecords.flatMap((rule) => rule.ports.map((port: Json) => port.port))).toEqual([recordsPort]);
    expect(egress).toHaveLength(2);
    const ingressFrom: Json[] = policy(records).spec.ingress.flatMap((rule: Json) => rule.from);
    expect(ingressFrom.some((peer) => peer.podSelector && !peer.namespaceSelector && matches(peer.podSelector.matchLabels, podLabels(web)))).toBe(true);
  });

  it('let the records pods out to DNS and the environment database only', async () => {
    const egress: Json[] = policy(await renderEnv('records')).spec.egress;
    const database = egress.find((rule) => rule.to.some((peer: Json) => peer.ipBlock));
    expect(database?.ports).toEqual([{ port: 3306, protocol: 'TCP' }]);
    expect(database?.to).toEqual([{ ipBlock: { cidr: { dev: '10.10.0.0/16', staging: '10.20.0.0/16', prod: '10.30.0.0/16' }[env] } }]);
    expect(egress).toHaveLength(2);
  });

  it('let the Gateway namespace in to the web pods', async () => {
    const ingressFrom: Json[] = policy(await renderEnv('web')).spec.ingress.flatMap((rule: Json) => rule.from);
    expect(ingressFrom).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } });
  });
});
