// `recipe snapshots migrate` and `recipe snapshots prune`: keep releases/snapshots/ small however
// many services and years of snapshots there are. Migrate rewrites format 1 files (which copy every
// service) in format 2 (which names the releases commit that holds the combination); prune moves
// snapshots out of the working tree under the retention policy of environments.yaml. Both leave
// every id resolvable: format 2 from the commit it names, pruned files from git history.
import { commitPaths, git, headCommit, pushWithRetry } from '../io/git.ts';
import { loadReleases, recipePath, writeFilesAtomically } from '../io/releases.ts';
import { combinationsAt, readSnapshotRecords, refuseUntrusted, SNAPSHOTS, type SnapshotEntry } from '../io/snapshot-store.ts';
import { parseDuration } from '../model/gates.ts';
import { planRetention, type RetentionRecord } from '../model/retention.ts';
import { snapshotId, snapshotRefToYaml } from '../model/snapshot.ts';

export interface SnapshotFilesOptions {
  root: string;
  /** Say what would change; write nothing. */
  dryRun?: boolean;
  commit?: boolean;
  push?: boolean;
  now?: Date;
}

export interface FilesOutcome {
  /** file -> new text, or null when removed. */
  changes: Map<string, string | null>;
  bytesBefore: number;
  bytesAfter: number;
  committed: boolean;
  pushed: boolean;
  landed?: { commit: string; attempts: number };
}

export interface MigrateOutcome extends FilesOutcome {
  migrated: string[];
  /** Format 1 files left as they are, with why. */
  left: Array<{ file: string; why: string }>;
  /** Files already in format 2. */
  current: number;
}

export interface PruneOutcome extends FilesOutcome {
  kept: Array<{ id: string; file: string; reasons: string[] }>;
  pruned: Array<{ id: string; file: string; createdAt: string }>;
}

/** Writes the changes, and commits (and pushes, re-planned on the fresh remote state) when asked. */
async function land<T extends { changes: Map<string, string | null> }>(options: SnapshotFilesOptions, plan: () => Promise<T>, message: (outcome: T) => string): Promise<T & Pick<FilesOutcome, 'committed' | 'pushed' | 'landed'>> {
  const push = Boolean(options.push);
  const commit = push || Boolean(options.commit);
  let outcome = await plan();
  if (options.dryRun || outcome.changes.size === 0) return { ...outcome, committed: false, pushed: false };
  if (!commit) {
    await writeFilesAtomically(options.root, outcome.changes);
    return { ...outcome, committed: false, pushed: false };
  }
  let first = true;
  const apply = async (): Promise<string> => {
    if (!first) outcome = await plan();
    first = false;
    if (outcome.changes.size === 0) return headCommit(options.root);
    await writeFilesAtomically(options.root, outcome.changes);
    return commitPaths(options.root, [...outcome.changes.keys()], message(outcome));
  };
  const landed = push ? await pushWithRetry({ cwd: options.root, apply }) : { commit: await apply(), attempts: 0 };
  return { ...outcome, committed: true, pushed: push, landed };
}

/** The entries of releases/snapshots/, refusing (exit 2) while any file is not what recipe wrote. */
async function trustedEntries(root: string): Promise<SnapshotEntry[]> {
  const entries = await readSnapshotRecords(root);
  refuseUntrusted(entries.flatMap((entry) => entry.problems));
  return entries;
}

/**
 * Rewrites every format 1 snapshot in format 2, naming a releases commit at which its first
 * environment's recipe (with environments.yaml's images) hashes to its id: one of its
 * verifications' releases commits there, else HEAD. A file no commit vouches for is left as it is.
 */
export async function migrateSnapshots(options: SnapshotFilesOptions): Promise<MigrateOutcome> {
  const { root } = options;
  const plan = async () => {
    const entries = await trustedEntries(root);
    const legacy = entries.filter((entry) => entry.record?.recipe === undefined && entry.snapshot !== undefined);
    const head = await headCommit(root);
    const candidates = new Map<string, string[]>();
    for (const entry of legacy) {
      const snapshot = entry.snapshot!;
      const own = snapshot.verifications.filter((v) => v.environment === snapshot.environment).map((v) => v.recipeCommit);
      candidates.set(entry.file, [...new Set([...own.reverse(), head])]);
    }
    const combinations = await combinationsAt(root, legacy.flatMap((entry) => candidates.get(entry.file)!.map((commit) => ({ commit, environment: entry.snapshot!.environment }))));
    const changes = new Map<string, string | null>();
    const migrated: string[] = [];
    const left: MigrateOutcome['left'] = [];
    let bytesBefore = 0;
    let bytesAfter = 0;
    for (const entry of legacy) {
      const snapshot = entry.snapshot!;
      const holder = candidates.get(entry.file)!.find((commit) => {
        const combination = combinations.get(`${commit}:${snapshot.environment}`);
        return combination !== undefined && snapshotId(combination) === snapshot.id;
      });
      if (holder === undefined) {
        left.push({ file: entry.file, why: `no releases commit of its verifications (nor HEAD) has ${recipePath(snapshot.environment)} with this combination` });
        continue;
      }
      const text = snapshotRefToYaml(snapshot, holder);
      changes.set(entry.file, text);
      migrated.push(entry.file);
      bytesBefore += Buffer.byteLength(entry.text);
      bytesAfter += Buffer.byteLength(text);
    }
    return { changes, migrated, left, current: entries.length - legacy.length, bytesBefore, bytesAfter };
  };
  return land(options, plan, (outcome) => `chore(releases): migrate ${outcome.migrated.length} snapshot${outcome.migrated.length === 1 ? '' : 's'} to format 2\n\nEach names the releases commit that holds its combination instead of copying every service.`);
}

