// The checks of one chart: lint (helm lint --strict per scenario, README current) and test (render
// every scenario, validate every object against its schema and for unknown fields, apply policy).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runHelm, workspaceRoot, type HelmResult } from './helm.ts';
import { describe, parseManifests } from './manifests.ts';
import { builtChart } from './dependencies.ts';
import { chartSourceProblems } from './flux-source.ts';
import { compareGoldens, goldenDir, goldenText, readGoldens, renderedScenarios } from './golden.ts';
import { checkPolicy } from './policy.ts';
import { chartName, imageKeysIn, isLibraryChart, scenariosFor, type Scenario } from './scenarios.ts';
import { validateObject } from './schemas.ts';
import { documentValues, valuesTable, withValuesSection } from './values-docs.ts';

export interface Finding {
  /** The scenario (values file) or chart file the finding is about. */
  where: string;
  message: string;
}

export interface CheckReport {
  chart: string;
  scenarios: number;
  objects: number;
  findings: Finding[];
}

/** helm's error output without its debugging hint. */
function helmError(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('Use --debug flag'))
    .join('\n  ');
}

export interface CheckOptions {
  /** Where environments' values live; the workspace's releases/ by default. */
  releasesDir?: string;
  /** Where golden renders live; tools/chart-checks/golden by default. */
  goldenRoot?: string;
}

function scenarios(chartDir: string, options: CheckOptions): Scenario[] {
  return scenariosFor(chartDir, options.releasesDir);
}

export function readmeIsCurrent(chartDir: string): Finding[] {
  const readmeFile = join(chartDir, 'README.md');
  const where = relative(workspaceRoot, readmeFile);
  try {
    const readme = readFileSync(readmeFile, 'utf8');
    const table = valuesTable(documentValues(readFileSync(join(chartDir, 'values.yaml'), 'utf8'), relative(workspaceRoot, join(chartDir, 'values.yaml'))));
    if (withValuesSection(readme, table, where) !== readme) {
      return [{ where, message: `the values table is stale: run \`node tools/chart-checks/bin/chart-checks.ts docs ${relative(workspaceRoot, chartDir)}\`` }];
    }
    return [];
  } catch (error) {
    return [{ where, message: (error as Error).message }];
  }
}

/** A library chart renders nothing alone: helm lint --strict of it; its templates are tested through the charts that include them. */
async function lintLibrary(chartDir: string): Promise<CheckReport> {
  const result = await runHelm(['lint', '--strict', chartDir]);
  const findings = result.ok ? [] : [{ where: relative(workspaceRoot, chartDir), message: `helm lint --strict failed:\n  ${helmError(result.stdout + result.stderr)}` }];
  return { chart: chartName(chartDir), scenarios: 0, objects: 0, findings };
}

export async function lintChart(chartDir: string, options: CheckOptions = {}): Promise<CheckReport> {
  if (isLibraryChart(chartDir)) return lintLibrary(chartDir);
  const all = scenarios(chartDir, options);
  const findings: Finding[] = [...readmeIsCurrent(chartDir)];
  if (all.length === 0) findings.push({ where: relative(workspaceRoot, chartDir), message: 'no ci/*-values.yaml scenario: add ci/default-values.yaml with what a render needs' });
  const built = await builtChart(chartDir);
  const results = await Promise.all(all.map((scenario) => runHelm(['lint', '--strict', built, '--namespace', scenario.namespace, ...scenario.helmArgs]).then((result) => ({ scenario, result }))));
  for (const { scenario, result } of results) {
    if (!result.ok) findings.push({ where: scenario.name, message: `helm lint --strict failed:\n  ${helmError(result.stdout + result.stderr).replaceAll(built, relative(workspaceRoot, chartDir))}` });
  }
  return { chart: chartName(chartDir), scenarios: all.length, objects: 0, findings };
}

/** `helm template` of the chart with the scenario's values, release name and namespace: exactly what helm prints. */
export async function templateScenario(chartDir: string, scenario: Scenario): Promise<HelmResult> {
  return runHelm(['template', scenario.release ?? chartName(chartDir), await builtChart(chartDir), '--namespace', scenario.namespace, ...scenario.helmArgs]);
}

