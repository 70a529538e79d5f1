// What a pull request changes in each environment of releases/, as Markdown for one PR/MR comment:
// for each environment whose folder changed, `recipe diff <env>@<base> <env>@<head>` through the
// recipe library (the recipes as committed at both revisions; environments.yaml of the checkout).
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { diffEnvironments, formatDiffs, listEnvironments, RecipeError } from '@platform/recipe';
import { git, repositoryRoot } from './git.ts';

/** GitHub refuses comments over 65,536 characters; leave room for the marker and headings. */
export const COMMENT_LIMIT = 60_000;

/** Environments whose folder changed between two commits, in the order environments.yaml lists them. */
export function changedEnvironments(changedFiles: readonly string[], environments: readonly string[]): string[] {
  const touched = new Set(changedFiles.map((file) => /^releases\/([^/]+)\//.exec(file)?.[1]).filter((name): name is string => Boolean(name)));
  return environments.filter((name) => touched.has(name));
}

export interface EnvironmentDiff {
  environment: string;
  /** Exit status recipe diff would have: 0 when it ran, else the error's (2: bad input such as a recipe missing at base). */
  status: number;
  text: string;
}

/** `recipe diff <env>@<base> <env>@<head>` of each environment the change touches. */
export async function releasesDiff(root: string, base: string, head: string): Promise<EnvironmentDiff[]> {
  const names = (await listEnvironments(root)).map((env) => env.name);
  const changed = changedEnvironments(git(root, ['diff', '--name-only', base, head, '--', 'releases/']).split('\n'), names);
  const results: EnvironmentDiff[] = [];
  for (const environment of changed) {
    const [from, to] = [`${environment}@${base}`, `${environment}@${head}`];
    try {
      const diff = await diffEnvironments({ root, from, to });
      results.push({ environment, status: 0, text: formatDiffs(diff.services, { from: diff.from, to: diff.to }) });
    } catch (error) {
      if (!(error instanceof RecipeError)) throw error;
      results.push({ environment, status: error.exitCode, text: `recipe: ${error.format()}` });
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
    if (diff.status !== 0) lines.push(`recipe diff exited with status ${diff.status}:`, '');
    lines.push('```text', diff.text.replaceAll('```', "'''"), '```', '');
  }
  let body = lines.join('\n');
  if (body.length > COMMENT_LIMIT) body = `${body.slice(0, COMMENT_LIMIT)}\n\`\`\`\n\n_Truncated: run \`npx recipe diff\` locally for the whole output._\n`;
  return body;
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { base: { type: 'string' }, head: { type: 'string', default: 'HEAD' } } });
  if (!values.base) {
    process.stderr.write('Usage: node tools/ci/src/releases-diff.ts --base <rev> [--head <rev>]\n');
    return 2;
  }
  const root = repositoryRoot(cwd);
  const base = execFileSync('git', ['-C', root, 'rev-parse', values.base], { encoding: 'utf8' }).trim();
  const head = execFileSync('git', ['-C', root, 'rev-parse', values.head], { encoding: 'utf8' }).trim();
  process.stdout.write(diffMarkdown(await releasesDiff(root, base, head), base, head));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`releases-diff: ${error instanceof RecipeError ? error.format() : (error as Error).message}\n`);
    process.exitCode = 2;
  }
}
