// What the suites need from releases/: an environment's URLs and the commit its recipe records for
// each service. Read only through the recipe package's library face (the one owner of the format),
// never parsed here; this module is the single place that imports it.
import { loadReleases, recipePath, RecipeError } from '@platform/recipe';

export { findRoot } from '@platform/recipe';
export { RecipeError };

export interface EnvironmentFacts {
  name: string;
  /** Service -> base URL, from `urls:` in environments.yaml. */
  urls: Record<string, string>;
  /** Service -> the commit releases/<env>/recipe.yaml records. */
  commits: Record<string, string>;
  /** Where the commits come from, for messages: releases/<env>/recipe.yaml. */
  recipeFile: string;
}

export interface ReleasesFacts {
  environments: string[];
  environment?: EnvironmentFacts;
}

/** The environment `name` of the releases/ folder under `root` (undefined when it has no such environment). */
export async function readReleases(root: string, name: string): Promise<ReleasesFacts> {
  const releases = await loadReleases(root, [name]);
  const environments = releases.environments.environments.map((env) => env.name);
  const env = releases.environments.environments.find((candidate) => candidate.name === name);
  const recipe = releases.recipes.get(name)?.recipe;
  if (!env || !recipe) return { environments };
  const commits = Object.fromEntries(Object.entries(recipe.services).map(([service, { commit }]) => [service, commit]));
  return { environments, environment: { name, urls: env.urls, commits, recipeFile: recipePath(name) } };
}
