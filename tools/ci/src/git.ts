// git through the `git` command, synchronously: the CLIs here run a handful of quick queries.
import { execFileSync } from 'node:child_process';

/** Runs git in `cwd` and returns stdout without the trailing newline; throws with git's message on failure. */
export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: { ...env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\n$/, '');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/** The repository's top-level folder. */
export function repositoryRoot(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']);
}
