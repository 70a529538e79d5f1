import { age, shortCommit, table } from '../model/format.ts';
import { status } from '../operations/status.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: 'services x environments: commit, version, age; marks where environments differ',
  usage: `Usage: recipe status [--json]

Prints one row per service and one column per environment: the short commit, the version and
the age of that commit (the version is left out where the recipe has none). "*" marks an environment that runs another commit than the environment
it is promoted from; "!" an environment on hold.`,
  options: {},
  async run(ctx) {
    const result = await status(ctx.root());
    if (ctx.json) {
      ctx.stdout(JSON.stringify(result, null, 2));
      return 0;
    }
    const { environments: envs, holds, snapshots } = result;
    const now = Date.now();
    const header = ['SERVICE', ...envs.map((env) => `${env.toUpperCase()}${holds[env] ? ' !' : ''}`)];
    const body = result.services.map((row) => [
      row.service,
      ...envs.map((env) => {
        const cell = row.environments[env];
        if (!cell) return '-';
        return `${cell.differs ? '*' : ' '}${shortCommit(cell.commit)} ${cell.version ? `${cell.version} ` : ''}${age(cell.time, now)}`;
      }),
    ]);
    const lines = [table([header, ...body])];
    lines.push('', '* differs from the environment it is promoted from');
    for (const env of envs) {
      const hold = holds[env];
      if (hold) lines.push(`! ${env} is on hold: ${hold.reason}`);
    }
    for (const env of envs) {
      const snapshot = snapshots[env];
      if (snapshot) lines.push(`${env} runs snapshot ${snapshot.slice(0, 12)}`);
    }
    ctx.stdout(lines.join('\n'));
    return 0;
  },
};

export default command;
