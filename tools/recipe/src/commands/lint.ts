import { plural } from '../model/format.ts';
import { lintReleases } from '../operations/lint.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: 'schemas and policy of releases/: lists every problem',
  usage: `Usage: recipe lint [--json]

Checks releases/ and lists every problem, not just the first: schemas of environments.yaml,
recipes and snapshots; unknown services or environment folders; malformed or unknown commits;
plaintext Kubernetes Secrets anywhere under releases/; stale flux/ renders; a recipe whose
"snapshot:" does not match that snapshot; snapshots whose content does not hash to their id or
file name; snapshots edited by hand: a verification before the snapshot's creation or out of
order, before its releases commit was made, or naming a releases commit that does not exist or
at which its environment did not run the snapshot; stored test reports that are missing or do
not hash to their name. Warns about a promoted environment that runs a combination no snapshot vouches for.
Exit status 1 when there is any error.`,
  options: {},
  async run(ctx) {
    const problems = await lintReleases(ctx.root());
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
