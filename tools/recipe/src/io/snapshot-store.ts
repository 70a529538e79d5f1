// releases/snapshots/ on disk: list, find and read snapshot files, and read the combination of a
// format 2 snapshot from git (the releases commit it names), or a pruned snapshot from git history.
// Parsing and validation are the model's (model/snapshot.ts); writing goes through releases.ts's
// atomic writer.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { RecipeError } from '../model/errors.ts';
import { readSnapshot, resolveSnapshot, snapshotFileName, type Snapshot, type SnapshotRecord, type SnapshotService } from '../model/snapshot.ts';
import { objectsAt, runGit } from './git.ts';
import { readReleasesFile, recipePath } from './releases.ts';

export const SNAPSHOTS = 'releases/snapshots';
const ENVIRONMENTS = 'releases/environments.yaml';

/** `releases/snapshots/<first 12 hex>.yaml`, relative to the repository root. */
export function snapshotPath(id: string): string {
  return `${SNAPSHOTS}/${snapshotFileName(id)}`;
}

export interface SnapshotEntry {
  /** Relative to the repository root. */
  file: string;
  text: string;
  /** Set when the file is valid: with its combination (read from git for format 2). */
  snapshot?: Snapshot;
  /** Set when the file parses and its schema holds. */
  record?: SnapshotRecord;
  problems: RecipeError[];
}

/** `<commit>:<environment>` -> that environment's combination at that releases commit. */
export type Combinations = Map<string, Record<string, SnapshotService> | undefined>;

/**
 * The combination of each (releases commit, environment) as git stores it: the services of
 * releases/<env>/recipe.yaml with their versions, and each one's image from
 * releases/environments.yaml, all read through one `git cat-file --batch`. Undefined where the
 * commit, the recipe or a service's image is not there.
 */
export async function combinationsAt(root: string, refs: ReadonlyArray<{ commit: string; environment: string }>): Promise<Combinations> {
  const wanted = [...new Map(refs.map((ref) => [`${ref.commit}:${ref.environment}`, ref])).values()];
  const commits = [...new Set(wanted.map((ref) => ref.commit))];
  const objects = await objectsAt(root, [...wanted.map((ref) => `${ref.commit}:${recipePath(ref.environment)}`), ...commits.map((commit) => `${commit}:${ENVIRONMENTS}`)]);
  // environments.yaml rarely changes: each distinct version is parsed once, however many commits share it.
  const imagesByBlob = new Map<string, Record<string, string> | undefined>();
  const imagesByCommit = new Map<string, Record<string, string> | undefined>();
  commits.forEach((commit, index) => {
    const object = objects[wanted.length + index];
    if (object === undefined) return;
    if (!imagesByBlob.has(object.oid)) imagesByBlob.set(object.oid, imagesOf(object.text));
    imagesByCommit.set(commit, imagesByBlob.get(object.oid));
  });
  const out: Combinations = new Map();
  wanted.forEach((ref, index) => {
    const recipe = objects[index];
    const images = imagesByCommit.get(ref.commit);
    out.set(`${ref.commit}:${ref.environment}`, recipe === undefined || images === undefined ? undefined : combinationOf(recipe.text, images));
  });
  return out;
}

