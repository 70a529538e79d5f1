// Finds the modules, examples and live roots of an infra folder and runs every structural check on them.
import { access, readdir } from 'node:fs/promises';
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
import { loadConfig, parseFile, type HclBlock, type TerraformConfig } from './hcl.ts';

export interface InfraLayout {
  infraDir: string;
  /** infra/modules/<name> */
  modules: string[];
  /** infra/modules/<name>/examples/<example> */
  examples: string[];
  /** infra/live/<env> */
  liveRoots: string[];
}

/** The S3 settings every live root shares (`terraform init -backend-config=../s3.tfbackend`). */
export const SHARED_S3_BACKEND = 'live/s3.tfbackend';
/** A live root's other state backend, which Terraform does not load until it is renamed to cloud.tf. */
export const ALTERNATIVE_STATE = '.tf.example';

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
  /** Per live root, its alternative state config (the *.tf.example files), when it has one. */
  alternatives: Map<string, TerraformConfig>;
  /** live/s3.tfbackend's settings; empty without the file. */
  sharedS3: HclBlock;
}

export async function loadInfra(infraDir: string): Promise<InfraConfigs> {
  const layout = await discover(infraDir);
  const configs = new Map<string, TerraformConfig>();
  const dirs = [...layout.modules, ...layout.examples, ...layout.liveRoots];
  const loaded = await Promise.all(dirs.map((dir) => loadConfig(dir)));
  dirs.forEach((dir, index) => configs.set(path.resolve(dir), loaded[index] as TerraformConfig));
  const alternatives = new Map<string, TerraformConfig>();
  for (const dir of layout.liveRoots) {
    const alternative = await loadConfig(dir, ALTERNATIVE_STATE);
    if (alternative.files.length > 0) alternatives.set(path.resolve(dir), alternative);
  }
  const sharedFile = path.join(infraDir, SHARED_S3_BACKEND);
  const sharedS3 = await access(sharedFile).then(() => parseFile(sharedFile), () => ({}));
  return { layout, configs, alternatives, sharedS3 };
}

function get(configs: ReadonlyMap<string, TerraformConfig>, dir: string): TerraformConfig {
  const config = configs.get(path.resolve(dir));
  if (config === undefined) throw new Error(`${dir} was not loaded`);
  return config;
}

/** Every structural finding over the infra folder, paths relative to it. */
export async function checkInfra(infraDir: string): Promise<{ layout: InfraLayout; findings: Finding[] }> {
  const { layout, configs, alternatives, sharedS3 } = await loadInfra(infraDir);
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
      ...checkModuleCalls(config, moduleConfigs),
    );
  }
  for (const dir of layout.examples) {
    const config = get(configs, dir);
    findings.push(...checkVariables(config), ...checkSecrets(config), ...checkModuleCalls(config, moduleConfigs));
  }
  const roots = layout.liveRoots.map((dir) => get(configs, dir));
  for (const config of roots) {
    const called = config.modules.flatMap(({ body }) => {
      const module = typeof body.source === 'string' ? moduleConfigs.get(path.resolve(config.dir, body.source)) : undefined;
      return module ? [module] : [];
    });
    findings.push(
      ...checkLiveRoot(config, sharedS3, alternatives.get(path.resolve(config.dir))),
      ...checkVariables(config),
      ...checkOutputs(config),
      ...checkVersions(config, called),
      ...checkSecrets(config),
      ...checkVariableReferences(config),
      ...checkModuleCalls(config, moduleConfigs),
    );
  }
  findings.push(...checkDistinctBackendKeys(roots, sharedS3), ...checkDistinctBackendKeys([...alternatives.values()], sharedS3));

  return {
    layout,
    findings: findings.map((finding) => ({ ...finding, file: path.relative(infraDir, finding.file) })),
  };
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map(({ rule, file, message }) => `${file}: [${rule}] ${message}`).join('\n');
}
