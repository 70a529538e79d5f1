import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { groupChangelog, parseConventional, serviceDeltas, type ChangelogSection, type ConventionalCommit, type ServiceDelta } from '../model/changelog.ts';
import { findEnvironment, type Environments } from '../model/environments.ts';
import { shortCommit } from '../model/format.ts';
import { normaliseManifests } from '../model/manifests.ts';
import { RecipeError } from '../model/errors.ts';
import { checkRevision } from '../model/revision.ts';
import { validateRecipe, type Recipe } from '../model/recipe.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { helmValues } from '../model/render.ts';
import { extractChart } from '../io/chart-source.ts';
import { existingCommits, loadCommitGraph, showFile } from '../io/git.ts';
import { findHelm, helmTemplate } from '../io/helm.ts';
import { RenderCache, renderCacheDir, renderKey, type RenderInput } from '../io/render-cache.ts';
import { loadReleases, parseValues, readValues, recipePath, valuesPath, type Releases } from '../io/releases.ts';

export interface ServiceDiff extends ServiceDelta {
  /** forward: `to` is newer; backward: `to` is older (a rollback); diverged: neither contains the other. */
  direction: 'forward' | 'backward' | 'diverged' | 'added' | 'removed' | 'unknown';
  /** The commits between, over the service's project and chart paths, newest first. */
  commits: ConventionalCommit[];
  /** Commits `to` has and `from` has not: what arrives. */
  arriving: ConventionalCommit[];
  /** Commits `from` has and `to` has not: what leaves (a rollback, or the far side of a divergence). */
  leaving: ConventionalCommit[];
  changelog: ChangelogSection[];
  compareUrl?: string;
}

/** Per service delta: the commits between (over its project and chart paths) and the grouped changelog. */
export async function changelogs(root: string, environments: Environments, deltas: readonly ServiceDelta[]): Promise<ServiceDiff[]> {
  const commits = deltas.flatMap((delta) => [delta.from, delta.to]).filter((commit): commit is string => commit !== undefined);
  const present = await existingCommits(root, commits);
  const graph = await loadCommitGraph(root, [...present]);
  graph.indexPaths(deltas.flatMap((delta) => {
    const service = environments.services[delta.service];
    return service ? [service.project, service.chart, ...(service.chartLibraries ?? [])] : [];
  }));
  const web = environments.repository.webUrl?.replace(/\/+$/, '');
  return deltas.map((delta): ServiceDiff => {
    const service = environments.services[delta.service];
    const paths = service ? [service.project, service.chart, ...(service.chartLibraries ?? [])] : [];
    const base = { ...delta, commits: [] as ConventionalCommit[], arriving: [] as ConventionalCommit[], leaving: [] as ConventionalCommit[], changelog: [] as ChangelogSection[] };
    if (!delta.from || !delta.to) return { ...base, direction: delta.from ? 'removed' : 'added' };
    if (!present.has(delta.from) || !present.has(delta.to)) return { ...base, direction: 'unknown' };
    let direction: ServiceDiff['direction'];
    let range: [string, string];
    if (graph.isAncestor(delta.from, delta.to)) [direction, range] = ['forward', [delta.from, delta.to]];
    else if (graph.isAncestor(delta.to, delta.from)) [direction, range] = ['backward', [delta.to, delta.from]];
    else [direction, range] = ['diverged', [delta.from, delta.to]];
    const between = graph.between(range[0], range[1], paths).map(parseConventional);
    const arriving = direction === 'backward' ? [] : between;
    const leaving = direction === 'forward' ? [] : direction === 'backward' ? between : graph.between(delta.to, delta.from, paths).map(parseConventional);
    return { ...base, direction, commits: between, arriving, leaving, changelog: groupChangelog(between), compareUrl: web ? `${web}/compare/${range[0]}...${range[1]}` : undefined };
  });
}

/** The commits and grouped changelog of one service between two commits. */
export async function changelogBetween(root: string, environments: Environments, delta: ServiceDelta): Promise<ServiceDiff> {
  const [diff] = await changelogs(root, environments, [delta]);
  return diff!;
}

/** Per service that differs between two recipes: the commits between and their changelog. */
export async function diffRecipes(root: string, environments: Environments, from: Recipe, to: Recipe): Promise<ServiceDiff[]> {
  return changelogs(root, environments, serviceDeltas(from.services, to.services));
}

