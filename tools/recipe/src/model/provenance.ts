// What git says about a snapshot, as opposed to what its file says: when the base branch started
// (and stopped) running it in an environment, and whether each recorded verification agrees with
// the releases history. Pure: the git facts are read by io/git-facts.ts and passed in.
import { parse } from 'yaml';
import { RecipeError } from './errors.ts';
import type { Snapshot, Verification } from './snapshot.ts';
import { locate, parseYamlFile, type PathSegment } from './yaml-file.ts';

/** service -> commit, as a recipe.yaml names them. */
export type Combination = Record<string, string>;

export interface RecipeRevision {
  /** A releases commit on the first-parent line of the base branch that changed the recipe. */
  commit: string;
  /** Its committer time, ms since the epoch. */
  time: number;
  /** What the recipe ran after it; undefined when the file was absent or unreadable there. */
  services?: Combination;
}

export interface ReleasesCommit {
  /** Committer time, ms since the epoch. */
  time: number;
  /** environment -> what its recipe.yaml ran at this commit (undefined: no readable recipe). */
  recipes: Record<string, Combination | undefined>;
}

export interface GitFacts {
  /** The branch the histories were read on, for messages. */
  baseBranch: string;
  /** environment -> first-parent revisions of releases/<env>/recipe.yaml, newest first. */
  histories: Record<string, RecipeRevision[]>;
  /** The releases commits verifications name; a commit absent here does not exist. */
  commits: Record<string, ReleasesCommit>;
}

/** How far a verification's time may precede its releases commit's committer time (clocks differ). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The services of a recipe.yaml text, or undefined when it cannot be read as one. */
export function recipeCombination(text: string): Combination | undefined {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return undefined;
  }
  const services = (data as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null) return undefined;
  const out: Combination = {};
  for (const [name, entry] of Object.entries(services)) {
    const commit = (entry as { commit?: unknown } | null)?.commit;
    if (typeof commit !== 'string') return undefined;
    out[name] = commit;
  }
  return out;
}

/** True when `services` is exactly the snapshot's combination: the same services, the same commits. */
export function runsSnapshot(services: Combination | undefined, snapshot: Pick<Snapshot, 'services'>): boolean {
  if (services === undefined) return false;
  const names = Object.keys(snapshot.services);
  return names.length === Object.keys(services).length && names.every((name) => services[name] === snapshot.services[name]!.commit);
}

export interface Run {
  /** The revision that made the environment run the snapshot, at the start of its latest unbroken run. */
  since: RecipeRevision;
  /** The revision that replaced it; undefined while it still runs. */
  until?: RecipeRevision;
}

/**
 * The latest unbroken run of the snapshot in a recipe's first-parent history (newest first): from
 * the revision where the services first matched, through revisions that kept them (comments,
 * holds), to the one that changed them or to now. Undefined when it never ran there.
 */
export function latestRun(history: readonly RecipeRevision[], snapshot: Pick<Snapshot, 'services'>): Run | undefined {
  const newest = history.findIndex((revision) => runsSnapshot(revision.services, snapshot));
  if (newest === -1) return undefined;
  let oldest = newest;
  while (oldest + 1 < history.length && runsSnapshot(history[oldest + 1]!.services, snapshot)) oldest += 1;
  return { since: history[oldest]!, ...(newest > 0 ? { until: history[newest - 1]! } : {}) };
}

export interface VerificationIssue {
  /** Index in snapshot.verifications; -1 for the snapshot's own createdAt. */
  index: number;
  field: 'at' | 'recipeCommit' | 'createdAt';
  message: string;
  hint: string;
}

const EDITED = 'a snapshot is only ever written by "recipe snapshot": restore the file from git history (git log -p -- <file>), or record the combination again';

/**
 * Every way the snapshot's verifications disagree with git or with each other: createdAt that is
 * not the first verification's time, a verification before the snapshot's creation or before the
 * one before it, a releases commit that does not exist, that is younger than the verification, or
 * at which the environment did not run this combination. A verification with an issue does not count.
 */
export function verificationIssues(snapshot: Snapshot, facts: Pick<GitFacts, 'commits'>): VerificationIssue[] {
  const issues: VerificationIssue[] = [];
  const first = snapshot.verifications[0];
  if (first && first.at !== snapshot.createdAt) {
    issues.push({ index: -1, field: 'createdAt', message: `createdAt ${snapshot.createdAt} is not the time of the first verification (${first.at})`, hint: EDITED });
  }
  const created = Date.parse(snapshot.createdAt);
  snapshot.verifications.forEach((v, index) => {
    const at = Date.parse(v.at);
    if (at < created) issues.push({ index, field: 'at', message: `verified at ${v.at}, before the snapshot was created (${snapshot.createdAt})`, hint: EDITED });
    else if (index > 0 && at < Date.parse(snapshot.verifications[index - 1]!.at)) {
      issues.push({ index, field: 'at', message: `verified at ${v.at}, before the verification listed above it (${snapshot.verifications[index - 1]!.at}): verifications are appended in time order`, hint: EDITED });
    }
    const commit = facts.commits[v.recipeCommit];
    if (commit === undefined) {
      issues.push({ index, field: 'recipeCommit', message: `releases commit ${v.recipeCommit} does not exist in this repository`, hint: `${EDITED}; a shallow clone needs "git fetch --unshallow"` });
      return;
    }
    if (at + CLOCK_SKEW_MS < commit.time) {
      issues.push({ index, field: 'at', message: `verified at ${v.at}, before its releases commit ${v.recipeCommit.slice(0, 7)} was made (${iso(commit.time)})`, hint: EDITED });
    }
    const ran = commit.recipes[v.environment];
    if (!runsSnapshot(ran, snapshot)) {
      issues.push({ index, field: 'recipeCommit', message: `at releases commit ${v.recipeCommit.slice(0, 7)}, ${v.environment} ran ${ran ? describe(ran) : 'no readable recipe'}, not this snapshot's ${describe(commitsOf(snapshot))}`, hint: EDITED });
    }
  });
  return issues;
}

/** The verifications that agree with git, with their indices. */
export function consistentVerifications(snapshot: Snapshot, facts: Pick<GitFacts, 'commits'>): Verification[] {
  const bad = new Set(verificationIssues(snapshot, facts).map((issue) => issue.index));
  return snapshot.verifications.filter((_, index) => !bad.has(index));
}

/** The issues as lint problems (exit 1) at their line in the snapshot file. */
export function issueProblems(file: string, text: string, issues: readonly VerificationIssue[]): RecipeError[] {
  const yaml = parseYamlFile(text, file);
  return issues.map((issue) => {
    const path: PathSegment[] = issue.index === -1 ? [issue.field] : ['verifications', issue.index, issue.field];
    return new RecipeError(issue.message, { file, ...locate(yaml, path), field: issue.index === -1 ? issue.field : `verifications[${issue.index}].${issue.field}`, hint: issue.hint, exitCode: 1 });
  });
}

export function iso(time: number): string {
  return new Date(time).toISOString().replace(/\.000Z$/, 'Z');
}

function commitsOf(snapshot: Pick<Snapshot, 'services'>): Combination {
  return Object.fromEntries(Object.entries(snapshot.services).map(([name, s]) => [name, s.commit]));
}

function describe(services: Combination): string {
  return Object.keys(services)
    .sort()
    .map((name) => `${name}=${services[name]!.slice(0, 7)}`)
    .join(', ') || 'no services';
}
