// The history of an environment from the successive versions of its recipe.yaml.
import { parse } from 'yaml';

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

export interface HistoryEvent {
  service: string;
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
}

interface LooseRecipe {
  snapshot?: unknown;
  services?: Record<string, { commit?: unknown; version?: unknown } | null> | null;
}

function read(text: string | undefined): { snapshot?: string; services: Record<string, { commit?: string; version?: string }> } {
  if (text === undefined) return { services: {} };
  let raw: LooseRecipe | null;
  try {
    raw = parse(text) as LooseRecipe | null;
  } catch {
    return { services: {} };
  }
  const services: Record<string, { commit?: string; version?: string }> = {};
  for (const [name, entry] of Object.entries(raw?.services ?? {})) {
    services[name] = { commit: typeof entry?.commit === 'string' ? entry.commit : undefined, version: entry?.version === undefined ? undefined : String(entry.version) };
  }
  return { snapshot: typeof raw?.snapshot === 'string' ? raw.snapshot : undefined, services };
}

/** One event per service whose commit changed in a revision; `revisions` and the result newest first. */
export function recipeHistory(revisions: readonly HistoryRevision[]): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (let index = 0; index < revisions.length; index++) {
    const revision = revisions[index]!;
    const after = read(revision.text);
    const before = read(revisions[index + 1]?.text);
    const names = [...new Set([...Object.keys(before.services), ...Object.keys(after.services)])].sort();
    for (const service of names) {
      const from = before.services[service];
      const to = after.services[service];
      if (from?.commit === to?.commit && from?.version === to?.version) continue;
      events.push({
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
