import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findEnvironment, type Environments } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { shortCommit } from '../model/format.ts';
import { applyServiceCommits, holdError, stringifyRecipe, validateRecipe, type ServiceChange } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { commitPaths, existingCommits, headCommit, pushWithRetry } from '../io/git.ts';
import { findRoot, fluxDir, loadReleases, recipePath, writeFilesAtomically, type Releases } from '../io/releases.ts';
import type { Command } from './command.ts';
import { planEnvironmentRender } from './render.ts';

const assignment = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=([^@]*)(?:@(.+))?$/;

/** Parses `<service>=<commit>[@<version>]` arguments against environments.yaml. */
export function parseAssignments(args: readonly string[], environments: Environments): ServiceChange[] {
  if (args.length === 0) throw new RecipeError('no <service>=<commit> given', { hint: 'e.g. recipe set dev records=$(git rev-parse HEAD)' });
  const seen = new Set<string>();
  return args.map((arg) => {
    const match = assignment.exec(arg);
    if (!match) throw new RecipeError(`"${arg}" is not <service>=<commit>[@<version>]`, { hint: 'e.g. records=1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b@1.4.0' });
    const [, service = '', , commit = '', version] = match;
    if (!environments.services[service]) {
      throw new RecipeError(`unknown service "${service}"`, { file: 'releases/environments.yaml', field: 'services', hint: `use one of: ${Object.keys(environments.services).join(', ')}` });
    }
    if (!/^[0-9a-f]{40}$/.test(commit)) {
      throw new RecipeError(`"${commit}" for ${service} is not a full 40-hex commit SHA`, { field: service, hint: `pass the full SHA, e.g. "$(git rev-parse ${commit || 'HEAD'})"` });
    }
    if (seen.has(service)) throw new RecipeError(`${service} is given twice`, { hint: 'name each service once' });
    seen.add(service);
    return version === undefined ? { service, commit } : { service, commit, version };
  });
}

export function commitMessage(env: string, changes: readonly ServiceChange[]): string {
  return `chore(releases): set ${env} ${changes.map((change) => `${change.service} to ${shortCommit(change.commit)}`).join(', ')}`;
}

export interface SetResult {
  changes: Array<ServiceChange & { from?: string }>;
  /** Files written or deleted, relative to the root. */
  files: string[];
  /** Their contents before (null: did not exist), to put the tree back if a later step fails. */
  previous: Map<string, string | null>;
}

/**
 * Edits the environment's recipe on disk (as it is now) and re-renders its flux/ folder, all
 * written atomically. Refuses while the environment is on hold. Returns what changed.
 */
export async function setServices(root: string, envName: string, changes: readonly ServiceChange[], releases?: Releases): Promise<SetResult> {
  const current = releases ?? (await loadReleases(root, [envName]));
  const file = recipePath(envName);
  const yaml = parseYamlFile(await readFile(path.join(root, file), 'utf8'), file);
  const before = validateRecipe(yaml, envName, current.environments);
  if (!before.value) throw before.problems[0]!;
  if (before.value.hold) throw holdError(envName, before.value.hold, file);
  const effective = changes.filter((change) => {
    const entry = before.value!.services[change.service];
    return entry?.commit !== change.commit || entry.version !== change.version;
  });
  const report = effective.map((change) => ({ ...change, from: before.value!.services[change.service]?.commit }));
  if (effective.length === 0) return { changes: [], files: [], previous: new Map() };
  applyServiceCommits(yaml, effective);
  const text = stringifyRecipe(yaml);
  const after = validateRecipe(parseYamlFile(text, file), envName, current.environments);
  if (!after.value) throw after.problems[0]!;
  const render = await planEnvironmentRender(current, envName, after.value);
  const writes = new Map<string, string | null>([[file, text], ...render.changes]);
  const previous = await snapshotFiles(root, [...writes.keys()]);
  await writeFilesAtomically(root, writes);
  return { changes: report, files: [...writes.keys()], previous };
}

async function snapshotFiles(root: string, files: readonly string[]): Promise<Map<string, string | null>> {
  return new Map(await Promise.all(files.map(async (file) => [file, await readFile(path.join(root, file), 'utf8').catch(() => null)] as const)));
}

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
    commit: { type: 'boolean', default: false },
    push: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [envName, ...args] = ctx.positionals;
    const root = findRoot(ctx.cwd, ctx.env);
    const releases = await loadReleases(root, envName === undefined ? [] : [envName]);
    const env = findEnvironment(releases.environments, envName);
    const changes = parseAssignments(args, releases.environments);
    if (!env.auto && !ctx.values.force) {
      throw new RecipeError(`environment "${env.name}" is not automatic`, { file: 'releases/environments.yaml', field: `environments.${env.name}.auto`, hint: `promote to it with "recipe promote ${env.name}", or pass --force` });
    }
    const hold = releases.recipes.get(env.name)?.recipe.hold;
    if (hold) throw holdError(env.name, hold, recipePath(env.name));
    const found = await existingCommits(root, changes.map((change) => change.commit));
    const missing = changes.filter((change) => !found.has(change.commit));
    if (missing.length) {
      throw new RecipeError(`commit ${missing.map((change) => `${change.commit} (${change.service})`).join(', ')} does not exist in the repository`, { hint: 'check the SHA, or "git fetch" the commits first' });
    }
    const push = Boolean(ctx.values.push);
    const commit = push || Boolean(ctx.values.commit);
    let result: SetResult = { changes: [], files: [], previous: new Map() };
    let landed: { commit: string; attempts: number } | undefined;
    if (!commit) {
      result = await setServices(root, env.name, changes, releases);
    } else {
      const paths = [recipePath(env.name), fluxDir(env.name)];
      const apply = async (): Promise<string> => {
        result = await setServices(root, env.name, changes, await loadReleases(root, [env.name]));
        if (result.changes.length === 0) return headCommit(root);
        try {
          return await commitPaths(root, paths, commitMessage(env.name, result.changes));
        } catch (error) {
          // Leave the tree as it was: put back the recipe and its render.
          await writeFilesAtomically(root, result.previous);
          throw error;
        }
      };
      if (push) landed = await pushWithRetry({ cwd: root, apply });
      else landed = { commit: await apply(), attempts: 0 };
    }
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ environment: env.name, changes: result.changes, files: result.files, commit: commit && result.changes.length ? landed?.commit : undefined, pushed: push ? { attempts: landed?.attempts } : undefined }, null, 2));
    } else if (result.changes.length === 0) {
      ctx.stdout(`${env.name} already runs ${changes.map((change) => `${change.service} ${shortCommit(change.commit)}`).join(', ')}: nothing to do`);
    } else {
      const lines = result.changes.map((change) => `${env.name} ${change.service}: ${shortCommit(change.from)} -> ${shortCommit(change.commit)}${change.version ? ` (${change.version})` : ''}`);
      if (commit && landed) lines.push(`committed ${shortCommit(landed.commit)}${push ? `, pushed${landed.attempts > 1 ? ` after ${landed.attempts} attempts` : ''}` : ''}`);
      ctx.stdout(lines.join('\n'));
    }
    return 0;
  },
};

export default command;