function plainData(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

function imagesOf(text: string): Record<string, string> | undefined {
  const services = (plainData(text) as { services?: unknown } | null | undefined)?.services;
  if (typeof services !== 'object' || services === null) return undefined;
  const images: Record<string, string> = {};
  for (const [name, entry] of Object.entries(services)) {
    const image = (entry as { image?: unknown } | null)?.image;
    if (typeof image === 'string') images[name] = image;
  }
  return images;
}

function combinationOf(text: string, images: Record<string, string>): Record<string, SnapshotService> | undefined {
  const services = (plainData(text) as { services?: unknown } | null | undefined)?.services;
  if (typeof services !== 'object' || services === null) return undefined;
  const out: Record<string, SnapshotService> = {};
  for (const [name, entry] of Object.entries(services)) {
    const { commit, version } = (entry ?? {}) as { commit?: unknown; version?: unknown };
    const image = images[name];
    if (typeof commit !== 'string' || image === undefined) return undefined;
    out[name] = typeof version === 'string' ? { commit, version, image } : { commit, image };
  }
  return out;
}

/** Each entry whose file is format 2 gets its combination from git and is checked against its id. */
export async function resolveEntries(root: string, entries: readonly SnapshotEntry[]): Promise<SnapshotEntry[]> {
  const pending = entries.filter((entry) => entry.record !== undefined && entry.snapshot === undefined);
  if (pending.length === 0) return [...entries];
  const combinations = await combinationsAt(root, pending.map((entry) => ({ commit: entry.record!.recipe!.commit, environment: entry.record!.environment })));
  return entries.map((entry) => {
    if (entry.record === undefined || entry.snapshot !== undefined) return entry;
    const { snapshot, problems } = resolveSnapshot(entry.file, entry.text, entry.record, combinations.get(`${entry.record.recipe!.commit}:${entry.record.environment}`));
    return snapshot ? { ...entry, snapshot } : { ...entry, problems };
  });
}

/** The names of the *.yaml files of releases/snapshots/, sorted: nothing is read. */
export async function snapshotFileNames(root: string): Promise<string[]> {
  try {
    return (await readdir(path.join(root, SNAPSHOTS))).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Every *.yaml file of releases/snapshots/, sorted by name, each parsed and validated. */
export async function readSnapshotEntries(root: string): Promise<SnapshotEntry[]> {
  const names = await snapshotFileNames(root);
  return resolveEntries(root, await Promise.all(names.map((name) => readSnapshotRecord(root, `${SNAPSHOTS}/${name}`))));
}

/**
 * Every snapshot file parsed and schema-checked, without reading any combination from git: what
 * a command that needs only ids, environments and verifications reads.
 */
export async function readSnapshotRecords(root: string): Promise<SnapshotEntry[]> {
  const names = await snapshotFileNames(root);
  return Promise.all(names.map((name) => readSnapshotRecord(root, `${SNAPSHOTS}/${name}`)));
}

/** One snapshot file, parsed and validated (a format 1 file's content against its id and name; format 2 is resolved after). */
export async function readSnapshotRecord(root: string, file: string): Promise<SnapshotEntry> {
  let text: string;
  try {
    text = await readReleasesFile(root, file);
  } catch (error) {
    if (error instanceof RecipeError) return { file, text: '', problems: [error] };
    throw error;
  }
  return entryOf(file, text);
}

function entryOf(file: string, text: string): SnapshotEntry {
  const { snapshot, record, problems } = readSnapshot(file, text);
  if (problems.length > 0 || record === undefined) return { file, text, problems };
  return snapshot ? { file, text, snapshot, record, problems } : { file, text, record, problems };
}

/** The valid snapshots, and every problem of the invalid ones (lint reports them; others may skip them). */
export async function listSnapshots(root: string): Promise<{ snapshots: Snapshot[]; problems: RecipeError[] }> {
  const entries = await readSnapshotEntries(root);
  return {
    snapshots: entries.flatMap((entry) => (entry.snapshot ? [entry.snapshot] : [])),
    problems: entries.flatMap((entry) => entry.problems),
  };
}

/** Refuses (exit 2) to decide while a snapshot file is not what "recipe snapshot" wrote. */
export function refuseUntrusted(problems: readonly RecipeError[]): void {
  if (problems.length === 0) return;
  const files = [...new Set(problems.map((problem) => problem.file))];
  throw new RecipeError(`refusing to choose among snapshots while ${files.join(', ')} ${files.length === 1 ? 'is' : 'are'} not what "recipe snapshot" wrote:\n${problems.map((problem) => `  ${problem.format().split('\n')[0]}`).join('\n')}`, {
    file: files[0],
    exitCode: 2,
    hint: 'a snapshot never changes once written: restore it from git history (git log -p -- <file>), or delete it and record the combination again with "recipe snapshot"; "recipe lint" lists every problem',
  });
}

/**
 * The snapshots, for a decision such as a promotion: refuses (exit 2) when any file is invalid,
 * above all one whose content does not hash to its id, instead of quietly leaving it out.
 */
export async function listTrustedSnapshots(root: string): Promise<Snapshot[]> {
  const { snapshots, problems } = await listSnapshots(root);
  refuseUntrusted(problems);
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

/**
 * The snapshot whose id starts with `idOrPrefix` (at least 7 hex digits), from releases/snapshots/
 * or, when it was pruned from there, from git history; an error when none or several.
 */
export async function loadSnapshot(root: string, idOrPrefix: string): Promise<Snapshot> {
  const prefix = idOrPrefix.toLowerCase().replace(/\.ya?ml$/, '');
  if (!/^[0-9a-f]{7,64}$/.test(prefix)) {
    throw new RecipeError(`"${idOrPrefix}" is not a snapshot id`, { hint: 'give at least 7 hex digits of the id, e.g. the file name in releases/snapshots/' });
  }
  // The file name is the id's first 12 hex digits: read only the files that can match, never the others.
  const names = (await snapshotFileNames(root)).filter((name) => name.startsWith(prefix.slice(0, 12)));
  let matches = await Promise.all(names.map((name) => readSnapshotRecord(root, `${SNAPSHOTS}/${name}`)));
  // Not in the working tree: a snapshot moved out by "recipe snapshots prune" is still in git history.
  if (matches.length === 0) matches = await archivedSnapshotEntries(root, prefix);
  const found = matches.filter((entry) => entry.record === undefined || entry.record.id.startsWith(prefix));
  if (found.length === 0) {
    throw new RecipeError(`no snapshot ${idOrPrefix} in ${SNAPSHOTS}/ or its git history`, { hint: 'list them with "ls releases/snapshots", or record one with "recipe snapshot <env>"' });
  }
  if (found.length > 1) throw new RecipeError(`"${idOrPrefix}" matches ${found.length} snapshots`, { hint: 'give more digits of the id' });
  const [entry] = await resolveEntries(root, found.slice(0, 1));
  if (!entry!.snapshot) throw entry!.problems[0]!;
  return entry!.snapshot;
}

/**
 * Snapshot files whose name starts with `prefix` that were removed from the working tree (pruned),
 * each as it was just before the newest commit that removed it: one `git log`, one `git cat-file`.
 */
export async function archivedSnapshotEntries(root: string, prefix: string): Promise<SnapshotEntry[]> {
  const stem = prefix.slice(0, 12);
  const log = await runGit(root, ['log', '--diff-filter=D', '--format=%x01%H', '--name-only', 'HEAD', '--', `:(glob)${SNAPSHOTS}/${stem}*.yaml`]);
  if (log.code !== 0) return [];
  const removed = new Map<string, string>(); // file -> the newest commit that removed it
  for (const block of log.stdout.split('\x01').filter(Boolean)) {
    const [commit = '', ...files] = block.split('\n').filter(Boolean);
    for (const file of files) if (!removed.has(file)) removed.set(file, commit);
  }
  const files = [...removed.keys()].sort();
  const texts = await objectsAt(root, files.map((file) => `${removed.get(file)!}^:${file}`));
  return files.flatMap((file, index) => {
    const object = texts[index];
    return object ? [entryOf(file, object.text)] : [];
  });
}
