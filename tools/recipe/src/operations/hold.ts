import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { forgeTraits } from '../io/forges.ts';
import { commitPaths, git, headCommit, pushWithRetry, PushRefusedError, runGit, showFile } from '../io/git.ts';
import { loadReleases, recipePath, writeFilesAtomically, type Releases } from '../io/releases.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { editRecipeText } from '../model/promotion-recipe.ts';
import { holdPullRequest } from '../model/pull-request.ts';
import { validateRecipe, type Hold } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { REMOTE, runBranchFlow, type BranchChange, type BranchFlowResult } from './promotion-flow.ts';

export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Who holds: git's user.email (or user.name), else the login name. */
export async function holdAuthor(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  for (const key of ['user.email', 'user.name']) {
    const value = (await runGit(dir, ['config', key])).stdout.trim();
    if (value) return value;
  }
  return env.USER ?? env.USERNAME ?? 'unknown';
}

/**
 * How a pushed hold reaches the base branch. auto: straight, and by pull request when the remote
 * refuses the direct push (a protected branch); direct: straight only; pull-request: always by
 * pull request (merge request on GitLab) from recipe/hold-<env> or recipe/unhold-<env>.
 */
export type HoldMode = 'auto' | 'direct' | 'pull-request';

export interface HoldOptions {
  root: string;
  environment: string | undefined;
  /** The hold to set, or null to lift it. */
  hold: Hold | null;
  commit?: boolean;
  push?: boolean;
  /** How a push lands (default auto); pull-request implies a push. */
  mode?: HoldMode;
  /** The process environment: forge tokens, GitLab CI's variables. */
  env?: NodeJS.ProcessEnv;
  /** Progress for people (stderr): the fallback, forge requests being retried. */
  progress?: (line: string) => void;
}

export interface HoldOutcome {
  environment: string;
  /** The recipe file, relative to the root. */
  file: string;
  hold: Hold | null;
  /** False when there was nothing to change (no hold to lift; by pull request: the base already says so). */
  changed: boolean;
  committed: boolean;
  pushed: boolean;
  /** The commit made and the push attempts (commit '' when not committing). */
  landed: { commit: string; attempts: number };
  /** checkout: edited (committed, pushed) in the checkout; pull-request: on a branch, by pull request, the checkout untouched. */
  via: 'checkout' | 'pull-request';
  /** The remote's words when it refused the direct push and the change went by pull request instead. */
  refused?: string;
  /** By pull request: the branch, its commit and the pull request. */
  request?: BranchFlowResult<BranchChange>;
}

/**
 * Sets (hold) or lifts (null) the hold of an environment: in the checkout, optionally committing
 * and pushing to the base branch (re-applied on the fresh remote state when the push loses a
 * race), or by pull request where the base branch takes no direct pushes.
 */
export async function changeHold(options: HoldOptions): Promise<HoldOutcome> {
  const mode = options.mode ?? 'auto';
  if (mode === 'pull-request') return holdByPullRequest(options);
  const releases = await loadReleases(options.root);
  const start = await headCommit(options.root);
  try {
    return await holdInCheckout(options, releases);
  } catch (error) {
    if (!(error instanceof PushRefusedError)) throw error;
    // Nothing half-done stays behind: the checkout goes back to where it stood before the hold
    // (else, when a file the user changed is in the way, at least the refused commit goes).
    if ((await runGit(options.root, ['reset', '--quiet', '--keep', start])).code !== 0) await git(options.root, ['reset', '--quiet', '--keep', error.base]);
    const env = findEnvironment(releases.environments, options.environment).name;
    const kind = options.hold ? 'hold' : 'unhold';
    const forge = releases.environments.repository.forge;
    if (mode === 'direct' || !forge) {
      const noun = forge ? forgeTraits(forge).noun : 'pull request';
      throw new RecipeError(`${error.remote} refused the push to ${error.branch}: ${error.detail}`, {
        exitCode: 1,
        cause: error,
        hint: [
          `${error.branch} takes no direct pushes (a protected branch); nothing was changed here`,
          mode === 'direct'
            ? `run "recipe ${kind} ${env} --pull-request" to open a ${noun} instead, or ask for the right to push to ${error.branch}`
            : `add repository.forge (type: github or gitlab, project) to releases/environments.yaml and set GITHUB_TOKEN or GITLAB_TOKEN, so that "recipe ${kind} ${env} --push" opens a pull request by itself; or run "recipe ${kind} ${env} --pull-request" to push the branch recipe/${kind}-${env} and open the pull request by hand`,
        ].join('; '),
      });
    }
    options.progress?.(`${error.remote} refused the direct push to ${error.branch} (${error.detail}): opening a ${forgeTraits(forge).noun} instead`);
    return { ...(await holdByPullRequest(options, true)), refused: error.detail };
  }
}

