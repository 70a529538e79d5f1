// Finds the modules, examples and live roots of an infra folder and runs every structural check on them.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  checkCharts,
  checkDistinctBackendKeys,
  checkLiveRoot,
  checkModuleCalls,
  checkModuleLayout,
  checkOutputs,
  checkSecrets,
  checkVariableReferences,
  checkVariables,
  checkVersions,
  type Finding,
} from './checks.ts';
import { loadConfig, type TerraformConfig } from './hcl.ts';

export interface InfraLayout {
  infraDir: string;
  /** infra/modules/<name> */
  modules: string[];
  /** infra/modules/<name>/examples/<example> */
  examples: string[];
  /** infra/live/<env> */
  liveRoots: string[];
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => path.join(dir, entry.name))
      .sort();
  } catch {
    return [];
  }
}

export async function discover(infraDir: string): Promise<InfraLayout> {
  const modules = await subfolders(path.join(infraDir, 'modules'));
  const examples = (await Promise.all(modules.map((dir) => subfolders(path.join(dir, 'examples'))))).flat();
  const liveRoots = await subfolders(path.join(infraDir, 'live'));
  return { infraDir, modules, examples, liveRoots };
}

export interface InfraConfigs {
  layout: InfraLayout;
  configs: Map<string, TerraformConfig>;
}

export async function loadInfra(infraDir: string): Promise<InfraConfigs> {
  const layout = await discover(infraDir);
  const configs = new Map<string, TerraformConfig>();
  const dirs = [...layout.modules, ...layout.examples, ...layout.liveRoots];
  const loaded = await Promise.all(dirs.map((dir) => loadConfig(dir)));
  dirs.forEach((dir, index) => configs.set(path.resolve(dir), loaded[index] as TerraformConfig));
  return { layout, configs };
}

function get(configs: ReadonlyMap<string, TerraformConfig>, dir: string): TerraformConfig {
  const config = configs.get(path.resolve(dir));
  if (config === undefined) throw new Error(`${dir} was not loaded`);
  return config;
}

/** Every structural finding over the infra folder, paths relative to it. */
export async function checkInfra(infraDir: string): Promise<{ layout: InfraLayout; findings: Finding[] }> {
  const { layout, configs } = await loadInfra(infraDir);
  const findings: Finding[] = [];
  const moduleConfigs = new Map(layout.modules.map((dir) => [path.resolve(dir), get(configs, dir)]));

  for (const dir of layout.modules) {
    const config = get(configs, dir);
    const examples = layout.examples.filter((example) => path.dirname(path.dirname(example)) === dir);
    findings.push(
      ...(await checkModuleLayout(dir, examples)),
      ...checkVariables(config),
      ...checkOutputs(config),
      ...checkVersions(config),
      ...checkSecrets(config),
      ...checkCharts(config),
      ...checkVariableReferences(config),
    );
  }
  for (const dir of layout.examples) {
    const config = get(configs, dir);
    findings.push(...checkVariables(config), ...checkSecrets(config), ...checkModuleCalls(config, moduleConfigs));
  }
  const roots = layout.liveRoots.map((dir) => get(configs, dir));
  for (const config of roots) {
    findings.push(
      ...checkLiveRoot(config),
      ...checkVariables(config),
      ...checkOutputs(config),
      ...checkVersions(config),
      ...checkSecrets(config),
      ...checkVariableReferences(config),
      ...checkModuleCalls(config, moduleConfigs),
    );
  }
  findings.push(...checkDistinctBackendKeys(roots));

  return {
    layout,
    findings: findings.map((finding) => ({ ...finding, file: path.relative(infraDir, finding.file) })),
  };
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map(({ rule, file, message }) => `${file}: [${rule}] ${message}`).join('\n');
}
