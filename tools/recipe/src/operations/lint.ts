import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import { RecipeError } from '../model/errors.ts';
import { issueProblems, verificationIssues } from '../model/provenance.ts';
import { snapshotFileName, snapshotId, SNAPSHOTS_DIR, type Snapshot } from '../model/snapshot.ts';
import { readSnapshotRecord, resolveEntries } from '../io/snapshot-store.ts';
import { locate, parseYamlFile, problemAt, type PathSegment, type YamlFile } from '../model/yaml-file.ts';
import { evidencePath, storedDigest } from '../io/evidence-store.ts';
import { readGitFacts } from '../io/git-facts.ts';
import { changedFilesSince, existingCommits, pathTypesAt, runGit } from '../io/git.ts';
import { fluxDir, loadReleasesWithProblems, readReleasesFile, RELEASES, type Releases } from '../io/releases.ts';
import { planEnvironmentRender } from './render.ts';

export interface LintProblem {
  severity: 'error' | 'warning';
  problem: RecipeError;
}

async function yamlFilesUnder(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await yamlFilesUnder(root, rel)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Any `kind: Secret` document that is not SOPS-encrypted, in any YAML file under releases/. */
export async function plaintextSecrets(root: string, files?: readonly string[]): Promise<RecipeError[]> {
  const problems: RecipeError[] = [];
  for (const file of files ?? (await yamlFilesUnder(root, RELEASES))) {
    const text = await readReleasesFile(root, file).catch((failure: unknown) => failure);
    if (typeof text !== 'string') {
      problems.push(asProblem(text));
      continue;
    }
    if (!/kind:\s*["']?Secret\b/.test(text)) continue;
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter })) {
      if (!('contents' in doc) || !isMap(doc.contents)) continue;
      const kind: unknown = doc.contents.get('kind', true);
      if (!isScalar(kind) || kind.value !== 'Secret' || doc.contents.has('sops')) continue;
      const pos = kind.range ? lineCounter.linePos(kind.range[0]) : { line: 1, col: 1 };
      problems.push(new RecipeError('a plaintext Kubernetes Secret is committed under releases/', {
        file,
        line: pos.line,
        column: pos.col,
        field: 'kind',
        exitCode: 1,
        hint: 'remove it (and rotate what it held); keep secrets in the cluster (an existing Secret the chart references) or commit them encrypted (SOPS)',
      }));
    }
  }
  return problems;
}

/** A failure to read a file as a problem to list; anything but a RecipeError is a bug and is thrown. */
function asProblem(failure: unknown): RecipeError {
  if (failure instanceof RecipeError) return failure;
  throw failure;
}

export interface LintOptions {
  /**
   * A base revision: read only the snapshots (and scan for Secrets only the files) under releases/
   * that changed since it, plus the snapshots the recipes name. Environments, recipes, commits
   * and renders are always checked whole. Undefined: everything (`--all`).
   */
  since?: string;
}

/** Every problem of the releases folder, errors and warnings. */
/** Each service's project and chart must be folders of the monorepo at HEAD, and a chart must hold a Chart.yaml. */
async function servicePathProblems(root: string, releases: Releases): Promise<RecipeError[]> {
  const checks: Array<{ at: PathSegment[]; path: string; want: 'tree' | 'blob'; what: string }> = [];
  for (const [service, entry] of Object.entries(releases.environments.services)) {
    checks.push({ at: ['services', service, 'project'], path: entry.project, want: 'tree', what: `the project folder of ${service}` });
    checks.push({ at: ['services', service, 'chart'], path: entry.chart, want: 'tree', what: `the chart folder of ${service}` });
    checks.push({ at: ['services', service, 'chart'], path: `${entry.chart.replace(/\/+$/, '')}/Chart.yaml`, want: 'blob', what: `the Chart.yaml of ${service}'s chart` });
  }
  const head = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (head.code !== 0) return [];
  const types = await pathTypesAt(root, 'HEAD', checks.map((c) => c.path));
  const problems: RecipeError[] = [];
  const reported = new Set<string>();
  checks.forEach((check, index) => {
    const key = check.at.join('.');
    if (types[index] === check.want || reported.has(key)) return;
    reported.add(key);
    problems.push(problemAt(releases.environmentsFile, check.at, `${check.path} is not in the repository at HEAD (${check.what})`, check.want === 'blob' ? `a chart folder holds a Chart.yaml: point chart: at the chart, e.g. charts/${String(check.at[1])}` : 'fix the path, or commit the folder first'));
  });
  return problems;
}

