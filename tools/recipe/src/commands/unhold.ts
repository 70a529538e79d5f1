import { RecipeError } from '../model/errors.ts';
import { changeHold } from '../operations/hold.ts';
import { commitOptions, holdPushMode, holdPushOptions, type Command } from './command.ts';
import { printHold } from './print-hold.ts';

const command: Command = {
  summary: 'lift the hold of an environment so that recipe set may move it again',
  usage: `Usage: recipe unhold <env> [--commit] [--push | --pull-request | --direct] [--json]

Removes hold: from releases/<env>/recipe.yaml. An environment that is not on hold is left as it is.
Where the base branch is protected, it goes by pull request from recipe/unhold-<env> (labelled
unhold and env:<env>), as for recipe hold.

Options:
  --commit        commit the change in the checkout: chore(releases): unhold <env>
  --push          commit and push to the base branch (retried when the remote moved); by pull
                  request when the remote refuses the push (protected branch)
  --pull-request  always by pull request, without trying the base branch
  --direct        push to the base branch only, never a pull request
  --json          machine-readable output`,
  options: { ...commitOptions, ...holdPushOptions },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe unhold <env>' });
    const { push, mode } = holdPushMode(ctx.values);
    return printHold(ctx, await changeHold({ root: ctx.root(), environment: envName, hold: null, commit: Boolean(ctx.values.commit), push, mode, env: ctx.env, progress: (line) => ctx.stderr(`recipe: ${line}`) }));
  },
};

export default command;
