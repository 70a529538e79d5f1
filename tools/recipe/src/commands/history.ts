import { RecipeError } from '../model/errors.ts';
import { shortCommit, table } from '../model/format.ts';
import { recipePath } from '../io/releases.ts';
import { environment } from '../operations/environments.ts';
import { environmentHistory } from '../operations/history.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: 'who changed what in an environment, when, through which pull request',
  usage: `Usage: recipe history <env> [--limit <n>] [--json]

Reads the git history of releases/<env>/recipe.yaml: for every change of a service, when, from
which commit to which, by whom, in which releases commit, through which pull request (from the
merge or squash message) and from which snapshot; rollbacks are marked, and holds, unholds and
overrides are listed as events of their own. Newest first; with --limit only the revisions
needed are read.

Options:
  --limit <n>  show at most n changes (default: all)
  --json       machine-readable output`,
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const [envName] = ctx.positionals;
    const root = ctx.root();
    const env = await environment(root, envName);
    const limit = ctx.values.limit === undefined ? Infinity : Number(ctx.values.limit);
    if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) throw new RecipeError(`--limit must be a positive whole number, not "${String(ctx.values.limit)}"`, { hint: 'e.g. --limit 20' });
    const file = recipePath(env.name);
    const events = await environmentHistory(root, env.name, { limit });
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ environment: env.name, events }, null, 2));
      return 0;
    }
    if (events.length === 0) {
      ctx.stdout(`no recorded changes to ${file}`);
      return 0;
    }
    const rows = events.map((event) => [
      new Date(event.time * 1000).toISOString().replace('T', ' ').slice(0, 16),
      event.service ?? `(${event.kind})`,
      event.service ? `${shortCommit(event.from)} -> ${shortCommit(event.to)}${event.kind === 'rollback' ? ' (rollback)' : ''}` : (event.note ?? ''),
      event.author,
      shortCommit(event.commit),
      event.pullRequest ?? '-',
      event.snapshot ? event.snapshot.slice(0, 12) : '-',
    ]);
    ctx.stdout(table([['WHEN (UTC)', 'SERVICE', 'CHANGE', 'BY', 'COMMIT', 'PR', 'SNAPSHOT'], ...rows]));
    return 0;
  },
};

export default command;
