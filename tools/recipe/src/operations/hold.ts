import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { commitPaths, headCommit, pushWithRetry, runGit } from '../io/git.ts';
import { loadReleases, recipePath, writeFilesAtomically } from '../io/releases.ts';
import { findEnvironment } from '../model/environments.ts';
import { editRecipeText } from '../model/promotion-recipe.ts';
import { validateRecipe, type Hold } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';

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

export interface HoldOptions {
  root: string;
  environment: string | undefined;
  /** The hold to set, or null to lift it. */
  hold: Hold | null;
  commit?: boolean;
  push?: boolean;
}

export interface HoldOutcome {
  environment: string;
  /** The recipe file, relative to the root. */
  file: string;
  hold: Hold | null;
  /** False when there was no hold to lift. */
  changed: boolean;
  committed: boolean;
  pushed: boolean;
  /** The commit made and the push attempts (commit '' when not committing). */
  landed: { commit: string; attempts: number };
}

/**
 * Sets (hold) or lifts (null) the hold of an environment in the checkout, optionally committing
 * and pushing (re-applied on the fresh remote state when the push is rejected).
 */
export async function changeHold(options: HoldOptions): Promise<HoldOutcome> {
  const { root, hold } = options;
  const releases = await loadReleases(root);
  const env = findEnvironment(releases.environments, options.environment);
  const file = recipePath(env.name);
  const push = Boolean(options.push);
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

  return { environment: env.name, file, hold, changed: outcome === 'changed', committed: commit, pushed: push, landed };
}
