import { serviceNames } from '../model/environments.ts';
import { age, shortCommit, table } from '../model/format.ts';
import { commitInfos } from '../io/git.ts';
import { findRoot, loadReleases, type Releases } from '../io/releases.ts';
import type { Command } from './command.ts';

export interface StatusCell {
  commit: string;
  version?: string;
  /** Commit time, seconds since the epoch; undefined when the commit is not in this clone. */
  time?: number;
  /** True when this environment runs another commit than the one it is promoted from. */
  differs: boolean;
}

export interface StatusRow {
  service: string;
  environments: Record<string, StatusCell | null>;
}

/** The services x environments matrix. */
export async function statusMatrix(releases: Releases): Promise<StatusRow[]> {
  const envs = releases.environments.environments;
  const commits = [...releases.recipes.values()].flatMap(({ recipe }) => Object.values(recipe.services).map((entry) => entry.commit));
  const infos = await commitInfos(releases.root, commits);
  return serviceNames(releases.environments).map((service) => {
    const row: StatusRow = { service, environments: {} };
    for (const env of envs) {
      const entry = releases.recipes.get(env.name)?.recipe.services[service];
      const upstream = env.from ? releases.recipes.get(env.from)?.recipe.services[service] : undefined;
      row.environments[env.name] = entry
        ? { commit: entry.commit, version: entry.version, time: infos.get(entry.commit)?.time, differs: env.from !== undefined && upstream?.commit !== entry.commit }
        : null;
    }
    return row;
  });
}

const command: Command = {
  summary: 'services x environments: commit, version, age; marks where environments differ',
  usage: `Usage: recipe status [--json]

Prints one row per service and one column per environment: the short commit, the version and
the age of that commit (the version is left out where the recipe has none). "*" marks an environment that runs another commit than the environment
it is promoted from; "!" an environment on hold.`,
  options: {},
  async run(ctx) {
    const releases = await loadReleases(findRoot(ctx.cwd, ctx.env));
    const rows = await statusMatrix(releases);
    const envs = releases.environments.environments;
    if (ctx.json) {
      const holds = Object.fromEntries(envs.map((env) => [env.name, releases.recipes.get(env.name)?.recipe.hold ?? null]));
      const snapshots = Object.fromEntries(envs.map((env) => [env.name, releases.recipes.get(env.name)?.recipe.snapshot ?? null]));
      ctx.stdout(JSON.stringify({ environments: envs.map((env) => env.name), holds, snapshots, services: rows }, null, 2));
      return 0;
    }
    const now = Date.now();
    const header = ['SERVICE', ...envs.map((env) => `${env.name.toUpperCase()}${releases.recipes.get(env.name)?.recipe.hold ? ' !' : ''}`)];
    const body = rows.map((row) => [
      row.service,
      ...envs.map((env) => {
        const cell = row.environments[env.name];
        if (!cell) return '-';
        return `${cell.differs ? '*' : ' '}${shortCommit(cell.commit)} ${cell.version ? `${cell.version} ` : ''}${age(cell.time, now)}`;
      }),
    ]);
    const lines = [table([header, ...body])];
    const held = envs.filter((env) => releases.recipes.get(env.name)?.recipe.hold);
    lines.push('', '* differs from the environment it is promoted from');
    for (const env of held) lines.push(`! ${env.name} is on hold: ${releases.recipes.get(env.name)!.recipe.hold!.reason}`);
    for (const env of envs) {
      const snapshot = releases.recipes.get(env.name)?.recipe.snapshot;
      if (snapshot) lines.push(`${env.name} runs snapshot ${snapshot.slice(0, 12)}`);
    }
    ctx.stdout(lines.join('\n'));
    return 0;
  },
};

export default command;
