import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { environmentsYaml } from '../test-support/fixture-repo.ts';
import { validateEnvironments } from './environments.ts';
import { fluxSchemaProblems } from './flux-schema.ts';
import { compareRendered, renderEnvironment, serviceObjects, type RenderInput } from './render.ts';
import { parseYamlFile } from './yaml-file.ts';

const environments = validateEnvironments(parseYamlFile(environmentsYaml, 'releases/environments.yaml')).value!;
const commit = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const input: RenderInput = {
  environments,
  env: environments.environments[2]!,
  recipe: { environment: 'prod', services: { web: { commit: 'f'.repeat(40) }, records: { commit, version: '1.4.0' } } },
  values: { records: { replicaCount: 3, image: { pullPolicy: 'IfNotPresent', tag: 'ignored' }, route: { hostname: 'records.example.com' } } },
};

function documents(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>);
}

describe('render', () => {
  test('the same input renders byte for byte the same files', () => {
    const first = renderEnvironment(input);
    const second = renderEnvironment(structuredClone(input));
    expect([...first.keys()]).toEqual(['kustomization.yaml', 'records.yaml', 'web.yaml']);
    expect([...second]).toEqual([...first]);
  });

  test('the GitRepository is pinned to the commit and ignores everything but the chart', () => {
    const [source] = documents(renderEnvironment(input).get('records.yaml')!);
    expect(source).toMatchObject({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'records', namespace: 'platform-prod' },
      spec: { url: 'https://example.test/acme/platform.git', ref: { commit }, ignore: '/*\n!/charts/records/\n' },
    });
  });

  test('the GitRepository also keeps the library charts the chart depends on', async () => {
    const withLibrary = structuredClone(input);
    withLibrary.environments.services.records!.chartLibraries = ['charts/platform-lib', './charts/other-lib/'];
    const [source] = documents(renderEnvironment(withLibrary).get('records.yaml')!);
    expect((source!.spec as { ignore: string }).ignore).toBe('/*\n!/charts/records/\n!/charts/platform-lib/\n!/charts/other-lib/\n');
    expect(await fluxSchemaProblems(serviceObjects(withLibrary, 'records'))).toEqual([]);
  });

  test('the HelmRelease takes the chart from that source by revision with the values and the commit as image tag', () => {
    const [, release] = documents(renderEnvironment(input).get('records.yaml')!);
    expect(release).toMatchObject({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      spec: {
        targetNamespace: 'platform-prod',
        chart: { spec: { chart: './charts/records', reconcileStrategy: 'Revision', sourceRef: { kind: 'GitRepository', name: 'records' } } },
        values: { replicaCount: 3, image: { pullPolicy: 'IfNotPresent', repository: 'ghcr.io/acme/platform/records', tag: commit }, route: { hostname: 'records.example.com' } },
      },
    });
  });

  test('a service without a values file gets only the image values', () => {
    const [, release] = documents(renderEnvironment(input).get('web.yaml')!);
    expect((release!.spec as { values: unknown }).values).toEqual({ image: { repository: 'ghcr.io/acme/platform/web', tag: 'f'.repeat(40) } });
  });

  test('the kustomization lists every service file', () => {
    expect(documents(renderEnvironment(input).get('kustomization.yaml')!)).toEqual([
      { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['records.yaml', 'web.yaml'] },
    ]);
  });

  test('every rendered object validates against the Flux schemas', async () => {
    const objects = ['records', 'web'].flatMap((name) => serviceObjects(input, name));
    expect(objects).toHaveLength(4);
    expect(await fluxSchemaProblems(objects)).toEqual([]);
  });

  test('an object Flux would reject is named with the schema violation', async () => {
    const [source] = serviceObjects(input, 'records');
    (source!.spec as { ref: unknown }).ref = { commit: 42 };
    expect(await fluxSchemaProblems([source!])).toEqual(['GitRepository records: data/spec/ref/commit must be string']);
  });

  test('comparing with the folder names added, changed and removed files', () => {
    const expected = new Map([['a.yaml', 'a'], ['b.yaml', 'b'], ['kustomization.yaml', 'k']]);
    const actual = new Map([['b.yaml', 'old'], ['kustomization.yaml', 'k'], ['gone.yaml', 'x']]);
    expect(compareRendered(expected, actual)).toEqual([
      { file: 'a.yaml', change: 'added' },
      { file: 'b.yaml', change: 'changed' },
      { file: 'gone.yaml', change: 'removed' },
    ]);
  });
});
