// What promote and rollback share: build the change in a temporary worktree at
// the remote's base branch (the checkout is never touched; only releases/ is checked out there), commit it on recipe/<kind>-<env>,
// push it with a lease, open or update the pull request, and start over on a fresh base when
// another run got there first (bounded, never merging).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commitPaths, git, runGit } from '../io/git.ts';
import { findHelm } from '../io/helm.ts';
import { renderCacheDir } from '../io/render-cache.ts';
import { forgeToken, forgeTraits, openForge, resolveForgeConfig, type PullRequestResult } from '../io/forges.ts';
import { fluxDir, loadReleases, recipePath, RELEASES, writeFilesAtomically, type Releases } from '../io/releases.ts';
import { serviceDeltas, type ConventionalCommit } from '../model/changelog.ts';
import { RecipeError } from '../model/errors.ts';
import type { GateEvaluation } from '../model/gates.ts';
import { promotionBranch, shortCommit, type PromotionPlan } from '../model/promotion.ts';
import { editRecipeText } from '../model/promotion-recipe.ts';
import { renderPullRequest, type ChangelogEntry, type PullRequestContent, type ServiceHistory } from '../model/pull-request.ts';
import { validateRecipe, type Hold } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { changelogs, manifestDiffs } from './diff.ts';
import { planEnvironmentRender } from './render.ts';

export const REMOTE = 'origin';
const ATTEMPTS = 5;

/** What a command planned from the releases at the base. */
export type Planned =
  | { nothing: string }
  | { plan: PromotionPlan; evaluation?: GateEvaluation; hold?: Hold };

export interface FlowOptions {
  root: string;
  /** The process environment: forge tokens, HELM. */
  env: NodeJS.ProcessEnv;
  kind: PromotionPlan['kind'];
  environment: string;
  dryRun: boolean;
  push: boolean;
  /** Plans from the releases at `dir` (the worktree at the base branch). */
  plan: (dir: string, releases: Releases) => Promise<Planned>;
  backoffMs?: number;
  /** Progress for people (stderr): forge requests being retried. */
  progress?: (line: string) => void;
  /** Base of the forge's retry backoff (tests make it small). */
  forgeRetryBaseMs?: number;
}

export interface FlowResult {
  plan?: PromotionPlan;
  branch: string;
  commit?: string;
  pullRequest?: PullRequestResult;
  forge?: 'github' | 'gitlab';
  content?: PullRequestContent;
  attempts: number;
  nothing?: string;
  /** A dry run that could not fetch the remote's base branch planned against the local one: why. */
  baseNote?: string;
  /** True when the branch already held exactly this change: nothing was pushed (no new CI run, approvals kept). */
  unchanged?: boolean;
}

/** Plans at the base branch, then writes, commits, pushes and opens the pull request as `options` say. */
export async function runPromotionFlow(options: FlowOptions): Promise<FlowResult> {
  const { env, kind, environment } = options;
  const { change, ...result } = await runBranchFlow({
    ...options,
    branch: promotionBranch(kind, environment),
    async build({ dir, releases, base, titleLimit }) {
      const planned = await options.plan(dir, releases);
      if ('nothing' in planned) return planned;
      const repository = releases.environments.repository;
      await applyPlan(dir, releases, planned);
      const paths = [recipePath(environment), fluxDir(environment)];
      await git(dir, ['add', '-A', '--', ...paths]);
      const diff = await git(dir, ['diff', '--cached', '--no-color', base, '--', ...paths]);
      const content = renderPullRequest({
        plan: planned.plan,
        repository: { webUrl: repository.webUrl, forge: repository.forge?.type ?? 'github', baseBranch: repository.baseBranch },
        ...(await serviceHistory(dir, releases, planned.plan)),
        ...(planned.evaluation ? { evaluation: planned.evaluation } : {}),
        manifestDiff: await renderedDiff(dir, releases, planned.plan, env, diff),
        gates: releases.environments.environments.find((e) => e.name === environment)?.gates ?? {},
        ...(titleLimit === undefined ? {} : { titleLimit }),
      });
      return { plan: planned.plan, paths, content, message: commitMessage(content, planned.plan) };
    },
  });
  return { ...(change ? { plan: change.plan, content: change.content } : {}), ...result };
}

/** A change written in the worktree at the base: what to commit, with which message, and the pull request that carries it. */
export interface BranchChange {
  /** Relative to the repository root; only these are committed. */
  paths: string[];
  message: string;
  content: PullRequestContent;
}

export interface BuildContext {
  /** The temporary worktree, releases/ checked out at `base`. */
  dir: string;
  releases: Releases;
  base: string;
  /** The remote branch's commit (fetched, so its files can be read), or '' when it does not exist. */
  existing: string;
  /** The configured forge's longest title. */
  titleLimit?: number;
}

