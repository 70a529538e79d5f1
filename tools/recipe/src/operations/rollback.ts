import { firstParentVersions, resolveCommit, showFile } from '../io/git.ts';
import { recipePath, type Releases } from '../io/releases.ts';
import { loadSnapshot } from '../io/snapshot-store.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { nothingToChange, planRollback, promotionBranch, rollbackTarget, type PlanSource, type RecipeVersion, type ServiceVersion } from '../model/promotion.ts';
import { validateRecipe, type Recipe } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { holdAuthor, isoNow } from './hold.ts';
import { runPromotionFlow, type FlowResult } from './promotion-flow.ts';

interface Target {
  source: PlanSource;
  services: Record<string, ServiceVersion>;
  snapshotId?: string;
}

export interface RollbackOptions {
  root: string;
  /** The process environment: forge tokens, HELM. */
  env: NodeJS.ProcessEnv;
  environment: string;
  /** A snapshot id (7+ hex digits) or a git revision of the releases; default: the previous recipe that ran other commits. */
  to?: string;
  /** The hold's reason; default: what was rolled back, to what. */
  reason?: string;
  dryRun?: boolean;
  /** Progress for people (stderr): forge requests being retried. */
  progress?: (line: string) => void;
  push?: boolean;
}

/**
 * `recipe rollback`: puts the environment back to an earlier recipe or snapshot on the branch
 * recipe/rollback-<env>, with a hold, and opens (or updates) the pull request.
 */
export async function rollback(options: RollbackOptions): Promise<FlowResult> {
  const { environment: envName, to, reason } = options;
  return runPromotionFlow({
    root: options.root,
    env: options.env,
    kind: 'rollback',
    environment: envName,
    dryRun: Boolean(options.dryRun),
    push: options.push ?? true,
    ...(options.progress ? { progress: options.progress } : {}),
    async plan(dir, releases) {
      const env = findEnvironment(releases.environments, envName);
      const current = releases.recipes.get(env.name)!.recipe;
      const target = to === undefined ? await previousRecipe(dir, releases, env.name, current) : await resolveTarget(dir, releases, env.name, to);
      const plan = planRollback({ environment: env.name, current, target, ...(reason ? { reason } : {}) });
      if (nothingToChange(plan, current)) {
        return { nothing: `${env.name} already runs what ${to ?? 'its previous recipe'} names: nothing to change (no branch ${promotionBranch('rollback', env.name)}, no pull request)` };
      }
      return { plan, hold: { reason: plan.hold!.reason, since: isoNow(), by: await holdAuthor(dir, options.env) } };
    },
  });
}

function services(recipe: Recipe): Record<string, ServiceVersion> {
  return Object.fromEntries(Object.entries(recipe.services).map(([name, s]) => [name, s.version === undefined ? { commit: s.commit } : { commit: s.commit, version: s.version }]));
}

function sameServices(a: Recipe['services'], b: Recipe['services']): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => a[name]?.commit === b[name]?.commit);
}

/** The recipe of `env` at a releases commit, validated; undefined when the file did not exist there. */
async function recipeAt(dir: string, releases: Releases, env: string, commit: string): Promise<Recipe | undefined> {
  const file = recipePath(env);
  const text = await showFile(dir, commit, file);
  if (text === undefined) return undefined;
  const { value, problems } = validateRecipe(parseYamlFile(text, `${file}@${commit.slice(0, 7)}`), env, releases.environments);
  if (!value) throw problems[0]!;
  return value;
}

/**
 * The last combination the environment ran before the current one that was not itself rolled
 * back from (model/promotion.ts rollbackTarget), from the first-parent history of its recipe.
 */
async function previousRecipe(dir: string, releases: Releases, env: string, current: Recipe): Promise<Target> {
  const file = recipePath(env);
  const versions: RecipeVersion[] = [];
  for (const version of await firstParentVersions(dir, file)) {
    if (version.text === undefined) continue;
    const { value } = validateRecipe(parseYamlFile(version.text, `${file}@${version.commit.slice(0, 7)}`), env, releases.environments);
    // A version that no longer validates (a service since removed) cannot be gone back to.
    if (!value) continue;
    versions.push({ commit: version.commit, message: `${version.subject}\n${version.body}`, services: services(value), ...(value.snapshot ? { snapshot: value.snapshot } : {}) });
  }
  if (versions.length === 0 || !sameServices(Object.fromEntries(Object.entries(versions[0]!.services)), current.services)) {
    versions.unshift({ commit: 'HEAD', message: '', services: services(current), ...(current.snapshot ? { snapshot: current.snapshot } : {}) });
  }
  const found = rollbackTarget(versions, env);
  if (!found) {
    throw new RecipeError(`${file} has no earlier state to roll back to: every older combination was itself rolled back from, or there is none`, {
      exitCode: 1,
      hint: `name the target yourself: recipe rollback ${env} --to <snapshot-id|git-rev>`,
    });
  }
  const { target } = found;
  return { source: { type: 'revision', revision: target.commit, commit: target.commit }, services: target.services, ...(target.snapshot ? { snapshotId: target.snapshot } : {}) };
}

async function resolveTarget(dir: string, releases: Releases, env: string, to: string): Promise<Target> {
  if (/^[0-9a-f]{7,64}$/i.test(to)) {
    // By id: releases/snapshots/, else git history (a pruned snapshot); else it may be a git revision.
    const snapshot = await loadSnapshot(dir, to).catch((error: unknown) => {
      if (error instanceof RecipeError && !error.file) return undefined;
      throw error;
    });
    if (snapshot) {
      const target = Object.fromEntries(Object.entries(snapshot.services).map(([name, s]) => [name, s.version === undefined ? { commit: s.commit } : { commit: s.commit, version: s.version }]));
      return { source: { type: 'snapshot', id: snapshot.id, environment: snapshot.environment }, services: target, snapshotId: snapshot.id };
    }
  }
  const commit = await resolveCommit(dir, to, '--to');
  if (commit === undefined) {
    throw new RecipeError(`--to ${to} is neither a snapshot nor a git revision`, { field: '--to', hint: 'give a snapshot id (7+ hex digits, see releases/snapshots/) or a revision such as HEAD~1 or a commit SHA' });
  }
  const recipe = await recipeAt(dir, releases, env, commit);
  if (!recipe) throw new RecipeError(`${recipePath(env)} does not exist at ${to}`, { field: '--to', hint: 'pick a revision where the environment had a recipe' });
  return { source: { type: 'revision', revision: to, commit }, services: services(recipe), ...(recipe.snapshot ? { snapshotId: recipe.snapshot } : {}) };
}
