import { changedFilesSince, git, runGit } from '../io/git.ts';
import { readGitFacts } from '../io/git-facts.ts';
import { loadSnapshot, readSnapshotRecords, refuseUntrusted, resolveEntries, SNAPSHOTS } from '../io/snapshot-store.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { chooseSnapshot, type GateEvaluation } from '../model/gates.ts';
import { nothingToChange, planPromotion, promotionBranch } from '../model/promotion.ts';
import { idMatches, latestVerification, snapshotsOf, type Snapshot } from '../model/snapshot.ts';
import { REMOTE, runPromotionFlow, type FlowResult } from './promotion-flow.ts';

/** Candidates read from git and judged at a time: most promotions take the newest snapshot. */
const CANDIDATE_BATCH = 8;

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
  const push = options.push ?? true;
  return runPromotionFlow({
    root: options.root,
    env: options.env,
    kind: 'promote',
    environment: envName,
    dryRun: Boolean(options.dryRun),
    push,
    ...(options.progress ? { progress: options.progress } : {}),
    async plan(dir, releases) {
      const env = findEnvironment(releases.environments, envName);
      if (!env.from) {
        throw new RecipeError(`${env.name} is the first environment: there is nothing to promote it from`, { file: 'releases/environments.yaml', field: `environments.${env.name}.from`, hint: `update it with "recipe set ${env.name} <service>=<commit>"` });
      }
      const target = { name: env.name, from: env.from, gates: env.gates };
      const baseBranch = releases.environments.repository.baseBranch;
      // Gates judge by git (the base branch's history), not by the times written in the files.
      const from = env.from;
      const where = `${push ? `${REMOTE}/` : ''}${baseBranch}`;
      const history = await readGitFacts(dir, { base: 'HEAD', baseBranch, environments: [from], snapshots: [] });
      const judge = async (snapshots: Snapshot[], id?: string) => {
        const { commits } = await readGitFacts(dir, { base: 'HEAD', baseBranch, environments: [], snapshots });
        return chooseSnapshot(target, snapshots, new Date(), id, { ...history, commits });
      };
      // What the base branch records: ids and verifications only (the small files), for the choice
      // below and to tell a snapshot that was never pushed.
      const records = await readSnapshotRecords(dir);
      refuseUntrusted(records.flatMap((entry) => entry.problems));
      const atBase = records.map((entry) => entry.record!);
      const select = async (): Promise<GateEvaluation> => {
        if (options.snapshot !== undefined) {
          // Found by id, in releases/snapshots/ or (pruned) in git history; no other snapshot is read.
          const named = await loadSnapshot(dir, options.snapshot).catch((error: unknown) => {
            if (error instanceof RecipeError && !error.file) {
              const message = error.message.startsWith('no snapshot') ? `no snapshot ${options.snapshot}` : error.message;
              throw new RecipeError(message, { field: '--snapshot', hint: `give the id (at least 7 hex digits) of a snapshot in releases/snapshots/ or its git history; "recipe snapshot ${from}" records one` });
            }
            throw error;
          });
          return judge([named], options.snapshot);
        }
        // The newest snapshots of `from` first; each one's combination is read from git (and checked
        // against its id) only when it is reached, a batch at a time, until one passes its gates.
        const candidates = snapshotsOf(records.map((entry) => ({ ...entry, verifications: entry.record!.verifications })), from);
        let first: GateEvaluation | undefined;
        for (let start = 0; start < candidates.length; start += CANDIDATE_BATCH) {
          const resolved = await resolveEntries(dir, candidates.slice(start, start + CANDIDATE_BATCH));
          refuseUntrusted(resolved.flatMap((entry) => entry.problems));
          const batch = await judge(resolved.map((entry) => entry.snapshot!));
          if (batch.unmet.length === 0) return batch;
          first ??= batch;
        }
        return first ?? chooseSnapshot(target, [], new Date());
      };
      let evaluation: GateEvaluation;
      try {
        evaluation = await select();
      } catch (error) {
        // Promotions build on the base branch: a snapshot recorded here and never pushed is not there.
        const local = error instanceof RecipeError && error.message.startsWith('no snapshot') ? await unpushedSnapshot(options.root, dir, atBase, from, options.snapshot) : undefined;
        if (!local) throw error;
        throw new RecipeError(`${error instanceof RecipeError ? error.message : String(error)} on ${where}: ${describeLocal(local, from, push, options.snapshot !== undefined)}`, { exitCode: 1, cause: error, hint: pushHint(local, from, env.name, push) });
      }
      if (options.snapshot === undefined) {
        const newer = await unpushedSnapshot(options.root, dir, atBase, from);
        if (newer && newer.snapshot.id !== evaluation.snapshot.id) {
          const hint = pushHint(newer, from, env.name, push);
          options.progress?.(`note: ${describeLocal(newer, from, push)}; this promotes ${evaluation.snapshot.id.slice(0, 12)}, the newest on ${where} that passes the gates. ${hint[0]!.toUpperCase()}${hint.slice(1)}`);
        }
      }
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

/** A snapshot of `from` in the checkout that the base branch lacks (or holds an older record of), and the local commit that has it, if committed. */
interface LocalSnapshot {
  snapshot: Pick<Snapshot, 'id' | 'verifications'>;
  /** When it was recorded in `from` (its newest record there). */
  at: string;
  /** The local commit that recorded it; undefined when it is not committed. */
  commit?: string;
}

/**
 * The newest snapshot of `from` recorded in the checkout at `root` but not on the base (checked
 * out at `dir`): what `recipe snapshot` without --push leaves. Cheap when there is none: git
 * names the changed files first, and only then are the checkout's snapshots read.
 */
async function unpushedSnapshot(root: string, dir: string, atBase: ReadonlyArray<Pick<Snapshot, 'id' | 'verifications'>>, from: string, id?: string): Promise<LocalSnapshot | undefined> {
  const base = (await git(dir, ['rev-parse', 'HEAD'])).trim();
  if ((await changedFilesSince(root, base, SNAPSHOTS).catch(() => [])).length === 0) return undefined;
  const known = new Map(atBase.map((snapshot) => [snapshot.id, latestVerification(snapshot, from)?.at]));
  const snapshots = (await readSnapshotRecords(root)).flatMap((entry) => (entry.record ? [entry.record] : []));
  const newest = snapshotsOf(snapshots, from).find((snapshot) => {
    if (id !== undefined && !idMatches(snapshot.id, id)) return false;
    const at = latestVerification(snapshot, from)!.at;
    const there = known.get(snapshot.id);
    return there === undefined || at > there;
  });
  if (!newest) return undefined;
  const dirty = (await runGit(root, ['status', '--porcelain', '--', SNAPSHOTS])).stdout.trim() !== '';
  const commit = dirty ? '' : (await runGit(root, ['log', '-1', '--format=%h', 'HEAD', '--not', base, '--', SNAPSHOTS])).stdout.trim();
  return { snapshot: newest, at: latestVerification(newest, from)!.at, ...(commit ? { commit } : {}) };
}

function describeLocal(local: LocalSnapshot, from: string, push: boolean, named = false): string {
  const where = local.commit ? `committed locally in ${local.commit}` : 'in your checkout, not committed';
  return `${named ? 'snapshot' : `the newest snapshot of ${from},`} ${local.snapshot.id.slice(0, 12)} (recorded ${local.at}${named ? ` in ${from}` : ''}) is ${where} and ${push ? `not pushed to ${REMOTE}` : 'not on the base branch'}`;
}

function pushHint(local: LocalSnapshot, from: string, env: string, push: boolean): string {
  const then = `then run "recipe promote ${env}" again`;
  if (local.commit) return push ? `push it with "git push", ${then}` : `move it onto the base branch, ${then}`;
  return `commit and push it (git add ${SNAPSHOTS} && git commit -m "chore(releases): snapshot ${from}" && git push), ${then}; next time "recipe snapshot ${from} --push" records and pushes in one step`;
}
