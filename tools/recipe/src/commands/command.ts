import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Parsed flags (including the global `json`) and positional arguments after the command name. */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  /** Where the command was invoked; the repository root is found from here. */
  cwd: string;
  env: NodeJS.ProcessEnv;
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
