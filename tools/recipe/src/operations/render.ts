import { fluxSchemaProblems } from '../model/flux-schema.ts';
import { RecipeError } from '../model/errors.ts';
import { findEnvironment } from '../model/environments.ts';
import { compareRendered, renderEnvironment, renderedServices, serviceObjects, type RenderDifference, type RenderInput } from '../model/render.ts';
import type { Recipe } from '../model/recipe.ts';
import { fluxDir, loadReleases, readEnvironmentValues, readFolder, writeFilesAtomically, type Releases } from '../io/releases.ts';

export interface EnvironmentRender {
  env: string;
  /** Path relative to the root -> new content, or null to delete. Only files that differ. */
  changes: Map<string, string | null>;
  differences: RenderDifference[];
}

/** The render input of one environment: its recipe (or `recipe` when given, e.g. an edited one) and values. */
export async function renderInput(releases: Releases, envName: string, recipe?: Recipe): Promise<RenderInput> {
  const env = findEnvironment(releases.environments, envName);
  const current = recipe ?? releases.recipes.get(envName)?.recipe;
  if (!current) throw new RecipeError(`environment "${envName}" has no valid recipe`, { file: `releases/${envName}/recipe.yaml`, hint: 'run "recipe lint"' });
  const names = Object.keys(current.services).filter((name) => releases.environments.services[name]);
  return { environments: releases.environments, env, recipe: current, values: await readEnvironmentValues(releases.root, envName, names) };
}

/**
 * What `recipe render` would change in an environment's flux/ folder: renders, compares with the
 * files on disk, and validates every object it would write against the Flux schemas (files
 * that stay byte for byte the same were validated when they were written).
 */
export async function planEnvironmentRender(releases: Releases, envName: string, recipe?: Recipe): Promise<EnvironmentRender> {
  const input = await renderInput(releases, envName, recipe);
  const dir = fluxDir(envName);
  const expected = renderEnvironment(input);
  const differences = compareRendered(expected, await readFolder(releases.root, dir));
  const written = new Set(differences.filter((d) => d.change !== 'removed').map((d) => d.file));
  const objects = renderedServices(input).filter((name) => written.has(`${name}.yaml`)).flatMap((name) => serviceObjects(input, name));
  const problems = await fluxSchemaProblems(objects);
  if (problems.length) {
    throw new RecipeError(`rendered objects for ${envName} do not validate against the Flux schemas: ${problems.join('; ')}`, {
      file: `releases/${envName}/values`,
      hint: 'fix the values file or environments.yaml entry named above',
    });
  }
  const changes = new Map<string, string | null>();
  for (const { file, change } of differences) changes.set(`${dir}/${file}`, change === 'removed' ? null : expected.get(file)!);
  return { env: envName, changes, differences };
}

export interface StaleFile {
  env: string;
  /** Path relative to the root. */
  file: string;
  change: RenderDifference['change'];
}

export interface RenderResult {
  environments: string[];
  check: boolean;
  /** Every file that differed from its render: written (or deleted) unless `check`. */
  stale: StaleFile[];
}

/** Renders the flux/ folders of the named environments (default: all); writes them unless `check`. */
export async function renderReleases(root: string, options: { environments?: readonly string[]; check?: boolean } = {}): Promise<RenderResult> {
  const releases = await loadReleases(root);
  const names = options.environments?.length ? [...options.environments] : releases.environments.environments.map((env) => env.name);
  names.forEach((name) => findEnvironment(releases.environments, name));
  const plans = await Promise.all(names.map((name) => planEnvironmentRender(releases, name)));
  const stale = plans.flatMap((plan) => plan.differences.map((difference) => ({ env: plan.env, file: `${fluxDir(plan.env)}/${difference.file}`, change: difference.change })));
  const check = Boolean(options.check);
  if (!check) await writeFilesAtomically(root, new Map(plans.flatMap((plan) => [...plan.changes])));
  return { environments: names, check, stale };
}
