import { serviceNames } from '../model/environments.ts';
import type { Hold } from '../model/recipe.ts';
import { commitInfos } from '../io/git.ts';
import { loadReleases, type Releases } from '../io/releases.ts';

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

export interface Status {
  /** In promotion order. */
  environments: string[];
  holds: Record<string, Hold | null>;
  snapshots: Record<string, string | null>;
  services: StatusRow[];
}

/** `recipe status`: what runs where, which environments are on hold and which snapshot each runs. */
export async function status(root: string): Promise<Status> {
  const releases = await loadReleases(root);
  const rows = await statusMatrix(releases);
  const envs = releases.environments.environments;
  const holds = Object.fromEntries(envs.map((env) => [env.name, releases.recipes.get(env.name)?.recipe.hold ?? null]));
  const snapshots = Object.fromEntries(envs.map((env) => [env.name, releases.recipes.get(env.name)?.recipe.snapshot ?? null]));
  return { environments: envs.map((env) => env.name), holds, snapshots, services: rows };
}
