import { RecipeError } from '../model/errors.ts';
import { changeHold, holdAuthor, isoNow } from '../operations/hold.ts';
import { commitOptions, holdPushMode, holdPushOptions, type Command } from './command.ts';
import { printHold } from './print-hold.ts';

const command: Command = {
  summary: 'freeze an environment: recipe set refuses to move it until recipe unhold',
  usage: `Usage: recipe hold <env> --reason "<why>" [--commit] [--push | --pull-request | --direct] [--json]

Writes hold: (reason, since, by) into releases/<env>/recipe.yaml. While it is there, "recipe set"
refuses to change the environment and "recipe promote" refuses without --override.
A hold already in place gets the new reason.

Where the base branch is protected (the normal case for prod), the hold goes by pull request
(merge request on GitLab): the branch recipe/hold-<env>, built on the remote's base branch (the
checkout is not touched), labelled hold and env:<env>; it holds once merged. A rerun with the same
reason changes nothing.

Options:
  --reason "<why>"  required: why the environment is frozen
  --commit          commit the change in the checkout: chore(releases): hold <env>
  --push            commit and push to the base branch; when the remote moved, fetch, apply again
                    on top and retry; when the remote refuses the push (protected branch), open a
                    pull request instead (needs repository.forge and its token)
  --pull-request    always by pull request, without trying the base branch
  --direct          push to the base branch only, never a pull request (an unprotected branch,
                    or an emergency with the right to push to a protected one)
  --json            machine-readable output`,
  options: { reason: { type: 'string' }, ...commitOptions, ...holdPushOptions },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe hold <env> --reason "<why>"' });
    const reason = (ctx.values.reason as string | undefined)?.trim();
    if (!reason) throw new RecipeError('--reason is required', { field: '--reason', hint: 'say why the environment is frozen, e.g. --reason "INC-42: checkout errors"' });
    const { push, mode } = holdPushMode(ctx.values);
    const root = ctx.root();
    const hold = { reason, since: isoNow(), by: await holdAuthor(root, ctx.env) };
    return printHold(ctx, await changeHold({ root, environment: envName, hold, commit: Boolean(ctx.values.commit), push, mode, env: ctx.env, progress: (line) => ctx.stderr(`recipe: ${line}`) }));
  },
};

export default command;
