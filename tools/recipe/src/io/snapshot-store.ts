// releases/snapshots/ on disk: list, find and read snapshot files. Parsing and validation are the
// model's (model/snapshot.ts); writing goes through releases.ts's atomic writer.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { RecipeError } from '../model/errors.ts';
import { readSnapshot, snapshotFileName, type Snapshot } from '../model/snapshot.ts';
import { readReleasesFile } from './releases.ts';

export const SNAPSHOTS = 'releases/snapshots';

/** `releases/snapshots/<first 12 hex>.yaml`, relative to the repository root. */
export function snapshotPath(id: string): string {
  return `${SNAPSHOTS}/${snapshotFileName(id)}`;
}

export interface SnapshotEntry {
  /** Relative to the repository root. */
  file: string;
  text: string;
  /** Set when the file is valid. */
  snapshot?: Snapshot;
  problems: RecipeError[];
}

/** Every *.yaml file of releases/snapshots/, sorted by name, each parsed and validated. */
export async function readSnapshotEntries(root: string): Promise<SnapshotEntry[]> {
  let names: string[];
  try {
    names = await readdir(path.join(root, SNAPSHOTS));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((name) => /\.ya?ml$/.test(name)).sort();
  return Promise.all(files.map((name) => readSnapshotEntry(root, `${SNAPSHOTS}/${name}`)));
}

/** One snapshot file, parsed and validated (its content against its id and name). */
async function readSnapshotEntry(root: string, file: string): Promise<SnapshotEntry> {
  let text: string;
  try {
    text = await readReleasesFile(root, file);
  } catch (error) {
    if (error instanceof RecipeError) return { file, text: '', problems: [error] };
    throw error;
  }
  const { snapshot, problems } = readSnapshot(file, text);
  return problems.length === 0 && snapshot ? { file, text, snapshot, problems } : { file, text, problems };
}

/** The valid snapshots, and every problem of the invalid ones (lint reports them; others may skip them). */
export async function listSnapshots(root: string): Promise<{ snapshots: Snapshot[]; problems: RecipeError[] }> {
  const entries = await readSnapshotEntries(root);
  return {
    snapshots: entries.flatMap((entry) => (entry.snapshot ? [entry.snapshot] : [])),
    problems: entries.flatMap((entry) => entry.problems),
  };
}

/**
 * The snapshots, for a decision such as a promotion: refuses (exit 2) when any file is invalid,
 * above all one whose content does not hash to its id, instead of quietly leaving it out.
 */
export async function listTrustedSnapshots(root: string): Promise<Snapshot[]> {
  const { snapshots, problems } = await listSnapshots(root);
  if (problems.length > 0) {
    const files = [...new Set(problems.map((problem) => problem.file))];
    throw new RecipeError(`refusing to choose among snapshots while ${files.join(', ')} ${files.length === 1 ? 'is' : 'are'} not what "recipe snapshot" wrote:\n${problems.map((problem) => `  ${problem.format().split('\n')[0]}`).join('\n')}`, {
      file: files[0],
      exitCode: 2,
      hint: 'a snapshot never changes once written: restore it from git history (git log -p -- <file>), or delete it and record the combination again with "recipe snapshot"; "recipe lint" lists every problem',
    });
  }
  return snapshots;
}

/** The snapshot file's text for an id, or undefined when it does not exist yet. */
export async function readSnapshotText(root: string, id: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(root, snapshotPath(id)), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The snapshot whose id starts with `idOrPrefix` (at least 7 hex digits); an error when none or several. */
export async function loadSnapshot(root: string, idOrPrefix: string): Promise<Snapshot> {
  const prefix = idOrPrefix.toLowerCase().replace(/\.ya?ml$/, '');
  if (!/^[0-9a-f]{7,64}$/.test(prefix)) {
    throw new RecipeError(`"${idOrPrefix}" is not a snapshot id`, { hint: 'give at least 7 hex digits of the id, e.g. the file name in releases/snapshots/' });
  }
  // The file name is the id's first 12 hex digits: read only the files that can match, never the others.
  let names: string[];
  try {
    names = await readdir(path.join(root, SNAPSHOTS));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    names = [];
  }
  const matches = await Promise.all(
    names
      .filter((name) => /\.ya?ml$/.test(name) && name.startsWith(prefix.slice(0, 12)))
      .sort()
      .map(async (name) => readSnapshotEntry(root, `${SNAPSHOTS}/${name}`)),
  );
  const found = matches.filter((entry) => entry.snapshot === undefined || entry.snapshot.id.startsWith(prefix));
  if (found.length === 0) {
    throw new RecipeError(`no snapshot ${idOrPrefix} in ${SNAPSHOTS}/`, { hint: 'list them with "ls releases/snapshots", or record one with "recipe snapshot <env>"' });
  }
  if (found.length > 1) throw new RecipeError(`"${idOrPrefix}" matches ${found.length} snapshots`, { hint: 'give more digits of the id' });
  const entry = found[0]!;
  if (!entry.snapshot) throw entry.problems[0]!;
  return entry.snapshot;
}
