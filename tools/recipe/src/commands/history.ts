import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { shortCommit, table } from '../model/format.ts';
import { recipeHistory, type HistoryRevision } from '../model/history.ts';
import { fileHistory, git, runGit, showFile } from '../io/git.ts';
import { findRoot, loadReleases, recipePath } from '../io/releases.ts';
import type { Command } from './command.ts';

/** The pull request a commit came through: its own subject/body, else the merge that brought it in. */
export async function pullRequestOf(root: string, commit: string, subject: string, body: string, firstParentLine: ReadonlySet<string>): Promise<string | undefined> {
  const own = pullRequestIn(`${subject}\n${body}`);
  if (own) return own;
  if (firstParentLine.has(commit)) return undefined;
  const merges = (await runGit(root, ['rev-list', '--ancestry-path', '--first-parent', '--merges', '--format=%B', `${commit}..HEAD`])).stdout;
  // rev-list prints newest first: the last merge listed is the one that brought the commit in.
  const messages = merges.split(/^commit [0-9a-f]{40}$/m).map((m) => m.trim()).filter(Boolean);
  const introducing = messages.at(-1);
  return introducing ? pullRequestIn(introducing) : undefined;
}

/** "#12" from GitHub merge/squash messages, "!12" from GitLab's. */
export function pullRequestIn(message: string): string | undefined {
  const github = /Merge pull request #(\d+)/.exec(message) ?? /\(#(\d+)\)\s*$/m.exec(message);
  if (github) return `#${github[1]}`;
  const gitlab = /See merge request [^\s!]*!(\d+)/.exec(message);
  return gitlab ? `!${gitlab[1]}` : undefined;
}

const command: Command = {
  summary: 'who changed what in an environment, when, through which pull request',
  usage: `Usage: recipe history <env> [--limit <n>] [--json]

Reads the git history of releases/<env>/recipe.yaml: for every change of a service, when, from
which commit to which, by whom, in which releases commit, through which pull request (from the
merge or squash message) and from which snapshot. Newest first.

Options:
  --limit <n>  show at most n changes (default: all)
  --json       machine-readable output`,
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const [envName] = ctx.positionals;
    const root = findRoot(ctx.cwd, ctx.env);
    const releases = await loadReleases(root);
    const env = findEnvironment(releases.environments, envName);
    const limit = ctx.values.limit === undefined ? Infinity : Number(ctx.values.limit);
    if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) throw new RecipeError(`--limit must be a positive whole number, not "${String(ctx.values.limit)}"`, { hint: 'e.g. --limit 20' });
    const file = recipePath(env.name);
    const revisions = await fileHistory(root, file);
    const firstParentLine = new Set((await git(root, ['rev-list', '--first-parent', 'HEAD'])).split('\n').filter(Boolean));
    const withText: HistoryRevision[] = await Promise.all(
      revisions.map(async (revision) => ({
        commit: revision.commit,
        time: revision.time,
        author: revision.author,
        email: revision.email,
        subject: revision.subject,
        text: await showFile(root, revision.commit, file),
        pullRequest: await pullRequestOf(root, revision.commit, revision.subject, revision.body, firstParentLine),
      })),
    );
    const events = recipeHistory(withText).slice(0, limit);
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
      event.service,
      `${shortCommit(event.from)} -> ${shortCommit(event.to)}`,
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
