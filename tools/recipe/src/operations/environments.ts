// Questions about environments.yaml itself (the promotion path and the services), for callers that need no recipe.
import { loadReleases } from '../io/releases.ts';
import { findEnvironment, type Environment, type Environments } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';

/** releases/environments.yaml, validated: repository, environments in promotion order (each `from` filled in), services. */
export async function loadEnvironments(root: string): Promise<Environments> {
  return (await loadReleases(root, [])).environments;
}

/** The environments in promotion order. */
export async function listEnvironments(root: string): Promise<Environment[]> {
  return (await loadEnvironments(root)).environments;
}

/** One environment of environments.yaml; a RecipeError naming the known ones when it is not there. */
export async function environment(root: string, name: string | undefined): Promise<Environment> {
  return findEnvironment(await loadEnvironments(root), name);
}

/** The environment `name` is promoted from: its `from:`, else the one listed before it. */
export async function promotionSource(root: string, name: string | undefined): Promise<string> {
  const env = await environment(root, name);
  if (env.from === undefined) {
    throw new RecipeError(`"${env.name}" is the first environment: nothing is promoted into it`, { file: 'releases/environments.yaml', field: 'environments', hint: 'name an environment that has one before it, or a from:' });
  }
  return env.from;
}
