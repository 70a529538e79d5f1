// The releases board: gathers what status, history and the gates compute, through the same
// functions, and writes it as a static site. The page and the CLI can never disagree.
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderBoard, type BoardCell, type BoardCheck, type BoardData, type BoardEnvironment, type BoardEvent, type BoardReadiness, type BoardSnapshot, type BoardVerification } from '../model/board.ts';
import type { Environment } from '../model/environments.ts';
import { serviceNames } from '../model/environments.ts';
import { plural } from '../model/format.ts';
import { chooseSnapshot, formatDuration, type GateEvaluation } from '../model/gates.ts';
import type { GitFacts } from '../model/provenance.ts';
import { latestVerification, snapshotsOf, type Snapshot, type Verification } from '../model/snapshot.ts';
import { headCommit, loadCommitGraph, runGit } from '../io/git.ts';
import { loadReleases, type Releases } from '../io/releases.ts';
import { readGitFacts } from '../io/git-facts.ts';
import { listSnapshots } from '../io/snapshot-store.ts';
import { environmentHistory } from './history.ts';

export interface BoardOptions {
  root: string;
  now?: Date;
  /** Newest events per environment on the page (the full history stays in git). */
  historyLimit?: number;
}

export interface BoardSite {
  data: BoardData;
  files: Record<string, string>;
  /** Stored evidence reports to copy into the site: site path -> repository path. */
  reports: Record<string, string>;
}

const EVIDENCE_DIR = 'evidence';
/** Snapshots listed on the page besides those an environment runs. */
export const SNAPSHOTS_SHOWN = 30;

function gateList(env: Environment): string[] {
  const gates: string[] = [];
  if (env.gates.verified) gates.push('verified');
  if (env.gates.soak !== undefined) gates.push(`soak ${env.gates.soak}`);
  for (const name of env.gates.evidence ?? []) gates.push(`${name} evidence`);
  return gates;
}

/** A check's state: its stored report decides; otherwise "passed"/"failed" as written, else just recorded. */
function checkOf(name: string, value: string, verification: Verification, reports: Record<string, string>): BoardCheck {
  const stored = verification.evidence.find((e) => e.check === name);
  const lowered = value.toLowerCase();
  let status: BoardCheck['status'] = lowered === 'passed' || lowered === 'success' ? 'passed' : lowered === 'failed' || lowered === 'failure' ? 'failed' : 'recorded';
  if (stored?.status) status = stored.status;
  const check: BoardCheck = { name, value, status };
  if (stored) {
    const site = `${EVIDENCE_DIR}/${path.basename(stored.file)}`;
    reports[site] = stored.file;
    check.report = site;
    if (stored.tests !== undefined) check.summary = `${plural(stored.tests, 'test')}, ${(stored.failures ?? 0) + (stored.errors ?? 0)} failed, ${stored.skipped ?? 0} skipped`;
  }
  return check;
}

function verificationOf(v: Verification, reports: Record<string, string>): BoardVerification {
  const checks = Object.entries(v.checks).map(([name, value]) => checkOf(name, value, v, reports));
  // Reports recorded without a --check of the same name are shown too.
  for (const e of v.evidence) {
    if (e.check !== undefined && !checks.some((c) => c.name === e.check)) checks.push(checkOf(e.check, e.status ?? 'recorded', v, reports));
  }
  return {
    environment: v.environment,
    at: v.at,
    verified: v.verified,
    ...(v.skipReason ? { skipReason: v.skipReason } : {}),
    ...(v.cluster ? { context: v.cluster.context } : {}),
    recipeCommit: v.recipeCommit,
    checks,
  };
}