async function holdInCheckout(options: HoldOptions, releases: Releases): Promise<HoldOutcome> {
  const { root, hold } = options;
  const env = findEnvironment(releases.environments, options.environment);
  const file = recipePath(env.name);
  const push = Boolean(options.push) || options.mode === 'direct';
  const commit = push || Boolean(options.commit);
  let outcome = 'unchanged' as 'changed' | 'unchanged';
  let previous: string | null = null;

  const apply = async (): Promise<string> => {
    const text = await readFile(path.join(root, file), 'utf8');
    const current = validateRecipe(parseYamlFile(text, file), env.name, releases.environments);
    if (!current.value) throw current.problems[0]!;
    if (hold === null && !current.value.hold) {
      outcome = 'unchanged';
      return commit ? headCommit(root) : '';
    }
    const next = editRecipeText(file, text, { hold });
    const checked = validateRecipe(parseYamlFile(next, file), env.name, releases.environments);
    if (!checked.value) throw checked.problems[0]!;
    previous = text;
    await writeFilesAtomically(root, new Map([[file, next]]));
    outcome = 'changed';
    if (!commit) return '';
    const message = hold ? `chore(releases): hold ${env.name}\n\n${hold.reason}` : `chore(releases): unhold ${env.name}`;
    try {
      return await commitPaths(root, [file], message);
    } catch (error) {
      await writeFilesAtomically(root, new Map([[file, previous]]));
      throw error;
    }
  };
  const landed = push ? await pushWithRetry({ cwd: root, apply }) : { commit: await apply(), attempts: 0 };

  return { environment: env.name, file, hold, changed: outcome === 'changed', committed: commit, pushed: push, landed, via: 'checkout' };
}

/**
 * The hold on recipe/hold-<env> (or recipe/unhold-<env>), built on the remote's base branch in a
 * temporary worktree (the checkout is never touched), through the same branch, lease and pull
 * request mechanics as a promotion. A rerun with the same reason keeps the `since` already on the
 * branch, so it builds the same tree and pushes nothing.
 */
async function holdByPullRequest(options: HoldOptions, refused = false): Promise<HoldOutcome> {
  const { root, hold } = options;
  const releases = await loadReleases(root);
  const env = findEnvironment(releases.environments, options.environment).name;
  const file = recipePath(env);
  const forge = releases.environments.repository.forge;
  const noun = forge ? forgeTraits(forge).noun : 'pull request';
  const request = await runBranchFlow<BranchChange>({
    root,
    env: options.env ?? process.env,
    branch: `recipe/${hold ? 'hold' : 'unhold'}-${env}`,
    dryRun: false,
    push: true,
    ...(options.progress ? { progress: options.progress } : {}),
    withoutToken: refused
      ? `ask someone with the token: ${releases.environments.repository.baseBranch} refused the direct push, so this goes by ${noun}`
      : `pass --direct if you may push to ${releases.environments.repository.baseBranch}`,
    async build({ dir, releases: atBase, existing, titleLimit }) {
      const baseBranch = atBase.environments.repository.baseBranch;
      const current = atBase.recipes.get(env);
      if (!current) throw new RecipeError(`environment "${env}" has no recipe on ${REMOTE}/${baseBranch}`, { file, hint: 'create it: see docs/formats.md' });
      const inPlace = current.recipe.hold;
      if (!hold && !inPlace) return { nothing: `${env} is not on hold on ${REMOTE}/${baseBranch}: nothing to do (no branch, no ${noun})` };
      if (hold && inPlace?.reason === hold.reason) return { nothing: `${env} is already on hold on ${REMOTE}/${baseBranch} for this reason (since ${inPlace.since ?? '?'} by ${inPlace.by ?? '?'}): nothing to do (no branch, no ${noun})` };
      const wanted = hold ? await keepSince(root, existing, file, env, atBase, hold) : null;
      const text = editRecipeText(file, current.yaml.text, { hold: wanted });
      const checked = validateRecipe(parseYamlFile(text, file), env, atBase.environments);
      if (!checked.value) throw checked.problems[0]!;
      await writeFilesAtomically(dir, new Map([[file, text]]));
      const content = holdPullRequest({ environment: env, hold: wanted, ...(inPlace ? { lifted: inPlace } : {}), baseBranch, noun, ...(titleLimit === undefined ? {} : { titleLimit }) });
      const message = wanted ? `chore(releases): hold ${env}\n\n${wanted.reason}` : `chore(releases): unhold ${env}`;
      return { paths: [file], message, content };
    },
  });
  return {
    environment: env,
    file,
    hold,
    changed: request.nothing === undefined,
    committed: request.commit !== undefined,
    pushed: request.commit !== undefined,
    landed: { commit: request.commit ?? '', attempts: request.attempts },
    via: 'pull-request',
    request,
  };
}

/** The hold to write: the one already on the branch when it says the same (same reason, same person), so a rerun changes nothing. */
async function keepSince(root: string, existing: string, file: string, env: string, releases: Releases, hold: Hold): Promise<Hold> {
  if (!existing) return hold;
  const text = await showFile(root, existing, file);
  if (text === undefined) return hold;
  const onBranch = validateRecipe(parseYamlFile(text, file), env, releases.environments).value?.hold;
  return onBranch && onBranch.reason === hold.reason && onBranch.by === hold.by && onBranch.since ? { ...hold, since: onBranch.since } : hold;
}
