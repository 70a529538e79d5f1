// Which snapshots stay in releases/snapshots/ and which `recipe snapshots prune` moves out of the
// working tree (they stay in git history, where a lookup by id still finds them). Pure: the git
// facts (what each environment ran within the window) are read by operations/snapshot-files.ts.
import { latestVerification, type Verification } from './snapshot.ts';

export interface RetentionRecord {
  id: string;
  file: string;
  createdAt: string;
  verifications: Verification[];
}

export interface RetentionInput {
  records: readonly RetentionRecord[];
  /** The environments, in promotion order. */
  environments: readonly string[];
  /** Snapshot ids the recipes name now: environment -> id. */
  named: Readonly<Record<string, string | undefined>>;
  /** environment -> ids of the combinations it ran within the window, with the one it ran when the window began. */
  ranWithin: Readonly<Record<string, ReadonlySet<string>>>;
  /** The newest snapshots of each environment to keep. */
  keep: number;
  /** The window, for the reasons: "30d". */
  window: string;
  /** The start of the window, ms since the epoch. */
  windowStart: number;
  /** Files with changes git does not have yet: pruning them would lose them. */
  uncommitted: ReadonlySet<string>;
}

export interface RetentionPlan {
  /** id -> why it stays (at least one reason). */
  kept: Map<string, string[]>;
  /** The records moved out of the working tree, oldest first. */
  pruned: RetentionRecord[];
}

/**
 * What to keep: the snapshot each recipe names, every snapshot an environment ran within the
 * window (so that rollback and the soak gate find theirs), every snapshot recorded or verified
 * within the window, the newest `keep` of each environment, and any file git does not have yet.
 */
export function planRetention(input: RetentionInput): RetentionPlan {
  const kept = new Map<string, string[]>();
  const reason = (id: string, why: string) => {
    const list = kept.get(id) ?? [];
    if (!list.includes(why)) list.push(why);
    kept.set(id, list);
  };
  for (const [environment, id] of Object.entries(input.named)) if (id) reason(id, `${environment}'s recipe names it`);
  for (const [environment, ids] of Object.entries(input.ranWithin)) for (const id of ids) reason(id, `ran in ${environment} within ${input.window}`);
  for (const record of input.records) {
    if (input.uncommitted.has(record.file)) reason(record.id, 'its file has changes that are not committed');
    const last = record.verifications.reduce((newest, v) => (v.at > newest ? v.at : newest), record.createdAt);
    if (Date.parse(last) >= input.windowStart) reason(record.id, `recorded or verified within ${input.window}`);
  }
  for (const environment of input.environments) {
    const newest = input.records
      .map((record) => ({ record, latest: latestVerification(record, environment) }))
      .filter((entry) => entry.latest !== undefined)
      .sort((a, b) => (a.latest!.at < b.latest!.at ? 1 : a.latest!.at > b.latest!.at ? -1 : 0))
      .slice(0, input.keep);
    for (const { record } of newest) reason(record.id, `among the newest ${input.keep} of ${environment}`);
  }
  const pruned = input.records.filter((record) => !kept.has(record.id)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return { kept, pruned };
}
