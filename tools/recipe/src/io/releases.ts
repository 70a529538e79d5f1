// The releases/ folder on disk: find it, read and validate its files, write changes atomically.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateEnvironments, type Environments } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { validateRecipe, type Recipe } from '../model/recipe.ts';
import { parseYamlFile, yamlBytesProblem, type YamlFile } from '../model/yaml-file.ts';

export const RELEASES = 'releases';

export interface RecipeFile {
  env: string;
  yaml: YamlFile;
  recipe: Recipe;
}

export interface Releases {
  /** The repository root: the folder holding releases/ (and the services' code). */
  root: string;
  environments: Environments;
  environmentsFile: YamlFile;
  recipes: Map<string, RecipeFile>;
}

/** The repository root: RECIPE_ROOT, else the nearest folder upwards holding releases/environments.yaml. */
export function findRoot(cwd: string, env: NodeJS.ProcessEnv = {}): string {
  if (env.RECIPE_ROOT) return path.resolve(cwd, env.RECIPE_ROOT);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, RELEASES, 'environments.yaml'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new RecipeError(`no ${RELEASES}/environments.yaml in ${cwd} or any folder above it`, {
    hint: 'run recipe inside the repository that holds releases/, or set RECIPE_ROOT to it',
  });
}

export function recipePath(env: string): string {
  return `${RELEASES}/${env}/recipe.yaml`;
}

export function valuesPath(env: string, service: string): string {
  return `${RELEASES}/${env}/values/${service}.yaml`;
}

export function fluxDir(env: string): string {
  return `${RELEASES}/${env}/flux`;
}

/** A releases file's text; one over the YAML size limit is refused from its size, before it is read. */
export async function readReleasesFile(root: string, file: string): Promise<string> {
  const tooBig = yamlBytesProblem((await stat(path.join(root, file))).size, file);
  if (tooBig) throw tooBig;
  return readFile(path.join(root, file), 'utf8');
}

async function readText(root: string, file: string): Promise<string | undefined> {
  try {
    return await readReleasesFile(root, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function readYamlFile(root: string, file: string): Promise<YamlFile | undefined> {
  const text = await readText(root, file);
  return text === undefined ? undefined : parseYamlFile(text, file);
}

/**
 * Reads environments.yaml and every environment's recipe, collecting every problem rather than
 * stopping at the first (lint lists them all). `releases` is undefined when environments.yaml
 * itself is unusable.
 */
export async function loadReleasesWithProblems(root: string, only?: readonly string[]): Promise<{ releases?: Releases; problems: RecipeError[] }> {
  const problems: RecipeError[] = [];
  const file = `${RELEASES}/environments.yaml`;
  let environmentsFile: YamlFile | undefined;
  try {
    environmentsFile = await readYamlFile(root, file);
  } catch (error) {
    if (error instanceof RecipeError) return { problems: [error] };
    throw error;
  }
  if (!environmentsFile) return { problems: [new RecipeError(`${file} does not exist`, { file, hint: 'create it: see docs/formats.md' })] };
  const { value: environments, problems: envProblems } = validateEnvironments(environmentsFile);
  if (!environments) return { problems: envProblems };
  const recipes = new Map<string, RecipeFile>();
  const wanted = only ? environments.environments.filter(({ name }) => only.includes(name)) : environments.environments;
  await Promise.all(
    wanted.map(async ({ name }) => {
      try {
        const yaml = await readYamlFile(root, recipePath(name));
        if (!yaml) {
          problems.push(new RecipeError(`environment "${name}" has no recipe`, { file: recipePath(name), hint: `create it with "environment: ${name}" and "services: {}"` }));
          return;
        }
        const { value, problems: recipeProblems } = validateRecipe(yaml, name, environments);
        problems.push(...recipeProblems);
        if (value) recipes.set(name, { env: name, yaml, recipe: value });
      } catch (error) {
        if (error instanceof RecipeError) problems.push(error);
        else throw error;
      }
    }),
  );
  // Keep the promotion order whatever order the reads finished in.
  const ordered = new Map(environments.environments.flatMap(({ name }) => (recipes.has(name) ? [[name, recipes.get(name)!] as const] : [])));
  return { releases: { root, environments, environmentsFile, recipes: ordered }, problems };
}

/**
 * Like loadReleasesWithProblems, but any problem is an error (listing how many more there are).
 * With `only`, reads just those environments' recipes (unknown names are left for the caller).
 */
export async function loadReleases(root: string, only?: readonly string[]): Promise<Releases> {
  const { releases, problems } = await loadReleasesWithProblems(root, only);
  const first = problems[0];
  if (first || !releases) {
    if (problems.length > 1) {
      throw new RecipeError(`${first!.message} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: run "recipe lint" for the list)`, {
        file: first!.file,
        line: first!.line,
        column: first!.column,
        field: first!.field,
        hint: first!.hint,
        exitCode: 2,
      });
    }
    throw first!;
  }
  return releases;
}

/** Helm values text as a mapping; an empty file is {}. */
export function parseValues(text: string, file: string): Record<string, unknown> {
  const value = parseYamlFile(text, file).data;
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new RecipeError('Helm values must be a mapping', { file, line: 1, column: 1, hint: 'write key: value pairs at the top level' });
  }
  return value as Record<string, unknown>;
}

/** The environment's Helm values for a service: its values file, or {} when there is none. */
export async function readValues(root: string, env: string, service: string): Promise<Record<string, unknown>> {
  const file = valuesPath(env, service);
  const text = await readText(root, file);
  return text === undefined ? {} : parseValues(text, file);
}

/** The values of several services of one environment ({} for those without a file), read in one pass. */
export async function readEnvironmentValues(root: string, env: string, services: readonly string[]): Promise<Record<string, Record<string, unknown>>> {
  const dir = `${RELEASES}/${env}/values`;
  const base = `${root}/${dir}`;
  let present: Set<string>;
  try {
    present = new Set(readdirSync(base));
  } catch {
    present = new Set();
  }
  const values: Record<string, Record<string, unknown>> = {};
  for (const service of services) {
    const name = `${service}.yaml`;
    if (!present.has(name)) {
      values[service] = {};
      continue;
    }
    const tooBig = yamlBytesProblem(statSync(`${base}/${name}`).size, `${dir}/${name}`);
    if (tooBig) throw tooBig;
    values[service] = parseValues(readFileSync(`${base}/${name}`, 'utf8'), `${dir}/${name}`);
  }
  return values;
}

/** The files currently in a folder (name -> content), empty when it does not exist. Sorted by name. */
export async function readFolder(root: string, dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const base = `${root}/${dir}`;
  let entries;
  try {
    entries = readdirSync(base, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return files;
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isFile()) files.set(entry.name, readFileSync(`${base}/${entry.name}`, 'utf8'));
  }
  return files;
}

/**
 * Writes every file (content) or deletes it (null), relative to root. All new contents go to
 * temporary files first; only when every one is written are they renamed into place, so an
 * error while writing leaves the tree as it was.
 */
export async function writeFilesAtomically(root: string, changes: ReadonlyMap<string, string | null>): Promise<void> {
  const staged: Array<{ temp: string; target: string }> = [];
  const suffix = `.recipe-${process.pid}-${Date.now().toString(36)}.tmp`;
  try {
    for (const [file, content] of changes) {
      if (content === null) continue;
      const target = path.join(root, file);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}${suffix}`;
      await writeFile(temp, content, { flag: 'wx' });
      staged.push({ temp, target });
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw error;
  }
  for (const { temp, target } of staged) await rename(temp, target);
  for (const [file, content] of changes) if (content === null) await rm(path.join(root, file), { force: true });
}
