// What a promotion or a rollback changes in one environment: pure, over plain data. The command
// reads the files, asks this module for the plan, then writes, renders, commits and opens the PR.
import { RecipeError } from './errors.ts';
import type { Snapshot } from './snapshot.ts';

export interface ServiceVersion {
  commit: string;
  version?: string;
}

export interface ServiceChange {
  service: string;
  /** What runs now; undefined when the environment does not run the service yet. */
  current?: ServiceVersion;
  /** What will run. */
  next: ServiceVersion;
  changed: boolean;
}

export type PlanSource =
  | { type: 'snapshot'; id: string; environment: string }
  | { type: 'revision'; revision: string; commit: string; snapshotId?: string };

export interface PromotionPlan {
  kind: 'promote' | 'rollback';
  environment: string;
  source: PlanSource;
  /** Every service of the environment after the change, sorted by name. */
  changes: ServiceChange[];
  /** --only: the services taken from the snapshot; the others keep what runs now. */
  only?: string[];
  /** --override: why the gates (or a partial promotion) were overridden. */
  override?: string;
  /** The gates that did not hold (recorded in the pull request when overridden). */
  unmetGates: string[];
  /** The recipe's `snapshot:` afterwards; undefined when the result is not a recorded combination. */
  snapshotId?: string;
  /** Rollbacks put the environment on hold with this reason. */
  hold?: { reason: string };
}

/** The branch a promotion or rollback of `environment` is pushed to: one open change per environment. */
export function promotionBranch(kind: PromotionPlan['kind'], environment: string): string {
  return `recipe/${kind}-${environment}`;
}

export interface CurrentRecipe {
  services: Record<string, ServiceVersion>;
  snapshot?: string;
  hold?: { reason: string };
}

export interface PromoteInput {
  environment: string;
  /** The environment the snapshot is promoted from (its verification there vouches for it). */
  from: string;
  current: CurrentRecipe;
  snapshot: Snapshot;
  /** Gate problems from evaluateGates; refused unless overridden. */
  unmetGates: string[];
  /** Services environments.yaml knows; a snapshot naming another one is refused. */
  knownServices: string[];
  only?: string[];
  override?: string;
}

/** Plans `recipe promote`; refuses (exit 1) unmet gates, a hold, or --only without --override. */
export function planPromotion(input: PromoteInput): PromotionPlan {
  const { environment, current, snapshot, only, override } = input;
  const short = snapshot.id.slice(0, 12);
  const unknown = Object.keys(snapshot.services).filter((s) => !input.knownServices.includes(s));
  if (unknown.length > 0) {
    throw new RecipeError(`snapshot ${short} names services environments.yaml does not list: ${unknown.join(', ')}`, { file: 'environments.yaml', field: 'services', hint: 'add them to services: in environments.yaml, or promote another snapshot' });
  }
  for (const service of only ?? []) {
    if (snapshot.services[service] === undefined) {
      throw new RecipeError(`--only ${service}: snapshot ${short} has no service "${service}"`, { field: '--only', hint: `it has ${Object.keys(snapshot.services).join(', ')}` });
    }
  }
  const refusals: string[] = [];
  if (only !== undefined && only.length > 0) {
    refusals.push(`--only ${only.join(',')}: promoting part of snapshot ${short} makes a combination that was never tested together`);
  }
  refusals.push(...input.unmetGates);
  if (current.hold) refusals.push(`hold: ${environment} is on hold (${current.hold.reason}); lift it with "recipe unhold ${environment}"`);
  if (refusals.length > 0 && !override) {
    throw new RecipeError(`promotion of snapshot ${short} to ${environment} refused:\n${refusals.map((r) => `  - ${r}`).join('\n')}`, {
      exitCode: 1,
      hint: 'meet the gates listed, or promote anyway with --override "<reason>" (recorded in the recipe and the pull request)',
    });
  }
  const partial = only !== undefined && only.length > 0;
  const next: Record<string, ServiceVersion> = {};
  for (const [service, taken] of Object.entries(snapshot.services)) {
    if (!partial || only.includes(service)) next[service] = withoutUndefined({ commit: taken.commit, version: taken.version });
  }
  return {
    kind: 'promote',
    environment,
    source: { type: 'snapshot', id: snapshot.id, environment: input.from },
    changes: changesBetween(current.services, next),
    ...(partial ? { only } : {}),
    ...(override ? { override } : {}),
    unmetGates: refusals,
    ...(partial ? {} : { snapshotId: snapshot.id }),
  };
}

export interface RollbackInput {
  environment: string;
  current: CurrentRecipe;
  /** The recipe (or snapshot) rolled back to. */
  target: { source: PlanSource; services: Record<string, ServiceVersion>; snapshotId?: string };
  /** Why; a default naming the target is used when absent. */
  reason?: string;
}