/** The diffs as text; `markdown` for a pull request body. */
export function formatDiffs(diffs: readonly ServiceDiff[], labels: { from: string; to: string }, markdown = false): string {
  if (diffs.length === 0) return `${labels.from} and ${labels.to} run the same commits`;
  const lines: string[] = [];
  for (const diff of diffs) {
    const version = diff.fromVersion || diff.toVersion ? ` (${diff.fromVersion ?? '-'} -> ${diff.toVersion ?? '-'})` : '';
    const title = `${diff.service}: ${shortCommit(diff.from)} -> ${shortCommit(diff.to)}${version}`;
    lines.push(markdown ? `### ${title}` : title);
    const note = {
      forward: `${diff.commits.length} commit${diff.commits.length === 1 ? '' : 's'} added`,
      backward: `goes BACK: ${diff.commits.length} commit${diff.commits.length === 1 ? '' : 's'} removed`,
      diverged: 'the commits diverged: neither contains the other',
      added: `new in ${labels.to}`,
      removed: `not in ${labels.to}`,
      unknown: 'a commit is not in this clone (git fetch)',
    }[diff.direction];
    lines.push(markdown ? `_${note}_${diff.compareUrl ? ` · [compare](${diff.compareUrl})` : ''}` : `  ${note}${diff.compareUrl ? `  ${diff.compareUrl}` : ''}`);
    for (const section of diff.changelog) {
      lines.push(markdown ? `\n**${section.title}**` : `  ${section.title}:`);
      for (const commit of section.commits) {
        const scope = commit.scope ? `${commit.scope}: ` : '';
        const text = section.title === 'BREAKING CHANGES' ? `${scope}${commit.breakingNote ?? commit.description}` : `${scope}${commit.description}`;
        lines.push(markdown ? `- ${text} (${shortCommit(commit.commit)})` : `    - ${text} (${shortCommit(commit.commit)}, ${commit.author})`);
      }
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

export interface ManifestDiff {
  service: string;
  patch: string;
}

/** One side of a diff: an environment's recipe as it is now, or as committed at `rev`. */
export interface DiffSide {
  env: string;
  recipe: Recipe;
  /** The releases commit the recipe (and values) were read at; undefined for the working tree. */
  rev?: string;
}

export interface ManifestDiffOptions {
  /** Where renders are cached (io/render-cache.ts); undefined: no cache. */
  cacheDir?: string;
  /** How many helm templates run at once; default: the cores available. */
  parallelism?: number;
  /** Called as renders finish, for a progress line on a terminal. */
  progress?: (done: number, total: number) => void;
}

/**
 * helm template of each service's chart at each side's commit with that side's values, Secret
 * data masked, as unified diffs; services whose manifests are the same are left out. A service
 * whose commit, values and namespace are the same on both sides is not rendered at all; the rest
 * render a few at a time, each from the cache when the same inputs rendered before.
 */
export async function manifestDiffs(releases: Releases, from: DiffSide, to: DiffSide, helm: string, options: ManifestDiffOptions = {}): Promise<ManifestDiff[]> {
  const { createTwoFilesPatch } = await import('diff');
  const cache = new RenderCache(options.cacheDir);
  const work = await mkdtemp(path.join(tmpdir(), 'recipe-manifests-'));
  try {
    const names = [...new Set([...Object.keys(from.recipe.services), ...Object.keys(to.recipe.services)])].filter((name) => releases.environments.services[name]).sort();
    const inputs = async (side: DiffSide, name: string): Promise<RenderInput | undefined> => {
      const entry = side.recipe.services[name];
      if (!entry) return undefined;
      const service = releases.environments.services[name]!;
      const values = helmValues(service, entry.commit, side.rev === undefined ? await readValues(releases.root, side.env, name) : await valuesAt(releases.root, side.rev, side.env, name));
      return { helm, commit: entry.commit, chart: service.chart, chartLibraries: service.chartLibraries ?? [], release: name, namespace: findEnvironment(releases.environments, side.env).namespace, values };
    };
    const render = async (input: RenderInput | undefined, label: string): Promise<string> => {
      if (!input) return '';
      const key = renderKey(input);
      const cached = await cache.get(key);
      if (cached !== undefined) return cached;
      const dir = path.join(work, `${label}-${input.release}`);
      await mkdir(dir, { recursive: true });
      const chartDir = await extractChart(releases.root, input.commit, input.chart, dir, helm, work);
      const manifests = normaliseManifests(await helmTemplate({ helm, chartDir, release: input.release, namespace: input.namespace, values: input.values, workDir: work }));
      await cache.set(key, manifests);
      return manifests;
    };
    const pairs = await Promise.all(names.map(async (name) => ({ name, before: await inputs(from, name), after: await inputs(to, name) })));
    // The same inputs render the same manifests: nothing to render, nothing to show.
    const changed = pairs.filter(({ before, after }) => !before || !after || renderKey(before) !== renderKey(after));
    let done = 0;
    const results = await mapBounded(changed, options.parallelism ?? Math.max(1, availableParallelism()), async ({ name, before, after }) => {
      // Both sides finish before a failure is thrown: the finally below must not remove the
      // folder while the other side is still unpacking its chart into it.
      const sides = await Promise.allSettled([render(before, 'from'), render(after, 'to')]);
      options.progress?.(++done, changed.length);
      const failed = sides.find((side) => side.status === 'rejected');
      if (failed) throw failed.reason;
      const [beforeText = '', afterText = ''] = sides.map((side) => (side as PromiseFulfilledResult<string>).value);
      if (beforeText === afterText) return undefined;
      return { service: name, patch: createTwoFilesPatch(`${sideLabel(from)}/${name}`, `${sideLabel(to)}/${name}`, beforeText, afterText, shortCommit(from.recipe.services[name]?.commit), shortCommit(to.recipe.services[name]?.commit)) };
    });
    return results.filter((diff): diff is ManifestDiff => diff !== undefined);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `work` over the items, at most `limit` at a time, results in the items' order; the first failure is thrown once all have settled. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<R>).value);
}

/** `prod` or `prod@HEAD~1`. */
export function sideLabel(side: DiffSide): string {
  return side.rev === undefined ? side.env : `${side.env}@${side.rev}`;
}

async function valuesAt(root: string, rev: string, env: string, service: string): Promise<Record<string, unknown>> {
  const text = await showFile(root, rev, valuesPath(env, service));
  return text === undefined ? {} : parseValues(text, `${rev}:${valuesPath(env, service)}`);
}

/** `<env>` (the working tree) or `<env>@<git revision>` (the recipe as committed there). */
export async function readSide(releases: Releases, arg: string): Promise<DiffSide> {
  const at = arg.indexOf('@');
  const env = findEnvironment(releases.environments, at === -1 ? arg : arg.slice(0, at)).name;
  if (at === -1) return { env, recipe: releases.recipes.get(env)!.recipe };
  const rev = checkRevision(arg.slice(at + 1), arg);
  const file = recipePath(env);
  const text = await showFile(releases.root, rev, file);
  if (text === undefined) throw new RecipeError(`${file} does not exist at "${rev}"`, { hint: `name a commit of the releases history, e.g. "git log --oneline -- ${file}"` });
  const { value, problems } = validateRecipe(parseYamlFile(text, `${rev}:${file}`), env, releases.environments);
  if (!value) throw problems[0]!;
  return { env, recipe: value, rev };
}

export interface EnvironmentDiff {
  /** The labels of the two sides: `staging`, `prod@HEAD~1`. */
  from: string;
  to: string;
  services: ServiceDiff[];
  /** With `manifests`: the rendered Kubernetes diff per service whose manifests differ. */
  manifests?: ManifestDiff[];
}

/**
 * `recipe diff <from> <to>`: each side an environment (its recipe now) or `<env>@<git revision>`.
 * `env` is where helm is looked up (HELM) for `manifests`.
 */
export async function diffEnvironments(options: { root: string; from: string; to: string; manifests?: boolean; env?: NodeJS.ProcessEnv; progress?: ManifestDiffOptions['progress'] }): Promise<EnvironmentDiff> {
  const envOf = (arg: string) => arg.split('@')[0]!;
  const releases = await loadReleases(options.root, [envOf(options.from), envOf(options.to)]);
  const from = await readSide(releases, options.from);
  const to = await readSide(releases, options.to);
  const services = await diffRecipes(releases.root, releases.environments, from.recipe, to.recipe);
  const env = options.env ?? process.env;
  const manifests = options.manifests ? await manifestDiffs(releases, from, to, findHelm(releases.root, env), { cacheDir: renderCacheDir(env), ...(options.progress ? { progress: options.progress } : {}) }) : undefined;
  return { from: sideLabel(from), to: sideLabel(to), services, ...(manifests ? { manifests } : {}) };
}
