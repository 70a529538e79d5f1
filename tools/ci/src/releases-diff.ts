// What a pull request changes in each environment of releases/, as Markdown for one PR/MR comment.
// `recipe diff <from> <to>` compares two environments of one tree; to compare an environment with
// itself before the change, a scratch worktree of the head gets one extra environment holding the
// base's recipe, and recipe diffs that against the environment as the pull request leaves it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parseDocument, isMap, isSeq } from 'yaml';
import { git, repositoryRoot } from './git.ts';
import { ENVIRONMENTS_FILE } from './environments.ts';

/** GitHub refuses comments over 65,536 characters; leave room for the marker and headings. */
export const COMMENT_LIMIT = 60_000;

/** Environments whose folder changed between two commits, in the order environments.yaml lists them. */
export function changedEnvironments(changedFiles: readonly string[], environments: readonly string[]): string[] {
  const touched = new Set(changedFiles.map((file) => /^releases\/([^/]+)\//.exec(file)?.[1]).filter((name): name is string => Boolean(name)));
  return environments.filter((name) => touched.has(name));
}

/** Environment names listed in an environments.yaml text. */
export function environmentNames(environmentsYaml: string): string[] {
  const doc = parseDocument(environmentsYaml);
  const list = doc.get('environments');
  if (!isSeq(list)) return [];
  return list.items.map((item) => (isMap(item) ? String(item.get('name') ?? '') : '')).filter(Boolean);
}

/** environments.yaml with one more environment, `extra`, a copy of `of` without promotion source or gates. */
export function withScratchEnvironment(environmentsYaml: string, of: string, extra: string): string {
  const doc = parseDocument(environmentsYaml);
  const list = doc.get('environments');
  if (!isSeq(list)) throw new Error(`${ENVIRONMENTS_FILE} has no environments list`);
  const original = list.items.find((item) => isMap(item) && item.get('name') === of);
  if (!isMap(original)) throw new Error(`${ENVIRONMENTS_FILE} has no environment "${of}"`);
  const copy = original.clone() as typeof original;
  copy.set('name', extra);
  copy.set('auto', false);
  copy.delete('from');
  copy.delete('gates');
  list.items.push(copy);
  return doc.toString();
}

/** A recipe.yaml text relabelled for another environment. */
export function relabelRecipe(recipeYaml: string, environment: string): string {
  const doc = parseDocument(recipeYaml);
  doc.set('environment', environment);
  return doc.toString();
}

function recipeBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@platform/recipe/package.json')), 'bin', 'recipe.js');
}

function showFile(root: string, rev: string, file: string): string | undefined {
  try {
    return git(root, ['show', `${rev}:${file}`]);
  } catch {
    return undefined;
  }
}

export interface EnvironmentDiff {
  environment: string;
  /** Exit status of recipe diff (0 when it ran), or null when there was nothing to diff. */
  status: number | null;
  text: string;
}

/** recipe diff of each changed environment, base -> head, run in a scratch worktree of head. */
export function releasesDiff(root: string, base: string, head: string, recipe = recipeBin()): EnvironmentDiff[] {
  const headEnvironments = showFile(root, head, ENVIRONMENTS_FILE);
  if (headEnvironments === undefined) throw new Error(`${ENVIRONMENTS_FILE} does not exist at ${head}`);
  const changed = changedEnvironments(git(root, ['diff', '--name-only', base, head, '--', 'releases/']).split('\n'), environmentNames(headEnvironments));
  const results: EnvironmentDiff[] = [];
  for (const environment of changed) {
    const before = showFile(root, base, `releases/${environment}/recipe.yaml`);
    if (before === undefined) {
      results.push({ environment, status: null, text: `${environment} is new in this change: nothing to compare with.` });
      continue;
    }
    const scratch = mkdtempSync(join(tmpdir(), 'releases-diff-'));
    const worktree = join(scratch, 'tree');
    try {
      git(root, ['worktree', 'add', '--detach', '--quiet', worktree, head]);
      const label = `${environment}-before`.slice(0, 53);
      writeFileSync(join(worktree, ENVIRONMENTS_FILE), withScratchEnvironment(headEnvironments, environment, label));
      mkdirSync(join(worktree, 'releases', label), { recursive: true });
      writeFileSync(join(worktree, 'releases', label, 'recipe.yaml'), relabelRecipe(before, label));
      const run = spawnSync(process.execPath, [recipe, 'diff', label, environment], { cwd: worktree, env: { ...process.env, RECIPE_ROOT: worktree }, encoding: 'utf8' });
      const text = `${run.stdout ?? ''}${run.stderr ? `\n${run.stderr}` : ''}`.trim().replaceAll(label, `${environment} (before)`);
      results.push({ environment, status: run.status, text: text || '(no output)' });
    } finally {
      spawnSync('git', ['-C', root, 'worktree', 'remove', '--force', worktree]);
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return results;
}

/** The comment body: a section per environment, truncated to fit a GitHub comment. */
export function diffMarkdown(diffs: readonly EnvironmentDiff[], base: string, head: string): string {
  const lines = [`### recipe diff: ${base.slice(0, 7)} → ${head.slice(0, 7)}`, ''];
  if (diffs.length === 0) lines.push('No environment recipe changes in this pull request.');
  for (const diff of diffs) {
    lines.push(`#### ${diff.environment}`, '');
    if (diff.status !== null && diff.status !== 0) lines.push(`recipe diff exited with status ${diff.status}:`, '');
    lines.push('```text', diff.text.replaceAll('```', "'''"), '```', '');
  }
  let body = lines.join('\n');
  if (body.length > COMMENT_LIMIT) body = `${body.slice(0, COMMENT_LIMIT)}\n\`\`\`\n\n_Truncated: run \`npx recipe diff\` locally for the whole output._\n`;
  return body;
}

export function main(argv: string[], cwd = process.cwd()): number {
  const { values } = parseArgs({ args: argv, options: { base: { type: 'string' }, head: { type: 'string', default: 'HEAD' } } });
  if (!values.base) {
    process.stderr.write('Usage: node tools/ci/src/releases-diff.ts --base <rev> [--head <rev>]\n');
    return 2;
  }
  const root = repositoryRoot(cwd);
  const base = execFileSync('git', ['-C', root, 'rev-parse', values.base], { encoding: 'utf8' }).trim();
  const head = execFileSync('git', ['-C', root, 'rev-parse', values.head], { encoding: 'utf8' }).trim();
  process.stdout.write(diffMarkdown(releasesDiff(root, base, head), base, head));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`releases-diff: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
