import { RecipeError } from '../model/errors.ts';
import { rollback } from '../operations/rollback.ts';
import type { Command } from './command.ts';
import { printFlow } from './print-flow.ts';

const command: Command = {
  summary: "put an environment back to an earlier recipe or snapshot, by pull request, and hold it",
  usage: `Usage: recipe rollback <env> [--to <snapshot-id|git-rev>] [--reason "<why>"] [--dry-run] [--no-push] [--json]

Sets releases/<env>/recipe.yaml back to the environment's previous recipe (the last version in
its git history that ran other commits), or to --to: a snapshot id, or any git revision of the
releases (its recipe of <env> is used). Re-renders flux/, commits on recipe/rollback-<env>,
pushes and opens or updates the pull request, like promote.

The rolled-back recipe carries a hold (hold: with the reason, when and who): once merged, CI's
"recipe set" refuses to move the environment until "recipe unhold <env>".

Options:
  --to <id|rev>      a snapshot id (7+ hex digits) or a git revision of the releases
  --reason "<why>"   the hold's reason (default: what was rolled back, to what)
  --dry-run          print the plan and the diff; write, commit, push and open nothing
  --no-push          commit on the local branch recipe/rollback-<env> only
  --json             machine-readable output`,
  options: {
    to: { type: 'string' },
    reason: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'no-push': { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe rollback <env>, e.g. recipe rollback prod' });
    const to = ctx.values.to as string | undefined;
    const reason = ctx.values.reason as string | undefined;
    if (reason !== undefined && reason.trim() === '') throw new RecipeError('--reason is empty', { field: '--reason', hint: 'say why, or leave --reason out for the default' });
    const options = { environment: envName, kind: 'rollback' as const, dryRun: Boolean(ctx.values['dry-run']), push: !ctx.values['no-push'] };
    const result = await rollback({ root: ctx.root(), env: ctx.env, progress: (line) => ctx.stderr(`recipe: ${line}`), ...options, ...(to === undefined ? {} : { to }), ...(reason === undefined ? {} : { reason }) });
    return printFlow(ctx, options, result);
  },
};

export default command;
