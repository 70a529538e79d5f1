import { valid } from 'semver';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findEnvironment, type Environments } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { shortCommit } from '../model/format.ts';
import { applyServiceCommits, holdError, stringifyRecipe, validateRecipe, type ServiceChange } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { commitPaths, existingCommits, headCommit, pushWithRetry } from '../io/git.ts';
import { fluxDir, loadReleases, recipePath, writeFilesAtomically, type Releases } from '../io/releases.ts';
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
    // The version is for people and release notes: a semantic version (1.4.0, 2.0.0-rc.1), nothing else.
    if (version !== undefined && valid(version) === null) {
      throw new RecipeError(`"@${version}" after ${service}'s commit is not a semantic version`, { field: service, hint: `write <service>=<commit>@<major.minor.patch>, e.g. ${service}=${commit}@1.4.0, or leave the @version out` });
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

export interface SetOptions {
  root: string;
  environment: string | undefined;
  /** `<service>=<commit>[@<version>]`, as CI passes them. */
  assignments: readonly string[];
  /** Allow an environment that is not `auto`. */
  force?: boolean;
  /** Commit the change (implied by `push`). */
  commit?: boolean;
  /** Commit and push, re-applying on the fresh remote state when the push is rejected. */
  push?: boolean;
}

export interface SetOutcome extends Omit<SetResult, 'previous'> {
  environment: string;
  /** What was asked for, effective or not. */
  requested: ServiceChange[];
  committed: boolean;
  pushed: boolean;
  /** The commit made (or HEAD when nothing changed) and the push attempts; only when committing. */
  landed?: { commit: string; attempts: number };
}

/**
 * `recipe set`: checks the environment (auto unless `force`, not on hold) and that every commit
 * exists, then sets the services and re-renders; optionally commits and pushes with retries.
 */
export async function setEnvironment(options: SetOptions): Promise<SetOutcome> {
  const { root } = options;
  const releases = await loadReleases(root, options.environment === undefined ? [] : [options.environment]);
  const env = findEnvironment(releases.environments, options.environment);
  const changes = parseAssignments(options.assignments, releases.environments);
  if (!env.auto && !options.force) {
    throw new RecipeError(`environment "${env.name}" is not automatic`, { file: 'releases/environments.yaml', field: `environments.${env.name}.auto`, hint: `promote to it with "recipe promote ${env.name}", or pass --force` });
  }
  const hold = releases.recipes.get(env.name)?.recipe.hold;
  if (hold) throw holdError(env.name, hold, recipePath(env.name));
  const found = await existingCommits(root, changes.map((change) => change.commit));
  const missing = changes.filter((change) => !found.has(change.commit));
  if (missing.length) {
    throw new RecipeError(`commit ${missing.map((change) => `${change.commit} (${change.service})`).join(', ')} does not exist in the repository`, { hint: 'check the SHA, or "git fetch" the commits first' });
  }
  const push = Boolean(options.push);
  const commit = push || Boolean(options.commit);
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
  return { environment: env.name, requested: changes, changes: result.changes, files: result.files, committed: commit, pushed: push, ...(landed ? { landed } : {}) };
}