export interface BranchFlowOptions<C extends BranchChange> {
  root: string;
  /** The process environment: forge tokens, HELM, GitLab CI's variables. */
  env: NodeJS.ProcessEnv;
  /** recipe/<kind>-<env>: the branch the change is pushed to and the pull request is opened from. */
  branch: string;
  dryRun: boolean;
  push: boolean;
  /** Writes the change into the worktree at the base, or says why there is nothing to do. */
  build: (context: BuildContext) => Promise<{ nothing: string } | C>;
  backoffMs?: number;
  /** Progress for people (stderr): forge requests being retried. */
  progress?: (line: string) => void;
  /** Base of the forge's retry backoff (tests make it small). */
  forgeRetryBaseMs?: number;
  /** What else to do when the forge's token is not set (default: --no-push). */
  withoutToken?: string;
}

export type BranchFlowResult<C extends BranchChange> = Omit<FlowResult, 'plan' | 'content'> & { change?: C };

/**
 * The mechanics promote, rollback and holds by pull request share: build the change in a
 * temporary worktree at the remote's base branch, commit it on `branch`, push it with a lease,
 * open or update the pull request, and start over on a fresh base when another run got there first.
 */
export async function runBranchFlow<C extends BranchChange>(options: BranchFlowOptions<C>): Promise<BranchFlowResult<C>> {
  const { root, env, branch, dryRun, push } = options;
  const releases = await loadReleases(root);
  const repository = releases.environments.repository;
  const usePush = push && !dryRun;
  const hasRemote = (await runGit(root, ['remote', 'get-url', REMOTE])).code === 0;
  if (usePush && !hasRemote) throw new RecipeError(`the repository has no remote "${REMOTE}" to push ${branch} to`, { hint: `add it (git remote add ${REMOTE} <url>), or pass --no-push to commit locally` });
  // A dry run plans against what a real run would build on: the remote's base when there is one.
  const fetchBase = push && hasRemote;
  const titleLimit = repository.forge ? forgeTraits(repository.forge).titleLimit : undefined;

  const worktree = await mkdtemp(path.join(tmpdir(), 'recipe-worktree-'));
  let created = false;
  let baseNote: string | undefined;
  try {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const base = await baseCommit(root, repository.baseBranch, fetchBase).catch((error: unknown) => {
        // A preview needs no network: without the remote it plans against the local base branch, and says so.
        if (!dryRun || !(error instanceof RecipeError)) throw error;
        baseNote = `${error.message.split('\n')[0]}; planned against the local ${repository.baseBranch} instead`;
        return baseCommit(root, repository.baseBranch, false);
      });
      const lease = usePush ? await remoteBranch(root, branch) : '';
      if (lease) await runGit(root, ['fetch', '--quiet', REMOTE, lease]);
      if (!created) {
        await git(root, ['worktree', 'add', '--quiet', '--no-checkout', '--detach', worktree, base]);
        created = true;
      }
      // Only releases/ is written out: everything else is read from git objects, so a large
      // monorepo costs no full checkout. The index holds the whole base tree for the commit.
      await git(worktree, ['reset', '--quiet', '--mixed', base]);
      await rm(path.join(worktree, RELEASES), { recursive: true, force: true });
      await git(worktree, ['checkout', '--quiet', base, '--', RELEASES]);
      const releasesAtBase = await loadReleases(worktree);
      const change = await options.build({ dir: worktree, releases: releasesAtBase, base, existing: lease, ...(titleLimit === undefined ? {} : { titleLimit }) });
      if ('nothing' in change) return { branch, attempts: attempt, nothing: change.nothing };
      if (dryRun) return { change, branch, attempts: attempt, ...(baseNote ? { baseNote } : {}) };

      // Ask for the token, and prove it with one cheap call, before anything is pushed (after the gates, which need none).
      const forgeConfig = usePush && repository.forge ? resolveForgeConfig(repository.forge, env) : undefined;
      const token = forgeConfig ? forgeToken(forgeConfig, env, ...(options.withoutToken ? [options.withoutToken] : [])) : undefined;
      const retryBaseMs = options.forgeRetryBaseMs ?? (Number(env.RECIPE_FORGE_RETRY_BASE_MS) || undefined);
      const forge = forgeConfig && token ? await openForge(forgeConfig, token, { ...(options.progress ? { onRetry: options.progress } : {}), ...(retryBaseMs === undefined ? {} : { retryBaseMs }) }) : undefined;
      if (forge && attempt === 1) await forge.checkAccess();
      let commit = await commitPaths(worktree, change.paths, change.message);
      if (!push) {
        const checkedOut = await runGit(root, ['branch', '--force', branch, commit]);
        if (checkedOut.code !== 0) throw new RecipeError(`cannot move the local branch ${branch}: ${checkedOut.stderr.trim()}`, { hint: `switch away from ${branch} and run the command again` });
        return { change, branch, commit, attempts: attempt };
      }

      // A rerun with nothing new: the branch already holds this exact tree on this base. Pushing
      // an identical tree as a new commit would re-run CI and dismiss the approvals.
      const unchanged = lease !== '' && (await sameChange(root, lease, commit, base));
      if (unchanged) commit = lease;
      const pushed = unchanged ? { code: 0, stdout: '', stderr: '' } : await runGit(worktree, ['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${lease}`, REMOTE, `${commit}:refs/heads/${branch}`]);
      if (pushed.code !== 0) {
        const output = `${pushed.stdout}\n${pushed.stderr}`;
        if (!/\[rejected\]|\[remote rejected\]|stale info|non-fast-forward|fetch first|cannot lock ref/i.test(output)) {
          throw new RecipeError(`push of ${branch} to ${REMOTE} failed: ${pushed.stderr.trim() || pushed.stdout.trim()}`, { hint: 'fix access to the remote and run the command again' });
        }
        await backoff(options.backoffMs ?? 150, attempt);
        continue;
      }
      let pullRequest: PullRequestResult | undefined;
      if (forge) {
        try {
          pullRequest = await forge.upsertPullRequest({ head: branch, base: repository.baseBranch, title: change.content.title, body: change.content.body, labels: change.content.labels });
        } catch (error) {
          throw pushedButNoPullRequest(error, branch, commit, repository);
        }
      }
      // Another run pushed after us: its pull request text may have been overwritten by ours.
      if ((await remoteBranch(root, branch)) !== commit) {
        await backoff(options.backoffMs ?? 150, attempt);
        continue;
      }
      return { change, branch, commit, attempts: attempt, ...(unchanged ? { unchanged } : {}), ...(pullRequest ? { pullRequest, forge: repository.forge!.type } : {}) };
    }
    throw new RecipeError(`${branch} kept moving on ${REMOTE}: gave up after ${ATTEMPTS} attempts`, { exitCode: 1, hint: `another run for the same branch is running; run the command again when it is done` });
  } finally {
    if (created) await runGit(root, ['worktree', 'remove', '--force', worktree]);
    await rm(worktree, { recursive: true, force: true });
    await runGit(root, ['worktree', 'prune']);
  }
}

/** The commit to build on: the remote's base branch (fetched) when pushing, else the local one. */
async function baseCommit(root: string, baseBranch: string, fetch: boolean): Promise<string> {
  if (fetch) {
    const fetched = await runGit(root, ['fetch', '--quiet', REMOTE, `refs/heads/${baseBranch}`]);
    if (fetched.code !== 0) throw new RecipeError(`fetching ${baseBranch} from ${REMOTE} failed: ${fetched.stderr.trim()}`, { hint: 'check the remote and the network, or pass --no-push to work from the local branch' });
    return (await git(root, ['rev-parse', 'FETCH_HEAD'])).trim();
  }
  const local = await runGit(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${baseBranch}^{commit}`]);
  return local.code === 0 ? local.stdout.trim() : (await git(root, ['rev-parse', 'HEAD'])).trim();
}

/** True when `existing` (the remote branch) sits on `base` and holds the same tree as `commit`. */
async function sameChange(root: string, existing: string, commit: string, base: string): Promise<boolean> {
  const [a, b, parent] = await Promise.all([
    runGit(root, ['rev-parse', '--verify', '--quiet', `${existing}^{tree}`]),
    runGit(root, ['rev-parse', '--verify', '--quiet', `${commit}^{tree}`]),
    runGit(root, ['rev-parse', '--verify', '--quiet', `${existing}^`]),
  ]);
  return a.code === 0 && b.code === 0 && a.stdout.trim() === b.stdout.trim() && parent.stdout.trim() === base;
}

/** The remote branch's commit, or '' when it does not exist (a lease that expects absence). */
async function remoteBranch(root: string, branch: string): Promise<string> {
  const out = await git(root, ['ls-remote', REMOTE, `refs/heads/${branch}`]);
  return out.split(/\s/)[0] ?? '';
}

async function applyPlan(dir: string, releases: Releases, planned: Exclude<Planned, { nothing: string }>): Promise<void> {
  const { plan } = planned;
  const file = recipePath(plan.environment);
  const current = releases.recipes.get(plan.environment);
  if (!current) throw new RecipeError(`environment "${plan.environment}" has no recipe`, { file, hint: 'create it: see docs/formats.md' });
  const text = editRecipeText(file, current.yaml.text, { plan, ...(planned.hold ? { hold: planned.hold } : {}) });
  const after = validateRecipe(parseYamlFile(text, file), plan.environment, releases.environments);
  if (!after.value) throw after.problems[0]!;
  const render = await planEnvironmentRender(releases, plan.environment, after.value);
  await writeFilesAtomically(dir, new Map([[file, text], ...render.changes]));
}

/** Per changed service: how many commits lie between (over its project and chart), which way, and their Conventional Commits. */
async function serviceHistory(dir: string, releases: Releases, plan: PromotionPlan): Promise<{ history: Record<string, ServiceHistory>; changelog: ChangelogEntry[] }> {
  const current = Object.fromEntries(plan.changes.flatMap((c) => (c.current ? [[c.service, c.current] as const] : [])));
  const next = Object.fromEntries(plan.changes.map((c) => [c.service, c.next] as const));
  const history: Record<string, ServiceHistory> = {};
  const changelog: ChangelogEntry[] = [];
  for (const diff of await changelogs(dir, releases.environments, serviceDeltas(current, next))) {
    if (diff.direction === 'added' || diff.direction === 'removed' || diff.direction === 'unknown') continue;
    history[diff.service] = { commits: diff.commits.length, direction: diff.direction === 'diverged' ? 'unrelated' : diff.direction };
    const entry = (commit: ConventionalCommit, leaves: boolean): ChangelogEntry => ({
      service: diff.service,
      sha: commit.commit,
      ...(commit.type === 'other' ? {} : { type: commit.type }),
      ...(commit.scope ? { scope: commit.scope } : {}),
      description: commit.description,
      breaking: commit.breaking,
      ...(commit.breakingNote ? { breakingNote: commit.breakingNote } : {}),
      ...(leaves ? { leaves } : {}),
    });
    changelog.push(...diff.arriving.map((c) => entry(c, false)), ...diff.leaving.map((c) => entry(c, true)));
  }
  return { history, changelog };
}

/**
 * The rendered Kubernetes manifests before and after (helm template of each chart at its commit,
 * Secret data masked); the diff of the releases files when helm cannot run here.
 */
async function renderedDiff(dir: string, releases: Releases, plan: PromotionPlan, env: NodeJS.ProcessEnv, releasesDiff: string): Promise<string> {
  const before = releases.recipes.get(plan.environment)!.recipe;
  const file = recipePath(plan.environment);
  const after = validateRecipe(parseYamlFile(await readFile(path.join(dir, file), 'utf8'), file), plan.environment, releases.environments).value!;
  try {
    const diffs = await manifestDiffs(releases, { env: plan.environment, recipe: before }, { env: plan.environment, recipe: after }, findHelm(dir, env), { cacheDir: renderCacheDir(env) });
    return diffs.map((d) => d.patch).join('\n');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `# helm template could not run (${reason}): the diff of the releases files instead\n${releasesDiff}`;
  }
}

function commitMessage(content: PullRequestContent, plan: PromotionPlan): string {
  const lines = [content.title, ''];
  if (plan.snapshotId) lines.push(`Snapshot: ${plan.snapshotId}`);
  if (plan.override) lines.push(`Override: ${plan.override}`);
  if (plan.hold) lines.push(`Hold: ${plan.hold.reason}`);
  return lines.join('\n').trimEnd();
}

function pushedButNoPullRequest(error: unknown, branch: string, commit: string, repository: Releases['environments']['repository']): RecipeError {
  const inner = error instanceof RecipeError ? error : new RecipeError(String(error));
  const traits = repository.forge ? forgeTraits(repository.forge) : undefined;
  const noun = traits?.noun ?? 'pull request';
  const web = repository.webUrl?.replace(/\/+$/, '');
  // Once it exists, the way forward is to update it (GitLab refuses a second one with 409), not to open one by hand.
  const existing = /(?:updating|labelling) (?:pull|merge) request ([#!]\d+)/.exec(inner.message)?.[1];
  const compare = web ? (repository.forge?.type === 'gitlab' ? `${web}/-/merge_requests/new?merge_request[source_branch]=${branch}` : `${web}/compare/${repository.baseBranch}...${branch}`) : undefined;
  const next = existing ? `run the command again to update ${noun} ${existing}` : `run the command again to open the ${noun}, or open it by hand${compare ? `: ${compare}` : ''}`;
  return new RecipeError(`${inner.message}\n  the branch ${branch} (${shortCommit(commit)}) was pushed to ${REMOTE}: nothing is lost`, {
    exitCode: 2,
    hint: `${inner.hint ? `${inner.hint}; then ` : ''}${next}`,
    cause: error,
  });
}

function backoff(baseMs: number, attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, baseMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
}
