// Reads a Terraform folder into plain data, one parsed file at a time so findings can name the file.
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue };
export type HclBlock = { [key: string]: HclValue };

export interface Located<T> {
  name: string;
  file: string;
  body: T;
}

export interface TerraformBlock {
  file: string;
  requiredVersion: string | undefined;
  requiredProviders: Located<{ source?: string; version?: string }>[];
  backends: Located<HclBlock>[];
  /** `cloud {}` blocks: HCP Terraform / Terraform Cloud state, with their `workspaces` block. */
  clouds: Located<HclBlock>[];
}

export interface TerraformConfig {
  dir: string;
  files: string[];
  variables: Located<HclBlock>[];
  outputs: Located<HclBlock>[];
  modules: Located<HclBlock>[];
  providers: Located<HclBlock>[];
  /** Managed resources and data sources, named `<type>.<name>` (data sources `data.<type>.<name>`). */
  resources: Located<HclBlock>[];
  locals: Located<HclBlock>[];
  terraform: TerraformBlock[];
}

function isBlock(value: unknown): value is HclBlock {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** hcl2json represents every block as a list of bodies, even when there is one. */
function bodies(value: unknown): HclBlock[] {
  if (Array.isArray(value)) return value.filter(isBlock);
  return isBlock(value) ? [value] : [];
}

function labelled(value: unknown, file: string): Located<HclBlock>[] {
  if (!isBlock(value)) return [];
  return Object.entries(value).flatMap(([name, blocks]) => bodies(blocks).map((body) => ({ name, file, body })));
}

function twiceLabelled(value: unknown, file: string, prefix: string): Located<HclBlock>[] {
  if (!isBlock(value)) return [];
  return Object.entries(value).flatMap(([type, named]) =>
    labelled(named, file).map((block) => ({ ...block, name: `${prefix}${type}.${block.name}` })),
  );
}

function terraformBlocks(value: unknown, file: string): TerraformBlock[] {
  return bodies(value).map((body) => ({
    file,
    requiredVersion: typeof body.required_version === 'string' ? body.required_version : undefined,
    requiredProviders: bodies(body.required_providers).flatMap((providers) =>
      Object.entries(providers).map(([name, spec]) => ({
        name,
        file,
        body: isBlock(spec)
          ? {
              source: typeof spec.source === 'string' ? spec.source : undefined,
              version: typeof spec.version === 'string' ? spec.version : undefined,
            }
          : {},
      })),
    ),
    backends: labelled(body.backend, file),
    clouds: bodies(body.cloud).map((cloud) => ({ name: 'cloud', file, body: { ...cloud, workspaces: bodies(cloud.workspaces)[0] ?? null } })),
  }));
}

/** Parsing goes through WebAssembly and is the slow part; identical text parses identically. */
const parsedByText = new Map<string, Promise<HclBlock>>();

export async function parseFile(file: string): Promise<HclBlock> {
  const text = await readFile(file, 'utf8');
  let parsed = parsedByText.get(text);
  if (parsed === undefined) {
    parsed = parse(file, text).then((result) => result as HclBlock);
    parsedByText.set(text, parsed);
  }
  try {
    return structuredClone(await parsed);
  } catch (error) {
    parsedByText.delete(text);
    throw new Error(`${file}: not valid HCL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Loads every `*.tf` file directly inside `dir` (not sub-folders), like Terraform does; with a
 * suffix (".tf.example"), the files Terraform does not load that end so instead.
 */
export async function loadConfig(dir: string, suffix = '.tf'): Promise<TerraformConfig> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => entry.name)
    .sort();
  const config: TerraformConfig = {
    dir,
    files,
    variables: [],
    outputs: [],
    modules: [],
    providers: [],
    resources: [],
    locals: [],
    terraform: [],
  };
  const parsedFiles = await Promise.all(files.map(async (name) => ({ file: path.join(dir, name), parsed: await parseFile(path.join(dir, name)) })));
  for (const { file, parsed } of parsedFiles) {
    config.variables.push(...labelled(parsed.variable, file));
    config.outputs.push(...labelled(parsed.output, file));
    config.modules.push(...labelled(parsed.module, file));
    config.providers.push(...labelled(parsed.provider, file));
    config.resources.push(...twiceLabelled(parsed.resource, file, ''), ...twiceLabelled(parsed.data, file, 'data.'));
    config.locals.push(...bodies(parsed.locals).map((body) => ({ name: 'locals', file, body })));
    config.terraform.push(...terraformBlocks(parsed.terraform, file));
  }
  return config;
}

/** hcl2json writes an expression as "${...}"; this gives the bare expression (or the plain string). */
export function expression(value: HclValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([\s\S]*)\}$/.exec(value);
  return match?.[1] ?? value;
}

/** Every string inside a value, skipping human text (descriptions, error messages). */
export function strings(value: HclValue | undefined, skipKeys: ReadonlySet<string> = new Set(['description', 'error_message'])): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, skipKeys));
  if (isBlock(value)) {
    return Object.entries(value).flatMap(([key, item]) => (skipKeys.has(key) ? [] : strings(item, skipKeys)));
  }
  return [];
}

/** All the bodies of a configuration, for reference scans. */
export function allBodies(config: TerraformConfig): Located<HclBlock>[] {
  return [...config.variables, ...config.outputs, ...config.modules, ...config.providers, ...config.resources, ...config.locals];
}
