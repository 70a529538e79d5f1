// The evidence of snapshots on disk: test reports read from where a CI run left them, checked, and
// stored content-addressed beside the snapshots (releases/snapshots/evidence/<sha256>.xml), so the
// report a gate relied on is in git for anyone to open. Parsing is the model's (junit.ts, test-summary.ts).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RecipeError } from '../model/errors.ts';
import { parseJunitReport } from '../model/junit.ts';
import type { EvidenceFile } from '../model/snapshot.ts';
import { parseTestSummary, SUMMARY_FILE, summaryMismatches } from '../model/test-summary.ts';

export const EVIDENCE = 'releases/snapshots/evidence';

/** `releases/snapshots/evidence/<sha256>.xml`, relative to the repository root. */
export function evidencePath(sha256: string): string {
  return `${EVIDENCE}/${sha256}.xml`;
}

const NAMED = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)$/;

export interface GatheredEvidence {
  entries: EvidenceFile[];
  /** Reports to store: repository path -> content. */
  store: Map<string, Buffer>;
  /** The verdict of each check that has a report, for checks not given with --check. */
  statuses: Record<string, 'passed' | 'failed'>;
}

export interface GatherInput {
  /** --evidence values: `<check>=<junit.xml>` (a report, parsed and stored) or `<file>` (recorded by path and hash). */
  args: readonly string[];
  cwd: string;
  root: string;
  environment: string;
  /** The snapshot's services: a report whose summary saw other commits is refused. */
  services: Record<string, { commit: string }>;
}

/**
 * Reads every --evidence argument. A named report is parsed as JUnit XML; a summary.json beside it
 * must name the environment and exactly the snapshot's commits. Any problem throws (exit 2)
 * before anything is written.
 */
export async function gatherEvidence(input: GatherInput): Promise<GatheredEvidence> {
  const entries: EvidenceFile[] = [];
  const store = new Map<string, Buffer>();
  const statuses: Record<string, 'passed' | 'failed'> = {};
  for (const arg of input.args) {
    const named = NAMED.exec(arg);
    const given = named ? named[2]! : arg;
    const content = await readGiven(input.cwd, given);
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (!named) {
      entries.push({ file: displayPath(input.root, path.resolve(input.cwd, given)), sha256 });
      continue;
    }
    const check = named[1]!;
    if (check in statuses) throw new RecipeError(`--evidence ${check} is given twice`, { field: '--evidence', hint: 'give one report per check' });
    const report = parseJunitReport(given, content.toString('utf8'));
    const summaryFile = path.join(path.dirname(path.resolve(input.cwd, given)), SUMMARY_FILE);
    const summaryText = await readFile(summaryFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new RecipeError(`cannot read ${summaryFile}: ${error.code ?? error.message}`, { file: summaryFile, hint: 'make the test summary readable, or remove it' });
    });
    if (summaryText !== undefined) {
      const mismatches = summaryMismatches(parseTestSummary(summaryFile, summaryText), input.environment, input.services);
      if (mismatches.length > 0) {
        throw new RecipeError(`the ${check} run did not test what ${input.environment} runs: ${mismatches.join('; ')}; nothing was written`, {
          file: summaryFile,
          field: 'versions',
          hint: `run the suite again against ${input.environment} once it runs its recipe ("recipe verify ${input.environment} --wait 10m"), then snapshot with that report`,
        });
      }
    }
    const file = evidencePath(sha256);
    store.set(file, content);
    statuses[check] = report.status;
    entries.push({ check, file, sha256, status: report.status, tests: report.tests, failures: report.failures, errors: report.errors, skipped: report.skipped });
  }
  return { entries, store, statuses };
}

/**
 * Writes the reports that are not stored yet (temp file + rename); returns the files it created,
 * so a failed commit can take them back. A stored report is never rewritten: its name is its hash.
 */
export async function storeEvidence(root: string, store: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const created: string[] = [];
  for (const [file, content] of store) {
    const target = path.join(root, file);
    const existing = await readFile(target).catch(() => undefined);
    if (existing !== undefined && existing.equals(content)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.recipe-${process.pid}.tmp`;
    await writeFile(temp, content);
    await rename(temp, target);
    created.push(file);
  }
  return created;
}

export async function removeEvidence(root: string, files: readonly string[]): Promise<void> {
  await Promise.all(files.map((file) => rm(path.join(root, file), { force: true })));
}

/** A stored evidence file's SHA-256, or undefined when it is missing. */
export async function storedDigest(root: string, file: string): Promise<string | undefined> {
  const content = await readFile(path.join(root, file)).catch(() => undefined);
  return content === undefined ? undefined : createHash('sha256').update(content).digest('hex');
}

async function readGiven(cwd: string, given: string): Promise<Buffer> {
  try {
    return await readFile(path.resolve(cwd, given));
  } catch (error) {
    throw new RecipeError(`cannot read evidence file ${given}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: given, field: '--evidence', hint: 'give the path of an existing file, e.g. --evidence e2e=<output folder>/junit.xml' });
  }
}

/** Relative to the repository when inside it, else the file's name. */
function displayPath(root: string, absolute: string): string {
  const relative = path.relative(root, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(absolute) : relative.split(path.sep).join('/');
}
