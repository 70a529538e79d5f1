// The structural rules every Terraform folder here follows; each check returns findings, never throws.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { allBodies, expression, strings, type HclBlock, type HclValue, type Located, type TerraformConfig } from './hcl.ts';

export type Rule =
  | 'module-layout'
  | 'variable-type'
  | 'variable-description'
  | 'output-description'
  | 'required-version'
  | 'provider-pin'
  | 'provider-undeclared'
  | 'module-version'
  | 'secret-default'
  | 'secret-output'
  | 'backend'
  | 'backend-key'
  | 'thin-root'
  | 'module-source'
  | 'unknown-input'
  | 'missing-input'
  | 'unknown-output'
  | 'undeclared-variable'
  | 'chart-version'
  | 'readme';

export interface Finding {
  rule: Rule;
  file: string;
  message: string;
}

const MODULE_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md'];
const META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
/** Providers built into Terraform itself, which need no declaration. */
const BUILTIN_PROVIDERS = new Set(['terraform']);

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export async function checkModuleLayout(moduleDir: string, exampleDirs: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const name of MODULE_FILES) {
    if (!(await exists(path.join(moduleDir, name)))) {
      findings.push({ rule: 'module-layout', file: path.join(moduleDir, name), message: `module ${path.basename(moduleDir)} has no ${name}` });
    }
  }
  const examplesWithMain = [];
  for (const dir of exampleDirs) {
    if (await exists(path.join(dir, 'main.tf'))) examplesWithMain.push(dir);
  }
  if (examplesWithMain.length === 0) {
    findings.push({
      rule: 'module-layout',
      file: path.join(moduleDir, 'examples'),
      message: `module ${path.basename(moduleDir)} has no examples/<name>/main.tf showing a complete call`,
    });
  }
  return findings;
}

function isNonEmptyText(value: HclValue | undefined): boolean {
  return typeof value === 'string' && value.trim().length > 0;
}

export function checkVariables(config: TerraformConfig): Finding[] {
  return config.variables.flatMap(({ name, file, body }) => {
    const findings: Finding[] = [];
    if (body.type === undefined) findings.push({ rule: 'variable-type', file, message: `variable "${name}" has no type` });
    if (!isNonEmptyText(body.description)) {
      findings.push({ rule: 'variable-description', file, message: `variable "${name}" has no description` });
    }
    return findings;
  });
}

export function checkOutputs(config: TerraformConfig): Finding[] {
  return config.outputs
    .filter(({ body }) => !isNonEmptyText(body.description))
    .map(({ name, file }) => ({ rule: 'output-description', file, message: `output "${name}" has no description` }));
}

/** A constraint is a range only if something stops it from accepting the next major version. */
export function isBoundedConstraint(constraint: string | undefined): boolean {
  if (constraint === undefined || constraint.trim() === '') return false;
  return constraint.split(',').some((part) => {
    const trimmed = part.trim();
    return trimmed.startsWith('~>') || trimmed.startsWith('<') || trimmed.startsWith('=') || /^v?\d/.test(trimmed);
  });
}

function providerOfType(type: string): string {
  return type.split('_')[0] ?? type;
}

function isRegistrySource(source: string): boolean {
  return !source.startsWith('./') && !source.startsWith('../') && !/^[a-z0-9+]+::|^(git|https?|s3|gcs)[:@]|^github\.com\/|^bitbucket\.org\//.test(source);
}

/**
 * Version pins. `inherited` are the local modules a live root calls: a root may leave
 * required_version and its providers' requirements to the composition module, which pins them.
 */
export function checkVersions(config: TerraformConfig, inherited: readonly TerraformConfig[] = []): Finding[] {
  const findings: Finding[] = [];
  const where = config.terraform[0]?.file ?? path.join(config.dir, 'versions.tf');
  if (![config, ...inherited].some((each) => each.terraform.some((block) => block.requiredVersion !== undefined))) {
    findings.push({ rule: 'required-version', file: where, message: `${config.dir} does not set terraform.required_version` });
  }
  const declared = new Set<string>(inherited.flatMap((module) => module.terraform.flatMap((block) => block.requiredProviders.map((provider) => provider.name))));
  for (const block of config.terraform) {
    for (const { name, file, body } of block.requiredProviders) {
      declared.add(name);
      if (body.source === undefined) {
        findings.push({ rule: 'provider-pin', file, message: `provider "${name}" has no source in required_providers` });
      }
      if (!isBoundedConstraint(body.version)) {
        findings.push({
          rule: 'provider-pin',
          file,
          message: `provider "${name}" is not pinned to a range (version = ${JSON.stringify(body.version ?? null)}); use e.g. ">= 6.0, < 7.0" or "~> 6.0"`,
        });
      }
    }
  }
  const used = new Map<string, string>();
  for (const resource of config.resources) {
    const type = resource.name.replace(/^data\./, '').split('.')[0] ?? '';
    const provider = typeof resource.body.provider === 'string' ? (expression(resource.body.provider) ?? '').split('.')[0] ?? '' : providerOfType(type);
    if (!used.has(provider)) used.set(provider, resource.file);
  }
  for (const provider of config.providers) {
    if (!used.has(provider.name)) used.set(provider.name, provider.file);
  }
  for (const [provider, file] of used) {
    if (!BUILTIN_PROVIDERS.has(provider) && !declared.has(provider)) {
      findings.push({
        rule: 'provider-undeclared',
        file,
        message: `provider "${provider}" is used but not declared (and pinned) in required_providers`,
      });
    }
  }
  for (const { name, file, body } of config.modules) {
    const source = typeof body.source === 'string' ? body.source : '';
    if (isRegistrySource(source) && !isBoundedConstraint(typeof body.version === 'string' ? body.version : undefined)) {
      findings.push({ rule: 'module-version', file, message: `module "${name}" (${source}) is not pinned to a version range` });
    }
  }
  return findings;
}