/** The readiness of the promotion into `env`, from the gates `recipe promote` evaluates. */
export function readinessOf(env: Environment, releases: Releases, snapshots: Snapshot[], now: Date, facts?: GitFacts): BoardReadiness | undefined {
  if (!env.from) return undefined;
  const recipe = releases.recipes.get(env.name)?.recipe;
  if (recipe?.hold) return { state: 'held', text: `held: ${recipe.hold.reason}`, details: [] };
  let evaluation: GateEvaluation;
  try {
    evaluation = chooseSnapshot({ name: env.name, from: env.from, gates: env.gates }, snapshots, now, undefined, facts);
  } catch {
    return { state: 'none', text: `no snapshot of ${env.from} yet`, details: [`record one with "recipe snapshot ${env.from}"`] };
  }
  const id = evaluation.snapshot.id;
  const runs = recipe !== undefined && Object.entries(evaluation.snapshot.services).every(([service, s]) => recipe.services[service]?.commit === s.commit);
  if (evaluation.unmet.length === 0) {
    return runs
      ? { state: 'current', text: `up to date: runs snapshot ${id.slice(0, 12)}`, snapshot: id, details: [] }
      : { state: 'ready', text: `ready: snapshot ${id.slice(0, 12)}`, snapshot: id, details: [] };
  }
  const soakOnly = evaluation.unmet.every((line) => line.startsWith('soak '));
  // A snapshot that no longer runs in `from` stopped soaking: it will not become ready by waiting.
  if (soakOnly && evaluation.soakMs !== undefined && evaluation.soakedMs !== undefined && evaluation.soakRun?.until === undefined) {
    const readyAt = new Date(now.getTime() + (evaluation.soakMs - evaluation.soakedMs)).toISOString().replace(/\.\d+Z$/, 'Z');
    return { state: 'waiting', text: `soaks until ${readyAt.replace('T', ' ').replace('Z', ' UTC')} (${formatDuration(evaluation.soakMs - evaluation.soakedMs)} left)`, snapshot: id, details: evaluation.unmet };
  }
  const evidence = evaluation.unmet.filter((line) => line.startsWith('evidence ')).map((line) => /^evidence (\S+?):/.exec(line)?.[1]).filter(Boolean);
  const text = evidence.length > 0 ? `needs ${evidence.join(' and ')} evidence` : evaluation.unmet[0]!.split(':')[0]!.startsWith('verified') ? 'needs a verified snapshot' : `blocked: ${evaluation.unmet[0]!.split(':')[0]}`;
  return { state: 'blocked', text, snapshot: id, details: evaluation.unmet };
}

