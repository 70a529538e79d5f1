import { fluxSchemaProblems } from '../model/flux-schema.ts';
import { RecipeError } from '../model/errors.ts';
import { findEnvironment } from '../model/environments.ts';
import { compareRendered, renderEnvironment, renderedServices, serviceObjects, type RenderDifference, type RenderInput } from '../model/render.ts';
import type { Recipe } from '../model/recipe.ts';
import { findRoot, fluxDir, loadReleases, readEnvironmentValues, readFolder, writeFilesAtomically, type Releases } from '../io/releases.ts';
import type { Command } from './command.ts';

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

const command: Command = {
  summary: "write (or --check) every environment's flux/ folder from its recipe and values",
  usage: `Usage: recipe render [<env>...] [--check] [--json]

Renders releases/<env>/flux/ for every environment (or only those named): per service a Flux
GitRepository pinned to the commit and a HelmRelease with the environment's values, plus a
kustomization.yaml. Output is byte-for-byte deterministic.

Options:
  --check   write nothing; exit 1 and name the stale files when a folder is out of date
  --json    machine-readable output`,
  options: { check: { type: 'boolean', default: false } },
  async run(ctx) {
    const root = findRoot(ctx.cwd, ctx.env);
    const releases = await loadReleases(root);
    const names = ctx.positionals.length ? ctx.positionals : releases.environments.environments.map((env) => env.name);
    names.forEach((name) => findEnvironment(releases.environments, name));
    const plans = await Promise.all(names.map((name) => planEnvironmentRender(releases, name)));
    const stale = plans.flatMap((plan) => plan.differences.map((difference) => ({ env: plan.env, file: `${fluxDir(plan.env)}/${difference.file}`, change: difference.change })));
    const check = Boolean(ctx.values.check);
    if (!check) await writeFilesAtomically(root, new Map(plans.flatMap((plan) => [...plan.changes])));
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ check, environments: names, stale: check ? stale : [], written: check ? [] : stale }, null, 2));
    } else if (check) {
      if (stale.length === 0) ctx.stdout(`flux/ is up to date for ${names.join(', ')}`);
      else ctx.stdout(`stale renders (run "recipe render" and commit the result):\n${stale.map((s) => `  ${s.file} (${s.change === 'added' ? 'missing' : s.change === 'removed' ? 'should not exist' : 'out of date'})`).join('\n')}`);
    } else {
      ctx.stdout(stale.length === 0 ? `flux/ already up to date for ${names.join(', ')}` : stale.map((s) => `${s.change === 'removed' ? 'removed' : 'wrote'} ${s.file}`).join('\n'));
    }
    return check && stale.length > 0 ? 1 : 0;
  },
};

export default command;