/**
 * Moves out of the working tree the snapshots the retention policy (environments.yaml
 * `snapshots:`) does not keep. They stay in git history: "recipe snapshots prune" only deletes
 * committed files, and a lookup by id (promote --snapshot, rollback --to, notify) finds them there.
 */
export async function pruneSnapshots(options: SnapshotFilesOptions): Promise<PruneOutcome> {
  const { root } = options;
  const now = options.now ?? new Date();
  const plan = async () => {
    const releases = await loadReleases(root);
    const { keep, window } = releases.environments.snapshots;
    const windowStart = now.getTime() - parseDuration(window)!;
    const entries = await trustedEntries(root);
    const records: RetentionRecord[] = entries.map((entry) => ({ id: entry.record!.id, file: entry.file, createdAt: entry.record!.createdAt, verifications: entry.record!.verifications }));
    const environments = releases.environments.environments.map((env) => env.name);
    const named = Object.fromEntries(environments.map((env) => [env, releases.recipes.get(env)?.recipe.snapshot]));
    const ranWithin = await combinationsRanSince(root, environments, windowStart);
    const status = await git(root, ['status', '--porcelain', '--untracked-files=all', '--', SNAPSHOTS]);
    const uncommitted = new Set(status.split('\n').filter(Boolean).map((line) => line.slice(3)));
    const retention = planRetention({ records, environments, named, ranWithin, keep, window, windowStart, uncommitted });
    const changes = new Map<string, string | null>(retention.pruned.map((record) => [record.file, null]));
    const bytes = (list: readonly SnapshotEntry[]) => list.reduce((sum, entry) => sum + Buffer.byteLength(entry.text), 0);
    const prunedFiles = new Set(retention.pruned.map((record) => record.file));
    return {
      changes,
      kept: records.filter((record) => retention.kept.has(record.id)).map((record) => ({ id: record.id, file: record.file, reasons: retention.kept.get(record.id)! })),
      pruned: retention.pruned.map(({ id, file, createdAt }) => ({ id, file, createdAt })),
      bytesBefore: bytes(entries),
      bytesAfter: bytes(entries.filter((entry) => !prunedFiles.has(entry.file))),
    };
  };
  return land(options, plan, (outcome) => `chore(releases): prune ${outcome.pruned.length} snapshot${outcome.pruned.length === 1 ? '' : 's'} from the working tree\n\nThey stay in git history, where recipe finds them by id; ${outcome.kept.length} kept under the retention policy of environments.yaml.`);
}

/**
 * environment -> the ids of the combinations it ran since `since` on the first-parent line of
 * HEAD, with the one it ran when that time began: one `git log` per environment and one
 * `git cat-file --batch` for the recipes.
 */
async function combinationsRanSince(root: string, environments: readonly string[], since: number): Promise<Record<string, Set<string>>> {
  const revisions = await Promise.all(
    environments.map(async (environment) => {
      const out = await git(root, ['log', '--first-parent', '--format=%H %ct', 'HEAD', '--', recipePath(environment)]).catch(() => '');
      const all = out.split('\n').filter(Boolean).map((line) => ({ commit: line.slice(0, 40), time: Number(line.slice(41)) * 1000 }));
      const within = all.filter((revision) => revision.time >= since);
      const before = all.find((revision) => revision.time < since);
      return { environment, commits: [...within, ...(before ? [before] : [])].map((revision) => revision.commit) };
    }),
  );
  const combinations = await combinationsAt(root, revisions.flatMap(({ environment, commits }) => commits.map((commit) => ({ commit, environment }))));
  const out: Record<string, Set<string>> = {};
  for (const { environment, commits } of revisions) {
    out[environment] = new Set(commits.flatMap((commit) => {
      const combination = combinations.get(`${commit}:${environment}`);
      return combination && Object.keys(combination).length > 0 ? [snapshotId(combination)] : [];
    }));
  }
  return out;
}
