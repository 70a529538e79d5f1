// git through the `git` command: commit lookups, path history, committing and pushing with retry.
// Every revision a person can name is checked against model/revision.ts and passed after
// `--end-of-options`, so no argument is ever read as a git option (`--output=<file>`).
import { execFile, type ExecFileException } from 'node:child_process';
import path from 'node:path';
import { CommitGraph, type GraphCommit } from '../model/commit-graph.ts';
import { RecipeError } from '../model/errors.ts';
import { checkRevision } from '../model/revision.ts';

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs git in `cwd`; never throws for a non-zero exit (the caller decides what it means). */
export function runGit(cwd: string, args: readonly string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['-C', cwd, ...args], { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (error: ExecFileException | null, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new RecipeError(`could not run git: ${error.message}`, { hint: 'install git and make sure it is on PATH' }));
        return;
      }
      resolve({ stdout, stderr, code: typeof error?.code === 'number' ? error.code : 0 });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs git and returns stdout; a non-zero exit becomes a RecipeError quoting git. */
export async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const result = await runGit(cwd, args, input);
  if (result.code !== 0) {
    throw new RecipeError(`git ${args[0]} failed: ${result.stderr.trim() || result.stdout.trim()}`, { hint: `run "git ${args.join(' ')}" in ${cwd} to see why` });
  }
  return result.stdout;
}