export async function lintReleases(root: string, options: LintOptions = {}): Promise<LintProblem[]> {
  const { releases, problems } = await loadReleasesWithProblems(root);
  const out: LintProblem[] = problems.map((problem) => ({ severity: 'error', problem }));
  const error = (problem: RecipeError) => out.push({ severity: 'error', problem });
  const changed = options.since === undefined ? undefined : (await changedFilesSince(root, options.since, RELEASES)).filter((file) => /\.ya?ml$/.test(file));
  out.push(...(await plaintextSecrets(root, changed)).map((problem) => ({ severity: 'error' as const, problem })));
  if (releases) out.push(...(await servicePathProblems(root, releases)).map((problem) => ({ severity: 'error' as const, problem })));
  const allSnapshotFiles = await snapshotFileNames(root);
  const snapshotFiles = changed === undefined ? allSnapshotFiles : snapshotsToCheck(changed, allSnapshotFiles, releases);
  const validSnapshots = new Set<string>();
  const valid: Array<{ file: string; text: string; snapshot: Snapshot }> = [];
  // Format 2 files' combinations are read from git for all of them at once, and checked against their ids.
  const entries = await resolveEntries(root, await Promise.all(snapshotFiles.map((file) => readSnapshotRecord(root, file))));
  for (const { file, text, snapshot, problems: found } of entries) {
    found.forEach(error);
    if (found.length === 0 && snapshot) {
      validSnapshots.add(path.basename(file));
      valid.push({ file, text, snapshot });
      (await evidenceProblems(root, file, text, snapshot)).forEach(error);
    }
  }
  // Verifications must agree with git: a backdated time or a releases commit that did not run the snapshot is an edit.
  const facts = await readGitFacts(root, { base: 'HEAD', baseBranch: '', environments: [], snapshots: valid.map((entry) => entry.snapshot) }).catch(() => undefined);
  for (const { file, text, snapshot } of facts ? valid : []) issueProblems(file, text, verificationIssues(snapshot, facts!)).forEach(error);
  if (!releases) return distinct(out);
  await lintFolders(releases, error);
  await lintCommits(releases, error);
  lintSnapshots(releases, validSnapshots, new Set(allSnapshotFiles.map((file) => path.basename(file))), out);
  for (const env of releases.recipes.keys()) {
    try {
      const plan = await planEnvironmentRender(releases, env);
      for (const difference of plan.differences) {
        error(new RecipeError(`stale render: ${difference.change === 'added' ? 'missing' : difference.change === 'removed' ? 'should not exist' : 'out of date'}`, { file: `${fluxDir(env)}/${difference.file}`, exitCode: 1, hint: 'run "recipe render" and commit the result' }));
      }
    } catch (failure) {
      if (failure instanceof RecipeError) error(failure);
      else throw failure;
    }
  }
  return distinct(out);
}

/** The snapshot files under releases/snapshots/ (every depth), by name only: nothing is read. */
function snapshotFileNames(root: string): Promise<string[]> {
  return yamlFilesUnder(root, `${RELEASES}/${SNAPSHOTS_DIR}`);
}

/** Of the snapshot files, those changed since the base revision and those a recipe names. */
function snapshotsToCheck(changed: readonly string[], all: readonly string[], releases: Releases | undefined): string[] {
  const named = new Set([...(releases?.recipes.values() ?? [])].flatMap(({ recipe }) => (recipe.snapshot ? [`${RELEASES}/${SNAPSHOTS_DIR}/${snapshotFileName(recipe.snapshot)}`] : [])));
  const touched = new Set(changed);
  return all.filter((file) => touched.has(file) || named.has(file));
}

