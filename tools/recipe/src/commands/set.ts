import { shortCommit } from '../model/format.ts';
import { setEnvironment } from '../operations/set.ts';
import { commitOptions, type Command } from './command.ts';
import { landedLine } from './print.ts';

const command: Command = {
  summary: 'point services of an environment at new commits (for CI after a build)',
  usage: `Usage: recipe set <env> <service>=<commit>[@<version>]... [--commit] [--push] [--force] [--json]

Sets each service's commit (the full 40-hex SHA, which must exist in the repository) and
optional version in releases/<env>/recipe.yaml, and re-renders releases/<env>/flux/. Without
@<version> the entry's version is removed. The environment must be "auto: true" in
environments.yaml unless --force, and must not be on hold.

Options:
  --commit  commit the change: chore(releases): set <env> <service> to <short sha>
  --push    commit and push; when the push is rejected because the remote moved, fetch, apply
            the change again on top of it and retry (up to 5 times), never merging
  --force   allow an environment that is not auto
  --json    machine-readable output`,
  options: {
    ...commitOptions,
    force: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [environment, ...assignments] = ctx.positionals;
    const result = await setEnvironment({
      root: ctx.root(),
      environment,
      assignments,
      force: Boolean(ctx.values.force),
      commit: Boolean(ctx.values.commit),
      push: Boolean(ctx.values.push),
    });
    const { landed } = result;
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ environment: result.environment, changes: result.changes, files: result.files, commit: result.committed && result.changes.length ? landed?.commit : undefined, pushed: result.pushed ? { attempts: landed?.attempts } : undefined }, null, 2));
    } else if (result.changes.length === 0) {
      ctx.stdout(`${result.environment} already runs ${result.requested.map((change) => `${change.service} ${shortCommit(change.commit)}`).join(', ')}: nothing to do`);
    } else {
      const lines = result.changes.map((change) => `${result.environment} ${change.service}: ${shortCommit(change.from)} -> ${shortCommit(change.commit)}${change.version ? ` (${change.version})` : ''}`);
      if (result.committed && landed) lines.push(landedLine(landed, result.pushed));
      ctx.stdout(lines.join('\n'));
    }
    return 0;
  },
};

export default command;
