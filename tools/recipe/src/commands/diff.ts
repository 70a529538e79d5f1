import { diffEnvironments, formatDiffs } from '../operations/diff.ts';
import { listEnvironments } from '../operations/environments.ts';
import { RecipeError } from '../model/errors.ts';
import type { Command } from './command.ts';
import { terminalProgress } from './progress.ts';

const command: Command = {
  summary: 'what changes from one environment to another: commits, changelog, --manifests',
  usage: `Usage: recipe diff <from> <to> [--manifests] [--json]

<from> and <to> are environments (their recipes as they are now) or <env>@<git revision> (the
recipe as committed there, e.g. prod@HEAD~1 to review a rollback). A revision is a commit SHA,
HEAD, a branch or tag, optionally followed by ~N, ^N or @{...}; anything else (an option, a
range, rev:path) is refused before git runs.

For every service whose commit differs between the two recipes: the commits
between (git log over the service's project and chart paths), the changelog grouped by
Conventional Commit type with breaking changes first, and a compare link. "goes BACK" marks a
service that <to> runs at an older commit than <from>.

Options:
  --manifests  also render both sides (helm template of the chart at each commit with each
               environment's values) and print the unified diff, the data and stringData of
               every Secret masked wherever it appears (inside Lists, in last-applied-
               configuration annotations, nested in other objects). helm is
               taken from HELM, else node_modules/.bin/helm, else PATH. Only services
               whose commit or values differ are rendered, several at a time; renders are
               cached by chart commit and values in $XDG_CACHE_HOME/recipe (else
               ~/.cache/recipe), so the same diff again costs no helm at all
  --json       machine-readable output`,
  options: { manifests: { type: 'boolean', default: false } },
  async run(ctx) {
    const [from, to, ...extra] = ctx.positionals;
    const root = ctx.root();
    if (from === undefined || to === undefined || extra.length) {
      const names = (await listEnvironments(root)).map((env) => env.name);
      throw new RecipeError('recipe diff takes exactly two environments', { hint: `e.g. recipe diff ${names.slice(0, 2).join(' ')}` });
    }
    const progress = terminalProgress(ctx, 'rendering manifests');
    const diff = await diffEnvironments({ root, from, to, manifests: Boolean(ctx.values.manifests), env: ctx.env, ...(progress ? { progress: progress.update } : {}) }).finally(() => progress?.done());
    if (ctx.json) {
      ctx.stdout(JSON.stringify(diff, null, 2));
    } else {
      let text = formatDiffs(diff.services, { from: diff.from, to: diff.to });
      if (diff.manifests) text += `\n\n${diff.manifests.length ? diff.manifests.map((m) => m.patch).join('\n') : 'rendered manifests are identical'}`;
      ctx.stdout(text);
    }
    return 0;
  },
};

export default command;