/** The last word of the name says it holds a credential. */
const SECRET_NAME = /(^|_)(password|passwd|passphrase|secret|token|key|credentials?)$/i;
const SECRET_VALUE = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
];

function isEmptyDefault(value: HclValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

export function checkSecrets(config: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  for (const { name, file, body } of config.variables) {
    if (SECRET_NAME.test(name) && !isEmptyDefault(body.default)) {
      findings.push({ rule: 'secret-default', file, message: `variable "${name}" looks like a secret but has a default value; secrets come from a secret store, never from defaults` });
    } else if (strings(body.default).some((text) => SECRET_VALUE.some((pattern) => pattern.test(text)))) {
      findings.push({ rule: 'secret-default', file, message: `variable "${name}" has a default that looks like a credential` });
    }
  }
  for (const { name, file, body } of config.outputs) {
    if (SECRET_NAME.test(name) && body.sensitive !== true) {
      findings.push({ rule: 'secret-output', file, message: `output "${name}" looks like a secret but is not marked sensitive` });
    }
  }
  return findings;
}

export function checkCharts(config: TerraformConfig): Finding[] {
  return config.resources
    .filter(({ name }) => name.startsWith('helm_release.'))
    .filter(({ body }) => {
      const chart = typeof body.chart === 'string' ? body.chart : '';
      const isLocalChart = chart.startsWith('${path.module}') || chart.startsWith('./') || chart.startsWith('../');
      return !isLocalChart && !(typeof body.version === 'string' && body.version.trim() !== '');
    })
    .map(({ name, file }) => ({ rule: 'chart-version', file, message: `${name} does not pin its chart version` }));
}

const VARIABLE_REFERENCE = /\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g;

export function checkVariableReferences(config: TerraformConfig): Finding[] {
  const declared = new Set(config.variables.map(({ name }) => name));
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const { name: blockName, file, body } of allBodies(config)) {
    for (const text of strings(body)) {
      for (const match of text.matchAll(VARIABLE_REFERENCE)) {
        const variable = match[1] ?? '';
        if (!declared.has(variable) && !reported.has(variable)) {
          reported.add(variable);
          findings.push({ rule: 'undeclared-variable', file, message: `${blockName} refers to var.${variable}, which is not declared` });
        }
      }
    }
  }
  return findings;
}

/** The composition module every live root calls, and nothing else. */
export const COMPOSITION_MODULE = 'modules/platform-environment';

/** A root's state: its s3 backends (with the shared settings of live/s3.tfbackend merged in) and cloud blocks. */
export function stateConfigs(config: TerraformConfig, sharedS3: HclBlock = {}): Located<HclBlock>[] {
  return config.terraform.flatMap((block) => [
    ...block.backends.map((backend) => (backend.name === 's3' ? { ...backend, body: { ...sharedS3, ...backend.body } } : backend)),
    ...block.clouds,
  ]);
}

function stateProblems(root: string, states: readonly Located<HclBlock>[]): Finding[] {
  const findings: Finding[] = [];
  for (const state of states) {
    if (state.name === 's3') {
      if (typeof state.body.key !== 'string') findings.push({ rule: 'backend', file: state.file, message: `the s3 backend of ${root} has no state key` });
      if (typeof state.body.bucket !== 'string') findings.push({ rule: 'backend', file: state.file, message: `the s3 backend of ${root} has no bucket: set it in live/s3.tfbackend` });
    } else if (state.name === 'cloud') {
      const workspaces = state.body.workspaces as HclBlock | null;
      if (typeof workspaces?.name !== 'string') findings.push({ rule: 'backend', file: state.file, message: `the cloud block of ${root} names no workspace (workspaces { name = "platform-${root}" }): one workspace per environment` });
    }
  }
  return findings;
}

/**
 * A live root is thin: one state config, one call of the composition module by relative path, no
 * resources or variables of its own. `alternative` is its other state config (cloud.tf.example),
 * which must be the other kind and hold a state of its own.
 */