export interface ScenarioReport {
  findings: Finding[];
  objects: number;
  /** What helm printed, when it rendered. */
  manifests?: string;
}

export async function renderScenario(chartDir: string, scenario: Scenario): Promise<ScenarioReport> {
  const fluxFindings: Finding[] = [];
  for (const object of scenario.fluxObjects ?? []) {
    for (const finding of await validateObject(object)) fluxFindings.push({ where: scenario.name, message: `${describe(object)} ${finding.message}` });
  }
  for (const message of chartSourceProblems(chartDir, chartName(chartDir), scenario.fluxObjects ?? [])) fluxFindings.push({ where: scenario.name, message });
  if (scenario.release === '') return { findings: [...fluxFindings, { where: scenario.name, message: `holds no HelmRelease of chart ./charts/${chartName(chartDir)}` }], objects: 0 };
  const result = await templateScenario(chartDir, scenario);
  if (!result.ok) return { findings: [...fluxFindings, { where: scenario.name, message: `helm template failed:\n  ${helmError(result.stderr)}` }], objects: 0 };
  const rendered = parseManifests(result.stdout);
  const findings: Finding[] = [...fluxFindings];
  if (scenario.environmentValues) {
    for (const key of imageKeysIn(readFileSync(scenario.environmentValues, 'utf8'))) {
      findings.push({ where: scenario.name, message: `sets ${key}: remove it, \`recipe render\` sets the image from recipe.yaml and environments.yaml` });
    }
  }
  for (const { source, object } of rendered) {
    for (const finding of await validateObject(object)) findings.push({ where: scenario.name, message: `${describe(object)} (${source}) ${finding.message}` });
  }
  for (const finding of checkPolicy(rendered)) findings.push({ where: scenario.name, message: `${finding.object} (${finding.source}) [${finding.rule}] ${finding.message}` });
  for (const kind of ['Deployment', 'Service']) {
    if (!rendered.some(({ object }) => object.kind === kind)) findings.push({ where: scenario.name, message: `renders no ${kind}` });
  }
  return { findings, objects: rendered.length, manifests: result.stdout };
}

/** The chart's renders keyed by golden file; a scenario that does not render is an error naming it. */
export async function renderGoldens(chartDir: string, options: CheckOptions = {}): Promise<Map<string, string>> {
  const rendered = new Map<string, string>();
  for (const scenario of renderedScenarios(scenarios(chartDir, options))) {
    const result = await templateScenario(chartDir, scenario);
    if (!result.ok) throw new Error(`${scenario.name}: helm template failed:\n  ${helmError(result.stderr)}`);
    rendered.set(scenario.golden, goldenText(scenario, result.stdout));
  }
  return rendered;
}

function goldenFindings(chartDir: string, rendered: ReadonlyMap<string, string>, root: string | undefined): Finding[] {
  const chart = chartName(chartDir);
  const dir = goldenDir(chart, root);
  return compareGoldens(rendered, readGoldens(dir)).map(({ file, change, detail }) => ({
    where: relative(workspaceRoot, join(dir, file)),
    message: `golden render ${change}: ${detail}; if the change is intended, run \`npx nx run ${chart}-chart:golden\` and review the diff`,
  }));
}

export async function testChart(chartDir: string, options: CheckOptions = {}): Promise<CheckReport> {
  const all = scenarios(chartDir, options);
  const results = await Promise.all(all.map((scenario) => renderScenario(chartDir, scenario).then((report) => ({ scenario, report }))));
  const findings = results.flatMap(({ report }) => report.findings);
  // Goldens are compared only when every scenario rendered: a failed render is reported above.
  if (results.every(({ scenario, report }) => scenario.release === '' || report.manifests !== undefined)) {
    const rendered = new Map(results.flatMap(({ scenario, report }) => (report.manifests === undefined ? [] : [[scenario.golden, goldenText(scenario, report.manifests)] as const])));
    findings.push(...goldenFindings(chartDir, rendered, options.goldenRoot));
  }
  return {
    chart: chartName(chartDir),
    scenarios: all.length,
    objects: results.reduce((sum, { report }) => sum + report.objects, 0),
    findings,
  };
}