/** Each problem once: a file refused as unreadable (e.g. too big) is met by more than one check. */
function distinct(problems: LintProblem[]): LintProblem[] {
  const seen = new Set<string>();
  return problems.filter(({ problem }) => {
    const key = JSON.stringify([problem.file, problem.line, problem.field, problem.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Each stored report a snapshot names must be in the evidence store, under the hash of its content. */
async function evidenceProblems(root: string, file: string, text: string, snapshot: Snapshot): Promise<RecipeError[]> {
  // Parsed (and its Document composed) only to place a problem: most snapshots have none.
  let parsed: YamlFile | undefined;
  const yaml = () => (parsed ??= parseYamlFile(text, file));
  const problems: RecipeError[] = [];
  for (const [index, verification] of snapshot.verifications.entries()) {
    for (const [n, evidence] of verification.evidence.entries()) {
      if (evidence.check === undefined) continue;
      const where = () => ({ file, ...locate(yaml(), ['verifications', index, 'evidence', n, 'file']), field: `verifications[${index}].evidence[${n}].file`, exitCode: 1 as const });
      const digest = await storedDigest(root, evidence.file);
      if (evidence.file !== evidencePath(evidence.sha256)) {
        problems.push(new RecipeError(`the ${evidence.check} report is not in the evidence store: expected ${evidencePath(evidence.sha256)}`, { ...where(), hint: 'record reports with "recipe snapshot --evidence <check>=<junit.xml>"; a snapshot is never edited by hand' }));
      } else if (digest === undefined) {
        problems.push(new RecipeError(`the ${evidence.check} report ${evidence.file} does not exist`, { ...where(), hint: `restore it from git history (git log --all -- ${evidence.file})` }));
      } else if (digest !== evidence.sha256) {
        problems.push(new RecipeError(`the ${evidence.check} report ${evidence.file} was edited: its content hashes to ${digest}`, { ...where(), hint: `restore it from git history (git checkout <commit> -- ${evidence.file})` }));
      }
    }
  }
  return problems;
}

async function lintFolders(releases: Releases, error: (problem: RecipeError) => void): Promise<void> {
  const known = new Set(releases.environments.environments.map((env) => env.name));
  const entries = await readdir(path.join(releases.root, RELEASES), { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === SNAPSHOTS_DIR || entry.name.startsWith('.') || known.has(entry.name)) continue;
    error(new RecipeError(`folder for unknown environment "${entry.name}"`, { file: `${RELEASES}/${entry.name}`, exitCode: 1, hint: `add "${entry.name}" under environments: in releases/environments.yaml, or remove the folder` }));
  }
}

async function lintCommits(releases: Releases, error: (problem: RecipeError) => void): Promise<void> {
  const all = [...releases.recipes.values()].flatMap(({ recipe }) => Object.values(recipe.services).map((entry) => entry.commit));
  const found = await existingCommits(releases.root, all).catch(() => undefined);
  if (!found) return;
  for (const { env, yaml, recipe } of releases.recipes.values()) {
    for (const [service, entry] of Object.entries(recipe.services)) {
      if (found.has(entry.commit)) continue;
      error(new RecipeError(`commit ${entry.commit} of ${service} does not exist in this repository`, {
        file: yaml.file,
        ...locate(yaml, ['services', service, 'commit']),
        field: `services.${service}.commit`,
        exitCode: 1,
        hint: `use a commit of this repository (a shallow clone needs "git fetch --unshallow"); ${env} cannot run a commit that was never built`,
      }));
    }
  }
}

function lintSnapshots(releases: Releases, valid: ReadonlySet<string>, present: ReadonlySet<string>, out: LintProblem[]): void {
  for (const env of releases.environments.environments) {
    const file = releases.recipes.get(env.name);
    if (!file) continue;
    const { recipe, yaml } = file;
    if (recipe.snapshot === undefined) {
      if (env.from !== undefined && !env.auto && recipe.override === undefined && Object.keys(recipe.services).length > 0) {
        out.push({ severity: 'warning', problem: new RecipeError(`no snapshot vouches for the combination ${env.name} runs`, { file: yaml.file, line: 1, column: 1, field: 'snapshot', exitCode: 1, hint: `promote to it with "recipe promote ${env.name}", or say why in "override:"` }) });
      }
      continue;
    }
    const combination = Object.fromEntries(Object.entries(recipe.services).map(([name, entry]) => [name, { commit: entry.commit, image: releases.environments.services[name]?.image ?? '' }]));
    const where = { file: yaml.file, ...locate(yaml, ['snapshot']), field: 'snapshot', exitCode: 1 as const };
    const name = snapshotFileName(recipe.snapshot);
    if (snapshotId(combination) !== recipe.snapshot) {
      out.push({ severity: 'error', problem: new RecipeError(`the services do not match snapshot ${recipe.snapshot.slice(0, 12)}: the recipe's combination hashes to ${snapshotId(combination).slice(0, 12)}`, { ...where, hint: 'promote from the snapshot again, or remove "snapshot:" (and say why in "override:")' }) });
    } else if (!present.has(name)) {
      out.push({ severity: 'error', problem: new RecipeError(`snapshot ${recipe.snapshot.slice(0, 12)} does not exist`, { ...where, hint: `restore releases/${SNAPSHOTS_DIR}/${name}, or remove "snapshot:"` }) });
    } else if (!valid.has(name)) {
      out.push({ severity: 'error', problem: new RecipeError(`snapshot ${recipe.snapshot.slice(0, 12)} is invalid (see its own problem)`, { ...where, hint: `fix releases/${SNAPSHOTS_DIR}/${name}` }) });
    }
  }
}
