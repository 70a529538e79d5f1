import { RecipeError } from '../model/errors.ts';
import { promote } from '../operations/promote.ts';
import type { Command } from './command.ts';
import { printFlow } from './print-flow.ts';

const command: Command = {
  summary: 'fill an environment from a snapshot of the one before it, by pull request, through its gates',
  usage: `Usage: recipe promote <env> [--snapshot <id>] [--override "<reason>"] [--only <service>]...
                      [--dry-run] [--no-push] [--json]

Takes the newest snapshot of the environment's "from" environment whose gates all hold (or the
one named by --snapshot), writes releases/<env>/recipe.yaml (commits, versions, snapshot:),
re-renders releases/<env>/flux/, commits on the branch recipe/promote-<env> (built on the
remote's base branch; your checkout is not touched), pushes it and opens the pull request, or
updates the open one: one open promotion per environment, a newer one supersedes it.

Gates (environments.yaml): the snapshot comes from "from", is verified there (not
--skip-verify) when "verified: true", has soaked "soak" there, and carries every check named in
"evidence", not failed. Only verifications that agree with git count (not before the snapshot's
creation, in order, naming a releases commit at which "from" ran the snapshot), and the soak is
measured from git: since the base branch's first-parent history of releases/<from>/recipe.yaml
started running the snapshot. An unmet gate refuses the promotion (exit 1) with the list of what
is missing. A snapshot file that is not what "recipe snapshot" wrote (content that does not hash
to its id) refuses every promotion with exit 2, naming the file.
Nothing to change: says so, exit 0, no branch, no pull request.

The forge comes from repository.forge in environments.yaml; the token from GITHUB_TOKEN or
GITLAB_TOKEN. When the forge fails after the push, the branch stays pushed and is named.

Options:
  --snapshot <id>        the snapshot to promote (at least 7 hex digits of its id)
  --override "<reason>"  promote despite unmet gates, a hold or --only; recorded in the recipe
                         (override:) and in the pull request
  --only <service>       take only this service from the snapshot (repeatable); refused
                         without --override, since that combination was never tested
  --dry-run              print the plan and the diff; write, commit, push and open nothing
  --no-push              commit on the local branch recipe/promote-<env> only
  --json                 machine-readable output`,
  options: {
    snapshot: { type: 'string' },
    override: { type: 'string' },
    only: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
    'no-push': { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe promote <env>, e.g. recipe promote staging' });
    const override = ctx.values.override as string | undefined;
    if (override !== undefined && override.trim() === '') throw new RecipeError('--override needs a reason', { field: '--override', hint: 'say why, e.g. --override "hotfix for INC-42"' });
    const only = (ctx.values.only as string[]).flatMap((value) => value.split(',')).map((s) => s.trim()).filter(Boolean);
    const options = { environment: envName, kind: 'promote' as const, dryRun: Boolean(ctx.values['dry-run']), push: !ctx.values['no-push'] };
    const result = await promote({
      root: ctx.root(),
      env: ctx.env,
      progress: (line) => ctx.stderr(`recipe: ${line}`),
      ...options,
      ...(ctx.values.snapshot === undefined ? {} : { snapshot: ctx.values.snapshot as string }),
      ...(override === undefined ? {} : { override }),
      only,
    });
    return printFlow(ctx, options, result);
  },
};

export default command;