export function checkLiveRoot(config: TerraformConfig, sharedS3: HclBlock = {}, alternative?: TerraformConfig): Finding[] {
  const findings: Finding[] = [];
  const root = path.basename(config.dir);
  const states = stateConfigs(config, sharedS3);
  if (states.length === 0) {
    findings.push({ rule: 'backend', file: path.join(config.dir, 'backend.tf'), message: `live root ${root} sets no backend` });
  } else if (states.length > 1) {
    findings.push({ rule: 'backend', file: states[1]!.file, message: `live root ${root} sets ${states.length} state backends (${states.map((state) => state.name).join(', ')}); keep one, the other as cloud.tf.example` });
  }
  findings.push(...stateProblems(root, states));
  if (alternative !== undefined) {
    const others = stateConfigs(alternative, sharedS3);
    findings.push(...stateProblems(root, others));
    for (const other of others) {
      if (states.some((state) => state.name === other.name)) {
        findings.push({ rule: 'backend', file: other.file, message: `the alternative state config of ${root} is ${other.name} again; it offers the other backend (s3 or cloud)` });
      }
    }
  }
  for (const { name, file, body } of config.modules) {
    const source = typeof body.source === 'string' ? body.source : '';
    if (!source.startsWith('./') && !source.startsWith('../')) {
      findings.push({ rule: 'module-source', file, message: `module "${name}" is called from ${JSON.stringify(source)}; live roots call modules by relative path` });
    } else if (path.posix.normalize(path.posix.join('live', root, source)) !== COMPOSITION_MODULE) {
      findings.push({ rule: 'thin-root', file, message: `module "${name}" (${source}) is called from live root ${root}; a live root calls only ${COMPOSITION_MODULE}: add it there` });
    }
  }
  if (config.modules.length === 0) findings.push({ rule: 'thin-root', file: path.join(config.dir, 'main.tf'), message: `live root ${root} does not call ${COMPOSITION_MODULE}` });
  for (const { name, file } of [...config.resources, ...config.variables.map((variable) => ({ ...variable, name: `variable "${variable.name}"` }))]) {
    findings.push({ rule: 'thin-root', file, message: `live root ${root} declares ${name}; it belongs in ${COMPOSITION_MODULE}, the root gives only values` });
  }
  return findings;
}

/** State keys (and HCP workspaces) must differ between roots, or two environments would share (and overwrite) one state. */
export function checkDistinctBackendKeys(roots: readonly TerraformConfig[], sharedS3: HclBlock = {}): Finding[] {
  const seen = new Map<string, string>();
  const findings: Finding[] = [];
  for (const root of roots) {
    for (const state of stateConfigs(root, sharedS3)) {
      const workspaces = state.body.workspaces as HclBlock | null | undefined;
      const identity = state.name === 'cloud' ? `cloud:${String(state.body.organization ?? '$TF_CLOUD_ORGANIZATION')}:${String(workspaces?.name)}` : `${state.name}:${String(state.body.bucket)}:${String(state.body.key)}`;
      const first = seen.get(identity);
      if (first !== undefined) {
        findings.push({ rule: 'backend-key', file: state.file, message: `${root.dir} uses the same state (${identity}) as ${first}` });
      } else {
        seen.set(identity, root.dir);
      }
    }
  }
  return findings;
}

const MODULE_OUTPUT_REFERENCE = /\bmodule\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/**
 * Calls of local modules: every input passed is a variable of the module, every variable without a
 * default is passed, and every `module.<call>.<output>` read exists.
 */
export function checkModuleCalls(caller: TerraformConfig, calledModules: ReadonlyMap<string, TerraformConfig>): Finding[] {
  const findings: Finding[] = [];
  const localCalls = new Map<string, TerraformConfig>();
  for (const { name, file, body } of caller.modules) {
    const source = typeof body.source === 'string' ? body.source : '';
    if (!source.startsWith('./') && !source.startsWith('../')) continue;
    const module = calledModules.get(path.resolve(caller.dir, source));
    if (module === undefined) {
      findings.push({ rule: 'module-source', file, message: `module "${name}" points at ${source}, which holds no Terraform module` });
      continue;
    }
    localCalls.set(name, module);
    const variables = new Map(module.variables.map((variable) => [variable.name, variable]));
    const inputs = Object.keys(body).filter((key) => !META_ARGUMENTS.has(key));
    for (const input of inputs) {
      if (!variables.has(input)) {
        findings.push({ rule: 'unknown-input', file, message: `module "${name}" passes "${input}", which ${source} does not declare as a variable` });
      }
    }
    for (const [variable, declaration] of variables) {
      if (!('default' in declaration.body) && !inputs.includes(variable)) {
        findings.push({ rule: 'missing-input', file, message: `module "${name}" does not pass "${variable}", which ${source} requires (no default)` });
      }
    }
  }
  for (const { name: blockName, file, body } of allBodies(caller)) {
    for (const text of strings(body)) {
      for (const match of text.matchAll(MODULE_OUTPUT_REFERENCE)) {
        const call = match[1] ?? '';
        const output = match[2] ?? '';
        const module = localCalls.get(call);
        if (module !== undefined && !module.outputs.some(({ name }) => name === output)) {
          findings.push({ rule: 'unknown-output', file, message: `${blockName} reads module.${call}.${output}, which that module does not output` });
        }
      }
    }
  }
  return findings;
}
