// The shell: parse argv, load only the command asked for, print errors, set the exit code.
// Commands are imported lazily so `recipe --help` stays fast.
import { parseArgs } from 'node:util';
import type { Command } from './commands/command.ts';
import { RecipeError } from './model/errors.ts';

// name -> one-line summary (kept here so `recipe --help` loads no command) and its module.
const commands: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  status: { summary: 'services x environments: commit, version, age; marks where environments differ', load: () => import('./commands/status.ts') },
  set: { summary: 'point services of an environment at new commits (for CI after a build)', load: () => import('./commands/set.ts') },
  diff: { summary: 'what changes from one environment to another: commits, changelog, --manifests', load: () => import('./commands/diff.ts') },
  render: { summary: "write (or --check) every environment's flux/ folder", load: () => import('./commands/render.ts') },
  lint: { summary: 'schemas and policy of releases/: lists every problem', load: () => import('./commands/lint.ts') },
  history: { summary: 'who changed what in an environment, when, through which pull request', load: () => import('./commands/history.ts') },
  verify: { summary: "compare the live cluster with an environment's recipe: images, rollouts, Flux readiness", load: () => import('./commands/verify.ts') },
  snapshot: { summary: 'verify an environment, then record its combination as a snapshot with evidence', load: () => import('./commands/snapshot.ts') },
  snapshots: { summary: 'keep releases/snapshots/ small: migrate old files to format 2, prune by the retention policy', load: () => import('./commands/snapshots.ts') },
  promote: { summary: 'fill an environment from a snapshot of the one before it, by pull request, through its gates', load: () => import('./commands/promote.ts') },
  rollback: { summary: 'put an environment back to an earlier recipe or snapshot, by pull request, and hold it', load: () => import('./commands/rollback.ts') },
  hold: { summary: 'freeze an environment: recipe set refuses to move it until recipe unhold', load: () => import('./commands/hold.ts') },
  board: { summary: 'render releases/ as a static site people look at (--serve to watch it)', load: () => import('./commands/board.ts') },
  notify: { summary: 'tell the webhooks of an environment that a release step started, succeeded or failed', load: () => import('./commands/notify.ts') },
  unhold: { summary: 'lift the hold of an environment so that recipe set may move it again', load: () => import('./commands/unhold.ts') },
};

const globalOptions = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(): string {
  const lines = ['Usage: recipe <command> [options]', '', 'Commands:'];
  for (const [name, { summary }] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${summary}`);
  lines.push('', 'Every command takes --json for machine-readable output and --help.');
  lines.push('Exit status: 0 success, 1 a check found problems, 2 bad usage or input.');
  return lines.join('\n');
}

/** node:util's parse errors in recipe's words: what was wrong, then the command's usage. */
function usageError(name: string, usage: string, error: Error & { code?: string }): RecipeError {
  const unknown = /^Unknown option '([^']+)'/.exec(error.message)?.[1];
  const missing = /^Option '(--?[\w-]+)(?: <value>)?' argument missing/.exec(error.message)?.[1];
  const noValue = /^Option '(--?[\w-]+)' does not take an argument/.exec(error.message)?.[1];
  const message = unknown ? `unknown option ${unknown}` : missing ? `option ${missing} needs a value` : noValue ? `option ${noValue} takes no value` : error.message;
  const synopsis = usage.split('\n\n')[0]!.trim();
  return new RecipeError(`${message}\n${synopsis}`, { hint: `run "recipe ${name} --help" for every option` });
}

export async function main(argv: string[], io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) }): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout(`${usage()}\n`);
      return name === undefined ? 2 : 0;
    }
    const entry = commands[name];
    if (!entry) {
      throw new RecipeError(`unknown command "${name}"`, { hint: `run "recipe --help" for the list: ${Object.keys(commands).join(', ')}` });
    }
    const command = (await entry.load()).default;
    // Loaded with the command (which needs it anyway), so that `recipe --help` stays fast.
    const { findRoot } = await import('./io/releases.ts');
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError(name, command.usage, error as Error & { code?: string });
    }
    if (parsed.values.help) {
      io.stdout(`${command.usage.trimEnd()}\n`);
      return 0;
    }
    return await command.run({
      values: parsed.values,
      positionals: parsed.positionals,
      cwd: process.cwd(),
      env: process.env,
      root: () => findRoot(process.cwd(), process.env),
      json: Boolean(parsed.values.json),
      stdout: (text) => io.stdout(text.endsWith('\n') ? text : `${text}\n`),
      stderr: (text) => io.stderr(text.endsWith('\n') ? text : `${text}\n`),
    });
  } catch (error) {
    if (error instanceof RecipeError) {
      if (json) io.stdout(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      else io.stderr(`recipe: ${error.format()}\n`);
      return error.exitCode;
    }
    io.stderr(`recipe: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}
