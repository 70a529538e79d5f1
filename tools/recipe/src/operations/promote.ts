import { readGitFacts } from '../io/git-facts.ts';
import { listTrustedSnapshots } from '../io/snapshot-store.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { chooseSnapshot } from '../model/gates.ts';
import { nothingToChange, planPromotion, promotionBranch } from '../model/promotion.ts';
import { runPromotionFlow, type FlowResult } from './promotion-flow.ts';

export interface PromoteOptions {
  root: string;
  /** The process environment: forge tokens, HELM. */
  env: NodeJS.ProcessEnv;
  environment: string;
  /** The snapshot to promote (7+ hex digits of its id); default: the newest one whose gates hold. */
  snapshot?: string;
  /** Promote despite unmet gates, a hold or `only`; recorded in the recipe and the pull request. */
  override?: string;
  /** Take only these services of the snapshot (needs `override`). */
  only?: readonly string[];
  /** Plan and describe; write, commit, push and open nothing. */
  dryRun?: boolean;
  /** Progress for people (stderr): forge requests being retried. */
  progress?: (line: string) => void;
  /** Push and open the pull request (default); false commits on the local branch only. */
  push?: boolean;
}

/**
 * `recipe promote`: fills the environment from a snapshot of the one before it that passes its
 * gates, on the branch recipe/promote-<env>, and opens (or updates) the pull request.
 */
export async function promote(options: PromoteOptions): Promise<FlowResult> {
  const { environment: envName, override } = options;
  const only = options.only ?? [];
  return runPromotionFlow({
    root: options.root,
    env: options.env,
    kind: 'promote',
    environment: envName,
    dryRun: Boolean(options.dryRun),
    push: options.push ?? true,
    ...(options.progress ? { progress: options.progress } : {}),
    async plan(dir, releases) {
      const env = findEnvironment(releases.environments, envName);
      if (!env.from) {
        throw new RecipeError(`${env.name} is the first environment: there is nothing to promote it from`, { file: 'releases/environments.yaml', field: `environments.${env.name}.from`, hint: `update it with "recipe set ${env.name} <service>=<commit>"` });
      }
      const snapshots = await listTrustedSnapshots(dir);
      // Gates judge by git (the base branch's history), not by the times written in the files.
      const facts = await readGitFacts(dir, { base: 'HEAD', baseBranch: releases.environments.repository.baseBranch, environments: [env.from], snapshots });
      const evaluation = chooseSnapshot({ name: env.name, from: env.from, gates: env.gates }, snapshots, new Date(), options.snapshot, facts);
      const current = releases.recipes.get(env.name)!.recipe;
      const plan = planPromotion({
        environment: env.name,
        from: env.from,
        current,
        snapshot: evaluation.snapshot,
        unmetGates: evaluation.unmet,
        knownServices: Object.keys(releases.environments.services),
        ...(only.length > 0 ? { only: [...only] } : {}),
        ...(override ? { override } : {}),
      });
      if (nothingToChange(plan, current)) {
        return { nothing: `${env.name} already runs snapshot ${evaluation.snapshot.id.slice(0, 12)}: nothing to change (no branch ${promotionBranch('promote', env.name)}, no pull request)` };
      }
      return { plan, evaluation };
    },
  });
}
