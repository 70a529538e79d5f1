// The history of an environment from git: who changed what, when, through which pull request.
// Reads only as many revisions as the events it returns need.
import { blobsAt, fileHistory, git, runGit, type FileRevision } from '../io/git.ts';
import { recipePath } from '../io/releases.ts';
import { recipeHistory, type HistoryEvent, type HistoryRevision } from '../model/history.ts';

/** "#12" from GitHub merge/squash messages, "!12" from GitLab's. */
export function pullRequestIn(message: string): string | undefined {
  const github = /Merge pull request #(\d+)/.exec(message) ?? /\(#(\d+)\)\s*$/m.exec(message);
  if (github) return `#${github[1]}`;
  const gitlab = /See merge request [^\s!]*!(\d+)/.exec(message);
  return gitlab ? `!${gitlab[1]}` : undefined;
}

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

export interface HistoryOptions {
  /** At most this many events, newest first. */
  limit?: number;
}

/**
 * The events of releases/<env>/recipe.yaml, newest first. Revisions are read in batches from the
 * newest, so `--limit 20` reads about twenty revisions whatever the length of the history.
 */
export async function environmentHistory(root: string, environment: string, options: HistoryOptions = {}): Promise<HistoryEvent[]> {
  const limit = options.limit ?? Infinity;
  const file = recipePath(environment);
  const revisions: FileRevision[] = await fileHistory(root, file);
  if (revisions.length === 0) return [];
  const firstParentLine = new Set((await git(root, ['rev-list', '--first-parent', 'HEAD'])).split('\n').filter(Boolean));
  const read: HistoryRevision[] = [];
  const readUpTo = async (count: number) => {
    const next = revisions.slice(read.length, Math.min(count, revisions.length));
    // One `git cat-file --batch` for the whole batch of texts, not one process per revision.
    const texts = await blobsAt(root, next.map((revision) => `${revision.commit}:${file}`));
    read.push(
      ...(await Promise.all(
        next.map(async (revision, index) => ({
          commit: revision.commit,
          time: revision.time,
          author: revision.author,
          email: revision.email,
          subject: revision.subject,
          text: texts[index],
          pullRequest: await pullRequestOf(root, revision.commit, revision.subject, revision.body, firstParentLine),
        })),
      )),
    );
  };
  let batch = Number.isFinite(limit) ? limit + 1 : revisions.length;
  for (;;) {
    await readUpTo(batch);
    // The oldest revision read is compared with nothing until the one before it is read: leave its events out until then.
    const all = read.length === revisions.length;
    const unknown = all ? undefined : read.at(-1)!.commit;
    const events = recipeHistory(read).filter((e) => e.commit !== unknown);
    if (events.length >= limit || all) return events.slice(0, limit);
    batch = read.length * 2;
  }
}
