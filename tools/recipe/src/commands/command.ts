// The contract between the shell (cli.ts) and the command files, and the flags several commands share.
import type { ParseArgsConfig } from 'node:util';
import { RecipeError } from '../model/errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Parsed flags (including the global `json`) and positional arguments after the command name. */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  /** Where the command was invoked; the repository root is found from here. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The repository root (RECIPE_ROOT, else the nearest folder upwards with releases/environments.yaml); throws when there is none. */
  root: () => string;
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** One file per command under commands/, default-exporting this shape. */
export interface Command {
  /** One line for `recipe --help`. */
  summary: string;
  /** Usage and options, printed by `recipe <command> --help`. */
  usage: string;
  options: OptionSpec;
  /** Returns the exit code: 0 success, 1 a check found problems. Throws RecipeError for bad input. */
  run(context: CommandContext): Promise<number>;
}

/** `--commit` and `--push`, as set, hold, unhold and snapshot take them. */
export const commitOptions = {
  commit: { type: 'boolean', default: false },
  push: { type: 'boolean', default: false },
} as const satisfies OptionSpec;

/** How hold and unhold push: by pull request, or straight to the base branch only. */
export const holdPushOptions = {
  'pull-request': { type: 'boolean', default: false },
  direct: { type: 'boolean', default: false },
} as const satisfies OptionSpec;

/** `--pull-request` / `--direct` / `--push` as a mode (auto: direct, by pull request when the base branch refuses it). */
export function holdPushMode(values: CommandContext['values']): { push: boolean; mode: 'auto' | 'direct' | 'pull-request' } {
  if (values['pull-request'] && values.direct) throw new RecipeError('--pull-request and --direct exclude each other', { field: '--direct', hint: 'pick one: --pull-request where the base branch is protected, --direct to push straight to it' });
  if (values['pull-request']) return { push: true, mode: 'pull-request' };
  if (values.direct) return { push: true, mode: 'direct' };
  return { push: Boolean(values.push), mode: 'auto' };
}

/** How verify and snapshot reach the cluster. */
export const clusterOptions = {
  context: { type: 'string' },
  timeout: { type: 'string', default: '20' },
} as const satisfies OptionSpec;

/** `--timeout <seconds>` in milliseconds. */
export function parseTimeout(value: unknown): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new RecipeError(`--timeout "${String(value)}" is not a number of seconds`, { field: '--timeout', hint: 'e.g. --timeout 30' });
  return seconds * 1000;
}
