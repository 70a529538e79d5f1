// The GitRepository recipe render writes must ship the library chart with the chart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { chartSourceProblems, fluxIgnores } from './flux-source.ts';
import { workspaceRoot } from './helm.ts';

const chartDir = join(workspaceRoot, 'charts', 'records');

function rendered(env: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(join(workspaceRoot, 'releases', env, 'flux', 'records.yaml'), 'utf8')).map((document) => document.toJS() as Record<string, unknown>);
}

function withIgnore(objects: Record<string, unknown>[], rules: string): Record<string, unknown>[] {
  return objects.map((object) => (object.kind === 'GitRepository' ? { ...object, spec: { ...(object.spec as object), ignore: rules } } : object));
}

describe('the chart source of a HelmRelease', () => {
  it('keeps the chart and its library chart in every environment recipe render wrote', () => {
    for (const env of ['dev', 'staging', 'prod']) expect(chartSourceProblems(chartDir, 'records', rendered(env))).toEqual([]);
  });

  it('is refused when it ignores the library chart, saying where to list it', () => {
    expect(chartSourceProblems(chartDir, 'records', withIgnore(rendered('dev'), '/*\n!/charts/records/\n'))).toEqual([
      'GitRepository/records ignores charts/platform-lib, which charts/records takes through file://../platform-lib: Flux could not build the chart; list it in services.<service>.chartLibraries in releases/environments.yaml and run `npx recipe render`',
    ]);
  });

  it('is refused when it ignores the chart itself', () => {
    expect(chartSourceProblems(chartDir, 'records', withIgnore(rendered('dev'), '/*\n!/charts/platform-lib/\n'))[0]).toMatch(/^GitRepository\/records ignores charts\/records, the chart itself/);
  });
});

describe('Flux ignore rules', () => {
  it('keep what a later negation names below an ignored root, as go-git matches them', () => {
    const rules = '# all but the chart\n/*\n!/charts/records/\n';
    expect(fluxIgnores(rules, 'charts/records/templates/service.yaml')).toBe(false);
    expect(fluxIgnores(rules, 'charts/platform-lib/Chart.yaml')).toBe(true);
    expect(fluxIgnores(rules, 'README.md')).toBe(true);
  });

  it('match a bare name in any folder, and a trailing slash only folders', () => {
    expect(fluxIgnores('*.md\n', 'charts/records/README.md')).toBe(true);
    expect(fluxIgnores('ci/\n', 'charts/records/ci/default-values.yaml')).toBe(true);
    expect(fluxIgnores('ci/\n', 'charts/records/ci')).toBe(false);
    expect(fluxIgnores('/charts/records/\n', 'charts/records')).toBe(false);
  });
});
