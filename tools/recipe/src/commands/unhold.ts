import { RecipeError } from '../model/errors.ts';
import { changeHold } from '../operations/hold.ts';
import { commitOptions, type Command } from './command.ts';
import { printHold } from './print.ts';

const command: Command = {
  summary: 'lift the hold of an environment so that recipe set may move it again',
  usage: `Usage: recipe unhold <env> [--commit] [--push] [--json]

Removes hold: from releases/<env>/recipe.yaml. An environment that is not on hold is left as it is.

Options:
  --commit  commit the change: chore(releases): unhold <env>
  --push    commit and push; when the remote moved, fetch, apply again on top and retry
  --json    machine-readable output`,
  options: { ...commitOptions },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe unhold <env>' });
    return printHold(ctx, await changeHold({ root: ctx.root(), environment: envName, hold: null, commit: Boolean(ctx.values.commit), push: Boolean(ctx.values.push) }));
  },
};

export default command;
