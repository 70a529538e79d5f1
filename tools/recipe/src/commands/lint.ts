import { RecipeError } from '../model/errors.ts';
import { plural } from '../model/format.ts';
import { lintReleases } from '../operations/lint.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: 'schemas and policy of releases/: lists every problem',
  usage: `Usage: recipe lint [--since <rev> | --all] [--json]

Checks releases/ and lists every problem, not just the first: schemas of environments.yaml,
recipes and snapshots; unknown services or environment folders; malformed or unknown commits;
plaintext Kubernetes Secrets anywhere under releases/; stale flux/ renders; a recipe whose
"snapshot:" does not match that snapshot; snapshots whose content does not hash to their id or
file name; snapshots edited by hand: a verification before the snapshot's creation or out of
order, before its releases commit was made, or naming a releases commit that does not exist or
at which its environment did not run the snapshot; stored test reports that are missing or do
not hash to their name. Warns about a promoted environment that runs a combination no snapshot vouches for.
Exit status 1 when there is any error.

Options:
  --since <rev>  read only the snapshots changed since <rev> (and those the recipes name), and
                 scan for Secrets only the files under releases/ changed since it: what CI
                 checks on a pull request (--since origin/main); the cost follows the change,
                 not the number of snapshots
  --all          check every file (the default)
  --json         machine-readable output`,
  options: {
    since: { type: 'string' },
    all: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const since = ctx.values.since as string | undefined;
    if (since !== undefined && ctx.values.all) throw new RecipeError('--since and --all contradict each other', { field: '--since', hint: 'give one: --since <rev> checks what changed, --all everything' });
    const problems = await lintReleases(ctx.root(), since === undefined ? {} : { since });
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ errors, warnings, problems: problems.map((p) => ({ severity: p.severity, ...p.problem.toJSON() })) }, null, 2));
    } else {
      const lines = problems.map((p) => `${p.severity}: ${p.problem.format()}`);
      lines.push(errors || warnings ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : 'releases/ is clean');
      ctx.stdout(lines.join('\n'));
    }
    return errors > 0 ? 1 : 0;
  },
};

export default command;
