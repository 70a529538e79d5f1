import { RecipeError } from '../model/errors.ts';
import { changeHold, holdAuthor, isoNow } from '../operations/hold.ts';
import { commitOptions, type Command } from './command.ts';
import { printHold } from './print.ts';

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
    const root = ctx.root();
    const hold = { reason, since: isoNow(), by: await holdAuthor(root, ctx.env) };
    return printHold(ctx, await changeHold({ root, environment: envName, hold, commit: Boolean(ctx.values.commit), push: Boolean(ctx.values.push) }));
  },
};

export default command;
