import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { commitPaths, headCommit, pushWithRetry, runGit } from '../io/git.ts';
import { findRoot, loadReleases, recipePath, writeFilesAtomically } from '../io/releases.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { editRecipeText } from '../model/promotion-recipe.ts';
import { validateRecipe, type Hold } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import type { CommandContext, Command } from './command.ts';

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

export const commitOptions = {
  commit: { type: 'boolean', default: false },
  push: { type: 'boolean', default: false },
} as const;

/**
 * Sets (hold) or lifts (null) the hold of an environment in the checkout, optionally committing
 * and pushing (re-applied on the fresh remote state when the push is rejected).
 */
export async function changeHold(ctx: CommandContext, envName: string | undefined, hold: Hold | null): Promise<number> {
  const root = findRoot(ctx.cwd, ctx.env);
  const releases = await loadReleases(root);
  const env = findEnvironment(releases.environments, envName);
  const file = recipePath(env.name);
  const push = Boolean(ctx.values.push);
  const commit = push || Boolean(ctx.values.commit);
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

  if (ctx.json) {
    ctx.stdout(JSON.stringify({ environment: env.name, hold, changed: outcome === 'changed', commit: commit && outcome === 'changed' ? landed.commit : undefined, pushed: push ? { attempts: landed.attempts } : undefined }, null, 2));
    return 0;
  }
  const lines = [hold ? `${env.name} is on hold: ${hold.reason} (${file})` : outcome === 'changed' ? `${env.name} is no longer on hold (${file})` : `${env.name} is not on hold: nothing to do`];
  if (commit && outcome === 'changed') lines.push(`committed ${landed.commit.slice(0, 7)}${push ? `, pushed${landed.attempts > 1 ? ` after ${landed.attempts} attempts` : ''}` : ''}`);
  ctx.stdout(lines.join('\n'));
  return 0;
}

const command: Command = {
  summary: 'freeze an environment: recipe set refuses to move it until recipe unhold',
  usage: `Usage: recipe hold <env> --reason "<why>" [--commit] [--push] [--json]

Writes hold: (reason, since, by) into releases/<env>/recipe.yaml. While it is there, "recipe set"
refuses to change the environment and "recipe promote" refuses without --override.
A hold already in place gets the new reason.

Options:
  --reason "<why>"  required: why the environment is frozen
  --commit          commit the change: chore(releases): hold <env>
  --push            commit and push; when the remote moved, fetch, apply again on top and retry
  --json            machine-readable output`,
  options: { reason: { type: 'string' }, ...commitOptions },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe hold <env> --reason "<why>"' });
    const reason = (ctx.values.reason as string | undefined)?.trim();
    if (!reason) throw new RecipeError('--reason is required', { field: '--reason', hint: 'say why the environment is frozen, e.g. --reason "INC-42: checkout errors"' });
    const root = findRoot(ctx.cwd, ctx.env);
    return changeHold(ctx, envName, { reason, since: isoNow(), by: await holdAuthor(root, ctx.env) });
  },
};

export default command;
