// The history of an environment from the successive versions of its recipe.yaml.
import { parseYamlFile } from './yaml-file.ts';

export interface HistoryRevision {
  commit: string;
  time: number;
  author: string;
  email: string;
  subject: string;
  /** The recipe's text at that commit; undefined when the file was deleted there. */
  text: string | undefined;
  pullRequest?: string;
}

/** What kind of change a revision was, from its commit subject (promote/rollback titles, chore(releases) messages) and what changed. */
export type HistoryKind = 'promotion' | 'rollback' | 'set' | 'hold' | 'unhold' | 'override' | 'change';

export interface HistoryEvent {
  kind: HistoryKind;
  /** The service whose commit changed; undefined for an environment-wide event (hold, unhold, override). */
  service?: string;
  from?: string;
  to?: string;
  fromVersion?: string;
  toVersion?: string;
  commit: string;
  time: number;
  author: string;
  email: string;
  subject: string;
  pullRequest?: string;
  snapshot?: string;
  /** The hold's reason (hold events) or the override's text (override events, and promotions that override). */
  note?: string;
}

interface LooseRecipe {
  snapshot?: unknown;
  override?: unknown;
  hold?: { reason?: unknown } | null;
  services?: Record<string, { commit?: unknown; version?: unknown } | null> | null;
}

interface RecipeState {
  snapshot?: string;
  override?: string;
  hold?: string;
  services: Record<string, { commit?: string; version?: string }>;
}

function read(text: string | undefined): RecipeState {
  if (text === undefined) return { services: {} };
  let raw: LooseRecipe | null;
  try {
    // Through the releases parser and its limits: an old revision of the file may be hostile too.
    raw = parseYamlFile(text, 'recipe.yaml').data as LooseRecipe | null;
  } catch {
    return { services: {} };
  }
  const services: Record<string, { commit?: string; version?: string }> = {};
  for (const [name, entry] of Object.entries(raw?.services ?? {})) {
    services[name] = { commit: typeof entry?.commit === 'string' ? entry.commit : undefined, version: entry?.version === undefined ? undefined : String(entry.version) };
  }
  const hold = raw?.hold && typeof raw.hold === 'object' ? String(raw.hold.reason ?? 'on hold') : undefined;
  return {
    snapshot: typeof raw?.snapshot === 'string' ? raw.snapshot : undefined,
    override: typeof raw?.override === 'string' ? raw.override : undefined,
    hold,
    services,
  };
}

/** The kind of a service change, from the subject recipe writes (or the forge's squash of it). */
export function changeKind(subject: string): HistoryKind {
  if (/^rollback\([^)]*\):/.test(subject) || /^Revert "/.test(subject)) return 'rollback';
  if (/^promote\([^)]*\):/.test(subject)) return 'promotion';
  if (/^chore\(releases\): set /.test(subject)) return 'set';
  return 'change';
}

/**
 * One event per service whose commit changed in a revision, and one per hold placed or lifted and
 * override written; `revisions` and the result newest first.
 */
export function recipeHistory(revisions: readonly HistoryRevision[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (let index = 0; index < revisions.length; index++) {
    const revision = revisions[index]!;
    const after = read(revision.text);
    const before = read(revisions[index + 1]?.text);
    const base = { commit: revision.commit, time: revision.time, author: revision.author, email: revision.email, subject: revision.subject, pullRequest: revision.pullRequest };
    if (after.hold !== before.hold) {
      events.push(after.hold === undefined ? { kind: 'unhold', ...base, note: before.hold } : { kind: 'hold', ...base, note: after.hold });
    }
    if (after.override !== undefined && after.override !== before.override) events.push({ kind: 'override', ...base, note: after.override, snapshot: after.snapshot });
    const kind = changeKind(revision.subject);
    const names = [...new Set([...Object.keys(before.services), ...Object.keys(after.services)])].sort();
    for (const service of names) {
      const from = before.services[service];
      const to = after.services[service];
      if (from?.commit === to?.commit && from?.version === to?.version) continue;
      events.push({
        kind,
        service,
        from: from?.commit,
        to: to?.commit,
        fromVersion: from?.version,
        toVersion: to?.version,
        commit: revision.commit,
        time: revision.time,
        author: revision.author,
        email: revision.email,
        subject: revision.subject,
        pullRequest: revision.pullRequest,
        snapshot: after.snapshot,
      });
    }
  }
  return events;
}
