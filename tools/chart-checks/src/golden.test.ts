// The golden renders: every chart renders byte for byte what is committed, and a change shows.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGoldens, testChart } from './check.ts';
import { compareGoldens, goldenDir, readGoldens, writeGoldens } from './golden.ts';
import { workspaceRoot } from './helm.ts';
import { placeholderCommit } from './scenarios.ts';

const charts = ['records', 'web'];
const chartDir = (chart: string): string => join(workspaceRoot, 'charts', chart);
const temporaryDir = (): string => mkdtempSync(join(tmpdir(), 'chart-checks-golden-'));

describe.concurrent.each(charts)('the %s chart', (chart) => {
  it('renders every ci scenario, environment values file and HelmRelease exactly as its goldens', async () => {
    const rendered = await renderGoldens(chartDir(chart));
    expect([...rendered.keys()].filter((file) => file.startsWith('ci/')).length).toBeGreaterThanOrEqual(3);
    expect([...rendered.keys()].filter((file) => file.startsWith('releases/')).sort()).toEqual(
      ['dev', 'prod', 'staging'].flatMap((env) => [`releases/${env}/flux.yaml`, `releases/${env}/values.yaml`]),
    );
    expect(compareGoldens(rendered, readGoldens(goldenDir(chart)))).toEqual([]);
  });

  it('shows a change to a library template as a changed golden, with the first line that moved', async () => {
    const copy = join(temporaryDir(), 'charts', chart);
    cpSync(join(workspaceRoot, 'charts'), join(copy, '..'), { recursive: true });
    const template = join(copy, '..', 'platform-lib', 'templates', '_service.tpl');
    writeFileSync(template, readFileSync(template, 'utf8').replace('name: http', 'name: web-http'));
    const { findings } = await testChart(copy);
    const golden = findings.filter((finding) => finding.message.startsWith('golden render'));
    expect(golden.length).toBeGreaterThanOrEqual(7);
    expect(golden[0]).toEqual({
      where: `tools/chart-checks/golden/${chart}/ci/default-values.yaml`,
      message: expect.stringMatching(new RegExp(`^golden render changed: line \\d+: golden "\\s+- name: http", rendered "\\s+- name: web-http"; if the change is intended, run \`npx nx run ${chart}-chart:golden\``)),
    });
  });
});

describe('golden files', () => {
  it('are written for missing scenarios, rewritten when changed and removed when orphaned', () => {
    const dir = temporaryDir();
    mkdirSync(join(dir, 'ci'));
    writeFileSync(join(dir, 'ci', 'default-values.yaml'), 'old\n');
    writeFileSync(join(dir, 'ci', 'gone-values.yaml'), 'gone\n');
    const rendered = new Map([
      ['ci/default-values.yaml', 'new\n'],
      ['releases/dev/values.yaml', 'dev\n'],
    ]);
    expect(writeGoldens(dir, rendered).map(({ file, change }) => `${change} ${file}`)).toEqual(['changed ci/default-values.yaml', 'orphaned ci/gone-values.yaml', 'missing releases/dev/values.yaml']);
    expect(readGoldens(dir)).toEqual(rendered);
    expect(writeGoldens(dir, rendered)).toEqual([]);
  });

  it('hold the placeholder in place of the commit a HelmRelease pins, so `recipe set` leaves them current', async () => {
    const goldenFor = async (commit: string): Promise<string> => {
      const releases = temporaryDir();
      mkdirSync(join(releases, 'dev', 'flux'), { recursive: true });
      const values = { existingSecret: { name: 'records-secrets' }, image: { repository: 'ghcr.io/acme/platform/records', tag: commit } };
      const helmRelease = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'records', namespace: 'platform-dev' }, spec: { chart: { spec: { chart: './charts/records' } }, values } };
      writeFileSync(join(releases, 'dev', 'flux', 'records.yaml'), `---\n${JSON.stringify(helmRelease)}\n`);
      const rendered = await renderGoldens(chartDir('records'), { releasesDir: releases });
      return rendered.get('releases/dev/flux.yaml')!;
    };
    const [first, second] = await Promise.all([goldenFor('1111111111111111111111111111111111111111'), goldenFor('2222222222222222222222222222222222222222')]);
    expect(first).toContain(`image: ghcr.io/acme/platform/records:${placeholderCommit}`);
    expect(first).not.toContain('1111111111');
    expect(second).toBe(first);
  });
});