async function matrix(releases: Releases): Promise<BoardData['services']> {
  const envs = releases.environments.environments;
  const commits = [...releases.recipes.values()].flatMap(({ recipe }) => Object.values(recipe.services).map((entry) => entry.commit));
  const present = new Set<string>();
  if (commits.length) {
    const out = (await runGit(releases.root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${[...new Set(commits)].join('\n')}\n`)).stdout;
    for (const line of out.split('\n')) if (line.endsWith(' commit')) present.add(line.split(' ')[0]!);
  }
  const graph = await loadCommitGraph(releases.root, [...present]);
  const services = releases.environments.services;
  graph.indexPaths(Object.values(services).flatMap((s) => [s.project, s.chart]));
  const web = releases.environments.repository.webUrl?.replace(/\/+$/, '');
  const gitlab = releases.environments.repository.forge?.type === 'gitlab';
  return serviceNames(releases.environments).map((service) => {
    const paths = [services[service]!.project, services[service]!.chart];
    const cells: Record<string, BoardCell | null> = {};
    for (const env of envs) {
      const entry = releases.recipes.get(env.name)?.recipe.services[service];
      if (!entry) {
        cells[env.name] = null;
        continue;
      }
      const upstream = env.from ? releases.recipes.get(env.from)?.recipe.services[service] : undefined;
      const cell: BoardCell = { commit: entry.commit, ...(entry.version ? { version: entry.version } : {}) };
      if (web) cell.commitUrl = gitlab ? `${web}/-/commit/${entry.commit}` : `${web}/commit/${entry.commit}`;
      if (upstream && present.has(upstream.commit) && present.has(entry.commit) && upstream.commit !== entry.commit) {
        cell.behind = graph.between(entry.commit, upstream.commit, paths).length;
        cell.ahead = graph.between(upstream.commit, entry.commit, paths).length;
        if (web && cell.behind > 0) cell.compareUrl = gitlab ? `${web}/-/compare/${entry.commit}...${upstream.commit}` : `${web}/compare/${entry.commit}...${upstream.commit}`;
      } else if (upstream) {
        cell.behind = 0;
      }
      cells[env.name] = cell;
    }
    return { service, cells };
  });
}

function snapshotsSection(releases: Releases, snapshots: Snapshot[], reports: Record<string, string>): BoardSnapshot[] {
  const running = new Map<string, string[]>();
  for (const [env, { recipe }] of releases.recipes) if (recipe.snapshot) running.set(recipe.snapshot, [...(running.get(recipe.snapshot) ?? []), env]);
  // The newest ones and every one an environment runs: years of snapshots stay in git, not on the page.
  const sorted = [...snapshots].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return sorted
    .filter((s, index) => index < SNAPSHOTS_SHOWN || running.has(s.id))
    .map((s) => ({
      id: s.id,
      environment: s.environment,
      createdAt: s.createdAt,
      services: Object.entries(s.services).map(([service, v]) => ({ service, commit: v.commit, ...(v.version ? { version: v.version } : {}) })),
      runningIn: running.get(s.id) ?? [],
      verifications: s.verifications.map((v) => verificationOf(v, reports)),
    }));
}

function lastVerificationOf(env: Environment, releases: Releases, snapshots: Snapshot[], reports: Record<string, string>): BoardVerification | undefined {
  const named = releases.recipes.get(env.name)?.recipe.snapshot;
  const snapshot = (named && snapshots.find((s) => s.id === named)) || snapshotsOf(snapshots, env.name)[0];
  const v = snapshot && latestVerification(snapshot, env.name);
  return v ? verificationOf(v, reports) : undefined;
}

/** Everything the page shows, from the releases at `root`. */
export async function gatherBoard(options: BoardOptions): Promise<BoardSite> {
  const now = options.now ?? new Date();
  const releases = await loadReleases(options.root);
  const { snapshots } = await listSnapshots(options.root);
  const reports: Record<string, string> = {};
  const envs = releases.environments.environments;
  // The same git-measured gates as "recipe promote"; a checkout without git history falls back to the files' times.
  const froms = [...new Set(envs.flatMap((env) => (env.from ? [env.from] : [])))];
  const facts = await readGitFacts(options.root, { base: 'HEAD', baseBranch: releases.environments.repository.baseBranch, environments: froms, snapshots }).catch(() => undefined);
  const environments: BoardEnvironment[] = envs.map((env) => {
    const recipe = releases.recipes.get(env.name)?.recipe;
    const readiness = readinessOf(env, releases, snapshots, now, facts);
    const lastVerification = lastVerificationOf(env, releases, snapshots, reports);
    return {
      name: env.name,
      ...(env.from ? { from: env.from } : {}),
      namespace: env.namespace,
      auto: env.auto,
      ...(recipe?.hold ? { hold: { reason: recipe.hold.reason, ...(recipe.hold.by ? { by: recipe.hold.by } : {}), ...(recipe.hold.since ? { at: recipe.hold.since } : {}) } } : {}),
      ...(recipe?.override ? { override: recipe.override } : {}),
      ...(recipe?.snapshot ? { snapshot: recipe.snapshot } : {}),
      ...(lastVerification ? { lastVerification } : {}),
      ...(readiness ? { readiness } : {}),
      gates: gateList(env),
    };
  });
  const history: Record<string, BoardEvent[]> = {};
  for (const env of envs) {
    const events = await environmentHistory(releases.root, env.name, { limit: options.historyLimit ?? 50 });
    history[env.name] = events.map((e) => ({
      time: e.time,
      service: e.service ?? '',
      ...(e.from ? { from: e.from } : {}),
      ...(e.to ? { to: e.to } : {}),
      author: e.author,
      commit: e.commit,
      subject: e.note ? `${e.subject}: ${e.note}` : e.subject,
      ...(e.pullRequest ? { pullRequest: e.pullRequest } : {}),
      ...(e.snapshot ? { snapshot: e.snapshot } : {}),
      kind: e.kind,
    }));
  }
  const releasesCommit = await headCommit(releases.root).catch(() => undefined);
  const data: BoardData = {
    title: `Releases of ${releases.environments.repository.forge?.project ?? path.basename(releases.root)}`,
    generatedAt: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    ...(releasesCommit ? { releasesCommit } : {}),
    ...(releases.environments.repository.webUrl ? { webUrl: releases.environments.repository.webUrl } : {}),
    environments,
    services: await matrix(releases),
    snapshots: snapshotsSection(releases, snapshots, reports),
    history,
  };
  return { data, files: renderBoard(data), reports };
}

/** Writes the site into `out`: built in a temporary sibling folder, then swapped in whole. */
export async function writeBoard(root: string, site: BoardSite, out: string): Promise<void> {
  const parent = path.dirname(path.resolve(out));
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, `.${path.basename(out)}-`));
  try {
    for (const [file, text] of Object.entries(site.files)) await writeFile(path.join(staging, file), text);
    if (Object.keys(site.reports).length) await mkdir(path.join(staging, EVIDENCE_DIR));
    for (const [file, source] of Object.entries(site.reports)) await copyFile(path.join(root, source), path.join(staging, file)).catch(() => undefined);
    const previous = `${path.resolve(out)}.previous-${process.pid}`;
    const existed = await readdir(out).then(() => true, () => false);
    if (existed) await rename(out, previous);
    await rename(staging, out);
    if (existed) await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
