// What each chart is rendered with: its ci/*-values.yaml scenarios and every environment's values
// file in releases/, the latter completed the way `recipe render` completes it (image repository and tag).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { workspaceRoot } from './helm.ts';

export interface Scenario {
  /** "ci/default-values.yaml" or "releases/prod/values/records.yaml", relative to the workspace. */
  name: string;
  /** Its golden render, below golden/<chart>/: "ci/default-values.yaml", "releases/prod/values.yaml", "releases/prod/flux.yaml". */
  golden: string;
  namespace: string;
  helmArgs: string[];
  /** For an environment's values file: its path, which must leave the image to `recipe render`. */
  environmentValues?: string;
  /** The release name (default: the chart's name). */
  release?: string;
  /** The commit `recipe render` pinned as image.tag: goldens hold placeholderCommit in its place, so `recipe set` leaves them current. */
  imageTag?: string;
  /** Objects of a `recipe render` output to validate along with what helm renders. */
  fluxObjects?: Record<string, unknown>[];
}

/** A stand-in for the commit SHA `recipe render` puts into image.tag. */
export const placeholderCommit = '0123456789abcdef0123456789abcdef01234567';

export function chartName(chartDir: string): string {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { name?: unknown };
  if (typeof chart?.name !== 'string') throw new Error(`${join(chartDir, 'Chart.yaml')}: no name`);
  return chart.name;
}

/** A library chart (`type: library`) only defines templates that other charts include. */
export function isLibraryChart(chartDir: string): boolean {
  return (parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { type?: unknown } | null)?.type === 'library';
}

interface EnvironmentsFile {
  environments?: Array<{ name?: unknown; namespace?: unknown }>;
  services?: Record<string, { image?: unknown } | undefined>;
}

function readEnvironments(releasesDir: string): EnvironmentsFile {
  const file = join(releasesDir, 'environments.yaml');
  return existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as EnvironmentsFile | null) ?? {}) : {};
}

export function scenariosFor(chartDir: string, releasesDir = join(workspaceRoot, 'releases')): Scenario[] {
  const name = chartName(chartDir);
  const scenarios: Scenario[] = [];
  const ciDir = join(chartDir, 'ci');
  if (existsSync(ciDir)) {
    for (const file of readdirSync(ciDir).filter((entry) => entry.endsWith('-values.yaml')).sort()) {
      scenarios.push({ name: relative(workspaceRoot, join(ciDir, file)), golden: `ci/${file}`, namespace: `${name}-ci`, helmArgs: ['-f', join(ciDir, file)] });
    }
  }
  if (existsSync(releasesDir)) {
    const environments = readEnvironments(releasesDir);
    const image = environments.services?.[name]?.image;
    for (const env of readdirSync(releasesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
      const valuesFile = join(releasesDir, env, 'values', `${name}.yaml`);
      if (!existsSync(valuesFile)) continue;
      const namespace = environments.environments?.find((entry) => entry.name === env)?.namespace;
      const helmArgs = ['-f', valuesFile, '--set-string', `image.tag=${placeholderCommit}`];
      if (typeof image === 'string') helmArgs.push('--set-string', `image.repository=${image}`);
      scenarios.push({ name: relative(workspaceRoot, valuesFile), golden: `releases/${env}/values.yaml`, namespace: typeof namespace === 'string' ? namespace : env, helmArgs, environmentValues: valuesFile });
    }
    for (const env of readdirSync(releasesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
      const fluxFile = join(releasesDir, env, 'flux', `${name}.yaml`);
      if (existsSync(fluxFile)) scenarios.push(fluxScenario(fluxFile, name, `releases/${env}/flux.yaml`));
    }
  }
  return scenarios;
}

interface HelmReleaseShape {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { releaseName?: unknown; targetNamespace?: unknown; chart?: { spec?: { chart?: unknown } }; values?: Record<string, unknown> };
}

/**
 * What Flux hands helm for this chart in an environment: the values of the HelmRelease that
 * `recipe render` wrote (releases/<env>/flux/<chart>.yaml), as Flux would, plus its objects.
 */
function fluxScenario(fluxFile: string, chart: string, golden: string): Scenario {
  const name = relative(workspaceRoot, fluxFile);
  const objects = parseAllDocuments(readFileSync(fluxFile, 'utf8'))
    .map((document) => document.toJS() as unknown)
    .filter((object): object is Record<string, unknown> => object !== null && typeof object === 'object');
  const release = objects.find((object) => {
    const shape = object as HelmReleaseShape;
    return shape.kind === 'HelmRelease' && String(shape.spec?.chart?.spec?.chart ?? '').replace(/^\.?\/+|\/+$/g, '') === `charts/${chart}`;
  }) as HelmReleaseShape | undefined;
  if (!release) return { name, golden, namespace: chart, helmArgs: [], fluxObjects: objects, release: '' };
  const values = release.spec?.values ?? {};
  const namespace = release.spec?.targetNamespace ?? release.metadata?.namespace;
  const releaseName = release.spec?.releaseName ?? release.metadata?.name;
  return {
    name,
    golden,
    namespace: typeof namespace === 'string' ? namespace : 'default',
    release: typeof releaseName === 'string' ? releaseName : chart,
    // Top-level key by key, so no temporary file holds the values.
    imageTag: typeof (values.image as { tag?: unknown } | undefined)?.tag === 'string' ? String((values.image as { tag: string }).tag) : undefined,
    helmArgs: Object.entries(values).flatMap(([key, value]) => ['--set-json', `${key}=${JSON.stringify(value)}`]),
    fluxObjects: objects,
  };
}

/** An environment's values must not pin the image: the recipe decides which commit runs where. */
export function imageKeysIn(valuesYaml: string): string[] {
  const values = parse(valuesYaml) as { image?: Record<string, unknown> } | null;
  return Object.keys(values?.image ?? {})
    .filter((key) => key === 'tag' || key === 'repository')
    .map((key) => `image.${key}`);
}