/** Plans `recipe rollback`: the target's commits for the services it names, and a hold. */
export function planRollback(input: RollbackInput): PromotionPlan {
  const { environment, current, target } = input;
  const label = sourceLabel(target.source);
  const changes = changesBetween(current.services, target.services);
  const moved = changes.filter((c) => c.changed).map((c) => `${c.service} ${shortCommit(c.current?.commit)} -> ${shortCommit(c.next.commit)}`);
  const reason = input.reason ?? `rolled back to ${label}${moved.length ? `: ${moved.join(', ')}` : ''}`;
  // The rolled-back recipe matches the target snapshot only when every service comes from it.
  const exact = target.snapshotId !== undefined && Object.keys(current.services).every((s) => target.services[s] !== undefined);
  return {
    kind: 'rollback',
    environment,
    source: target.source,
    changes,
    unmetGates: [],
    // The recipe stays consistent: it names the snapshot it returns to, or says why none vouches for it.
    ...(exact ? { snapshotId: target.snapshotId } : { override: `rolled back to ${label}, a combination no snapshot vouches for (${environment} ran it before)` }),
    hold: { reason },
  };
}

/** One version of an environment's recipe on the base branch, as the rollback walk reads it. */
export interface RecipeVersion {
  /** The releases commit that wrote it. */
  commit: string;
  /** Its commit message: a rollback is recognised by its title, branch or revert. */
  message: string;
  services: Record<string, ServiceVersion>;
  snapshot?: string;
}

/** True when the message is that of a rollback: recipe's title or branch, or a git revert. */
export function isRollbackMessage(message: string, environment: string): boolean {
  const env = environment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^rollback\\(${env}\\):`, 'm').test(message) || message.includes(`recipe/rollback-${environment}`) || /^Revert "/m.test(message);
}

function combinationKey(services: Record<string, ServiceVersion>): string {
  return Object.keys(services)
    .sort()
    .map((name) => `${name}=${services[name]!.commit}`)
    .join('\n');
}

/**
 * The state a rollback goes to: the last combination the environment ran before the current one
 * that was not itself rolled back from. `versions` newest first, as git log lists them.
 *
 * The history is replayed oldest first on a stack of combinations: a new combination is pushed;
 * going back to one already on the stack drops everything above it; a rollback first drops the
 * combination it leaves. What remains below the top is what the environment may go back to, so a
 * second rollback goes one step further back and never to a state that was rolled back from.
 * Undefined when there is nothing older.
 */
export function rollbackTarget(versions: readonly RecipeVersion[], environment: string): { target: RecipeVersion; skipped: RecipeVersion[] } | undefined {
  const stack: { key: string; version: RecipeVersion }[] = [];
  const dropped: RecipeVersion[] = [];
  for (const version of [...versions].reverse()) {
    const key = combinationKey(version.services);
    const top = stack.at(-1);
    if (top?.key === key) {
      top.version = version;
      continue;
    }
    if (isRollbackMessage(version.message, environment) && stack.length > 0) dropped.push(stack.pop()!.version);
    const earlier = stack.findLastIndex((entry) => entry.key === key);
    if (earlier >= 0) {
      dropped.push(...stack.splice(earlier + 1).map((entry) => entry.version));
      stack[earlier]!.version = version;
    } else {
      stack.push({ key, version });
    }
  }
  const below = stack.at(-2);
  return below ? { target: below.version, skipped: dropped } : undefined;
}

/** True when applying the plan would not change what runs nor which snapshot the recipe names. */
export function nothingToChange(plan: PromotionPlan, current: CurrentRecipe): boolean {
  return plan.changes.every((c) => !c.changed) && (plan.snapshotId === undefined || plan.snapshotId === current.snapshot);
}

/** `snapshot 3f9a1c2b7d10` or `releases 9e8d7c6`. */
export function sourceLabel(source: PlanSource): string {
  return source.type === 'snapshot' ? `snapshot ${source.id.slice(0, 12)}` : `releases ${source.commit.slice(0, 7)}`;
}

export function shortCommit(commit: string | undefined): string {
  return commit === undefined ? '(none)' : commit.slice(0, 7);
}

function changesBetween(current: Record<string, ServiceVersion>, next: Record<string, ServiceVersion>): ServiceChange[] {
  const names = [...new Set([...Object.keys(current), ...Object.keys(next)])].sort();
  return names.map((service) => {
    const now = current[service];
    const after = next[service] ?? now!;
    return {
      service,
      ...(now ? { current: now } : {}),
      next: after,
      changed: now === undefined || now.commit !== after.commit || (after.version !== undefined && now.version !== after.version),
    };
  });
}

function withoutUndefined(version: { commit: string; version?: string | undefined }): ServiceVersion {
  return version.version === undefined ? { commit: version.commit } : { commit: version.commit, version: version.version };
}