/** The subset of `commits` that are commit objects in the repository. */
export async function existingCommits(cwd: string, commits: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(commits)];
  if (unique.length === 0) return new Set();
  const out = await git(cwd, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${unique.join('\n')}\n`);
  const found = new Set<string>();
  for (const line of out.split('\n')) {
    const [sha, type] = line.split(' ');
    if (type === 'commit' && sha) found.add(sha);
  }
  return found;
}

/**
 * Files under `dir` that differ between `revision` and the working tree (added, copied, modified,
 * renamed or type-changed), plus untracked ones: what a change since a base revision touched.
 */
export async function changedFilesSince(cwd: string, revision: string, dir: string): Promise<string[]> {
  const rev = checkRevision(revision, '--since');
  const verified = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (verified.code !== 0) throw new RecipeError(`--since "${revision}" is not a commit of this repository`, { field: '--since', hint: 'name the base revision, e.g. --since origin/main (fetch it first in CI: git fetch origin main)' });
  const [changed, untracked] = await Promise.all([
    git(cwd, ['diff', '--name-only', '--relative', '-z', '--no-renames', '--diff-filter=ACMRT', verified.stdout.trim(), '--', dir]),
    git(cwd, ['ls-files', '-z', '--others', '--exclude-standard', '--', dir]),
  ]);
  return [...new Set([...changed.split('\0'), ...untracked.split('\0')].filter(Boolean))].sort();
}

export interface CommitInfo {
  commit: string;
  /** Committer time, seconds since the epoch. */
  time: number;
  author: string;
  email: string;
  subject: string;
  body: string;
}

const FIELD = '\x1f';
const RECORD = '\x1e';
const FORMAT = `--format=${RECORD}%H${FIELD}%ct${FIELD}%an${FIELD}%ae${FIELD}%s${FIELD}%b`;

/** The fields of each record of a `git log` run with FORMAT (and any fields appended to it). */
function logRecords(out: string): string[][] {
  return out
    .split(RECORD)
    .slice(1)
    .map((record) => record.split(FIELD));
}

function commitInfo([commit = '', time = '0', author = '', email = '', subject = '', body = '']: string[]): CommitInfo {
  return { commit, time: Number(time), author, email, subject, body: body.trim() };
}

function parseLog(out: string): CommitInfo[] {
  return logRecords(out).map(commitInfo);
}

/** Details of each given commit, keyed by SHA; unknown commits are left out. */
export async function commitInfos(cwd: string, commits: readonly string[]): Promise<Map<string, CommitInfo>> {
  const present = [...(await existingCommits(cwd, commits))];
  if (present.length === 0) return new Map();
  const out = await git(cwd, ['log', '--no-walk=unsorted', FORMAT, '--stdin'], `${present.join('\n')}\n`);
  return new Map(parseLog(out).map((info) => [info.commit, info]));
}

/** Commits reachable from `to` but not `from` that touch `paths`, newest first. */
export async function logBetween(cwd: string, from: string, to: string, paths: readonly string[]): Promise<CommitInfo[]> {
  return parseLog(await git(cwd, ['log', FORMAT, '--end-of-options', `${checkRevision(from, 'from')}..${checkRevision(to, 'to')}`, '--', ...paths]));
}

export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await runGit(cwd, ['merge-base', '--is-ancestor', '--end-of-options', checkRevision(ancestor, 'ancestor'), checkRevision(descendant, 'descendant')]);
  return result.code === 0;
}

export interface FileRevision extends CommitInfo {
  /** Parents of the commit; a merge's second parent brought the change in. */
  parents: string[];
}

/** Commits that changed `file`, newest first, following the first-parent line plus merges. */
export async function fileHistory(cwd: string, file: string): Promise<FileRevision[]> {
  const out = await git(cwd, ['log', `${FORMAT}${FIELD}%P`, '--', file]);
  return logRecords(out).map((fields) => ({ ...commitInfo(fields), parents: (fields[6] ?? '').trim().split(' ').filter(Boolean) }));
}

/** The object type ("tree", "blob"…) of each path at `revision`, undefined where it does not exist: one `git cat-file`. */
export async function pathTypesAt(cwd: string, revision: string, paths: readonly string[]): Promise<(string | undefined)[]> {
  if (paths.length === 0) return [];
  const rev = checkRevision(revision, 'revision');
  const out = await git(cwd, ['cat-file', '--batch-check=%(objecttype)'], `${paths.map((p) => `${rev}:${p.replace(/\/+$/, '')}`).join('\n')}\n`);
  return out.split('\n').slice(0, paths.length).map((line) => (/^(tree|blob|commit)$/.test(line) ? line : undefined));
}

/** A version of a file on the first-parent line of a branch: the commit that wrote it and its text. */
export interface FileVersion extends CommitInfo {
  /** The file's content after the commit; undefined where the commit deleted it. */
  text: string | undefined;
}

/**
 * The versions of `file` on the first-parent line from `tip` (a merge counts as the commit that
 * brought its branch's change in), newest first: one `git log` and one `git cat-file` whatever
 * the length of the history.
 */
export async function firstParentVersions(cwd: string, file: string, tip = 'HEAD', options: { limit?: number } = {}): Promise<FileVersion[]> {
  const limit = options.limit === undefined ? [] : [`--max-count=${options.limit}`];
  const out = await git(cwd, ['log', '--first-parent', ...limit, FORMAT, '--end-of-options', checkRevision(tip, 'tip'), '--', file]);
  const infos = parseLog(out);
  const texts = await blobsAt(cwd, infos.map((info) => `${info.commit}:${file}`));
  return infos.map((info, index) => ({ ...info, text: texts[index] }));
}

/** The content of each `<revision>:<path>` (undefined where it does not exist), through one `git cat-file --batch`. */
export async function blobsAt(cwd: string, objects: readonly string[]): Promise<(string | undefined)[]> {
  return (await objectsAt(cwd, objects)).map((object) => object?.text);
}

/** Each `<revision>:<path>` blob's object id and content (undefined where it does not exist), through one `git cat-file --batch`. */
export async function objectsAt(cwd: string, objects: readonly string[]): Promise<({ oid: string; text: string } | undefined)[]> {
  if (objects.length === 0) return [];
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile('git', ['-C', cwd, 'cat-file', '--batch'], { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout) => (error ? reject(new RecipeError(`git cat-file failed: ${error.message}`)) : resolve(stdout)));
    child.stdin?.end(`${objects.join('\n')}\n`);
  });
  const found: ({ oid: string; text: string } | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < objects.length; i++) {
    const newline = output.indexOf(10, at);
    const header = output.subarray(at, newline).toString('utf8');
    at = newline + 1;
    const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (!match) {
      found.push(undefined); // "<object> missing" (or ambiguous): nothing follows the header
      continue;
    }
    const size = Number(match[3]);
    found.push(match[2] === 'blob' ? { oid: match[1]!, text: output.subarray(at, at + size).toString('utf8') } : undefined);
    at += size + 1;
  }
  return found;
}

/** The file's content at a revision, or undefined when it did not exist there. */
export async function showFile(cwd: string, revision: string, file: string): Promise<string | undefined> {
  const result = await runGit(cwd, ['show', '--end-of-options', `${checkRevision(revision, 'revision')}:${file}`]);
  return result.code === 0 ? result.stdout : undefined;
}

/** The commit a revision names, or undefined when it names none. */
export async function resolveCommit(cwd: string, revision: string, where = 'revision'): Promise<string | undefined> {
  const result = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${checkRevision(revision, where)}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

export async function headCommit(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', 'HEAD'])).trim();
}

export async function currentBranch(cwd: string): Promise<string> {
  const branch = (await git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim();
  if (!branch) throw new RecipeError('HEAD is detached', { hint: 'check out the branch to push, e.g. "git switch main"' });
  return branch;
}

/** Stages exactly `paths` (additions, edits and deletions) and commits only them. */
export async function commitPaths(cwd: string, paths: readonly string[], message: string): Promise<string> {
  await git(cwd, ['add', '-A', '--', ...paths]);
  const staged = await runGit(cwd, ['diff', '--cached', '--quiet', '--', ...paths]);
  if (staged.code === 0) return headCommit(cwd);
  const committed = await runGit(cwd, ['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths]);
  if (committed.code !== 0) {
    await runGit(cwd, ['reset', '--quiet', '--', ...paths]);
    throw new RecipeError(`git commit failed: ${committed.stderr.trim() || committed.stdout.trim()}`, { hint: 'fix the git configuration named above (e.g. user.name and user.email) and run the command again' });
  }
  return headCommit(cwd);
}

export interface PushTarget {
  remote: string;
  branch: string;
}

/** The remote and branch HEAD pushes to: the branch's upstream, else origin/<branch>. */
export async function pushTarget(cwd: string): Promise<PushTarget> {
  const branch = await currentBranch(cwd);
  const remote = (await runGit(cwd, ['config', `branch.${branch}.remote`])).stdout.trim() || 'origin';
  const merge = (await runGit(cwd, ['config', `branch.${branch}.merge`])).stdout.trim().replace(/^refs\/heads\//, '');
  return { remote, branch: merge || branch };
}

export interface PushOutcome {
  /** The commit that landed on the remote. */
  commit: string;
  /** How many pushes it took (1 = no conflict). */
  attempts: number;
}

export interface PushWithRetryOptions {
  cwd: string;
  target?: PushTarget;
  /** Applies the change to the working tree as it stands now and commits it; returns the new HEAD. */
  apply: () => Promise<string>;
  /** Total pushes tried before giving up. */
  attempts?: number;
  /** Base delay between attempts in ms (randomised, doubled each time). */
  backoffMs?: number;
}

function isRejection(stderr: string): boolean {
  return /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info/i.test(stderr);
}

/**
 * The remote's answer to a push it will never accept, whoever pushes first: a protected branch
 * or a hook that declines it (GitHub GH006/GH013, GitLab "not allowed to push", a pre-receive
 * hook), as opposed to a race (non-fast-forward, a stale lease, a ref locked meanwhile) that a
 * retry on the fresh tip fixes. The remote's own words, else undefined.
 */
export function pushRefusal(output: string): string | undefined {
  if (!/\[remote rejected\][^\n]*(hook declined|protected|declined)|GH006|GH013|protected branch|not allowed to (force )?push/i.test(output)) return undefined;
  const lines = output.split('\n').map((line) => line.trim());
  // What the remote said (its hook, the forge's protection) first, then git's own line for the ref.
  const said = [...lines.filter((line) => line.startsWith('remote:')), ...lines.filter((line) => line.startsWith('!'))]
    .map((line) => line.replace(/^remote:\s*/, '').replace(/^!\s*\S+\s+/, '').replace(/^error:\s*/, '').trim())
    .filter(Boolean);
  return [...new Set(said)].join('; ') || output.trim();
}

/** The remote refused a push to `branch` for good (protected, declined by a hook): retrying would not help. */
export class PushRefusedError extends RecipeError {
  readonly remote: string;
  readonly branch: string;
  /** The remote's words. */
  readonly detail: string;
  /** The commit that was refused (committed locally) and the local commit it was made on. */
  readonly commit: string;
  readonly base: string;

  constructor(target: PushTarget, detail: string, commit: string, base: string) {
    super(`${target.remote} refused the push to ${target.branch}: ${detail}`, {
      exitCode: 1,
      hint: `${target.branch} takes no direct pushes (a protected branch): the change is committed locally as ${commit.slice(0, 7)}; push it on another branch and open a pull request (git push ${target.remote} HEAD:<branch>), or ask for the right to push to ${target.branch}`,
    });
    this.name = 'PushRefusedError';
    this.remote = target.remote;
    this.branch = target.branch;
    this.detail = detail;
    this.commit = commit;
    this.base = base;
  }
}

/**
 * Applies a change, commits and pushes it. When the remote has moved meanwhile (someone else
 * pushed), fetches, moves the local branch onto the remote's tip (dropping only our own unpushed
 * commit), applies the change again to the fresh state and retries; never merges, so history stays
 * linear and nobody's change is lost. Bounded by `attempts`.
 */
export async function pushWithRetry(options: PushWithRetryOptions): Promise<PushOutcome> {
  const { cwd, apply } = options;
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 200;
  const target = options.target ?? (await pushTarget(cwd));
  let base = await headCommit(cwd);
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const commit = await apply();
    const pushed = await runGit(cwd, ['push', '--porcelain', '--end-of-options', target.remote, `HEAD:refs/heads/${target.branch}`]);
    if (pushed.code === 0) return { commit, attempts: attempt };
    lastError = (pushed.stderr || pushed.stdout).trim();
    const refusal = pushRefusal(`${pushed.stdout}\n${pushed.stderr}`);
    if (refusal !== undefined) throw new PushRefusedError(target, refusal, commit, base);
    if (!isRejection(`${pushed.stdout}\n${pushed.stderr}`)) {
      throw new RecipeError(`push to ${target.remote} ${target.branch} failed: ${lastError}`, { hint: `the change is committed locally as ${commit.slice(0, 7)}; fix access to the remote and run "git push"` });
    }
    const fetched = await runGit(cwd, ['fetch', '--quiet', '--end-of-options', target.remote, `refs/heads/${target.branch}`]);
    if (fetched.code !== 0) throw new RecipeError(`fetch from ${target.remote} failed: ${fetched.stderr.trim()}`, { hint: `the change is committed locally as ${commit.slice(0, 7)}` });
    const remoteTip = (await git(cwd, ['rev-parse', 'FETCH_HEAD'])).trim();
    if (!(await isAncestor(cwd, base, remoteTip))) {
      throw new RecipeError(`the local branch has commits that are not on ${target.remote}/${target.branch}`, {
        hint: `push or rebase them first ("git pull --rebase"); the change is committed locally as ${commit.slice(0, 7)}`,
      });
    }
    // Our commit is the only local one: drop it and stand on the remote's tip to apply again.
    await git(cwd, ['reset', '--quiet', '--keep', remoteTip]);
    base = remoteTip;
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
  }
  throw new RecipeError(`push to ${target.remote} ${target.branch} was rejected ${attempts} times: ${lastError}`, {
    exitCode: 1,
    hint: 'the remote is changing faster than recipe can follow; run the command again',
  });
}

/** Writes the tree of `paths` at `commit` into `dest` (git archive | tar), for charts at a commit. */
export async function extractAt(cwd: string, commit: string, paths: readonly string[], dest: string): Promise<void> {
  const archive = path.join(dest, `.archive-${checkRevision(commit, 'commit').slice(0, 12)}.tar`);
  // After --end-of-options git archive takes every further argument as a path, so no "--" here.
  await git(cwd, ['archive', '--format=tar', '-o', archive, '--end-of-options', commit, ...paths]);
  await new Promise<void>((resolve, reject) => {
    execFile('tar', ['-xf', archive, '-C', dest], (error, _stdout, stderr) => (error ? reject(new RecipeError(`could not unpack ${paths.join(' ')} at ${commit}: ${stderr || error.message}`)) : resolve()));
  });
}

/**
 * The history reachable from `tips` down to their common ancestor, with the files each commit
 * changed: one `git log` however many services are compared.
 */
export async function loadCommitGraph(cwd: string, tips: readonly string[]): Promise<CommitGraph> {
  const unique = [...new Set(tips)];
  if (unique.length === 0) return new CommitGraph([]);
  const base = unique.length > 1 ? (await runGit(cwd, ['merge-base', '--octopus', '--end-of-options', ...unique.map((tip) => checkRevision(tip, 'commit'))])).stdout.trim() : '';
  const exclude = base ? [`^${base}`] : [];
  const out = await git(cwd, ['log', `--format=${RECORD}%H${FIELD}%P${FIELD}%ct${FIELD}%an${FIELD}%ae${FIELD}%s${FIELD}%b${FIELD}`, '--name-only', '--no-renames', '--stdin'], `${[...unique, ...exclude].join('\n')}\n`);
  const commits: GraphCommit[] = [];
  for (const record of out.split(RECORD).slice(1)) {
    const [commit = '', parents = '', time = '0', author = '', email = '', subject = '', body = '', files = ''] = record.split(FIELD);
    commits.push({ commit, parents: parents.split(' ').filter(Boolean), time: Number(time), author, email, subject, body: body.trim(), files: files.split('\n').filter(Boolean) });
  }
  return new CommitGraph(commits);
}
