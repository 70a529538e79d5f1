// Questions about environments.yaml itself (the promotion path and the services), for callers that need no recipe.
import { loadReleases } from '../io/releases.ts';
import { findEnvironment, type Environment, type Environments } from '../model/environments.ts';

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
