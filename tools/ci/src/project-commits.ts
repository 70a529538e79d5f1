// A semantic-release plugin that attributes commits to a project by the files they touch: it keeps
// only the commits that changed something under the project's paths, then hands them to
// @semantic-release/commit-analyzer and @semantic-release/release-notes-generator. This is what
// semantic-release-monorepo does; that package (8.0.2, Dec 2024) pins CommonJS-era dependencies
// and finds the project by walking up to a package.json, so this workspace keeps its own 40 lines.
import { analyzeCommits as analyze } from '@semantic-release/commit-analyzer';
import { generateNotes as notes } from '@semantic-release/release-notes-generator';
import type { AnalyzeCommitsContext, Commit, GenerateNotesContext } from 'semantic-release';
import { git } from './git.ts';

export interface ProjectCommitsConfig extends Record<string, unknown> {
  /** Folders (relative to the repository root) whose changes belong to the project. */
  paths: string[];
}

/** The hashes of commits after `from` (exclusive) up to `to` that touched any of `paths`. */
export function commitsTouching(cwd: string, paths: readonly string[], to: string, from?: string): Set<string> {
  const range = from ? `${from}..${to}` : to;
  const out = git(cwd, ['log', '--format=%H', range, '--', ...paths.map((path) => `:(top)${path}`)]);
  return new Set(out.split('\n').filter(Boolean));
}

function projectOnly<T extends AnalyzeCommitsContext>(config: ProjectCommitsConfig, context: T): T {
  if (!Array.isArray(config.paths) || config.paths.length === 0) throw new Error('project-commits: set "paths" to the project folder(s)');
  const head = context.commits.at(0)?.hash ?? context.commits.at(0)?.commit.long;
  if (!head) return context;
  const touching = commitsTouching(context.cwd ?? process.cwd(), config.paths, head, context.lastRelease.gitHead || undefined);
  const commits: Commit[] = context.commits.filter((commit) => touching.has(commit.hash));
  context.logger.log(`${commits.length} of ${context.commits.length} commits since the last release touch ${config.paths.join(', ')}`);
  return { ...context, commits };
}

export async function analyzeCommits(config: ProjectCommitsConfig, context: AnalyzeCommitsContext): Promise<string | null> {
  const { paths: _paths, ...analyzerConfig } = config;
  return analyze(analyzerConfig, projectOnly(config, context));
}

export async function generateNotes(config: ProjectCommitsConfig, context: GenerateNotesContext): Promise<string> {
  const { paths: _paths, ...notesConfig } = config;
  return notes(notesConfig, projectOnly(config, context));
}
