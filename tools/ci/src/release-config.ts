// The semantic-release configuration of one project: tags `<project>-v<version>`, commits
// attributed by the files they touch, release notes as the project's changelog, and a release on
// the forge (GitHub or GitLab). Versions are only git tags: nothing is committed back, so the tag
// stays on the very commit whose image CI builds.
import { createRequire } from 'node:module';
import type { Options, PluginSpec } from 'semantic-release';
import * as projectCommits from './project-commits.ts';

// The preset is resolved from here: the plugins look it up from their own folder or the cwd, where npm may not have hoisted it.
const conventionalCommitsPreset = createRequire(import.meta.url).resolve('conventional-changelog-conventionalcommits');

export type Forge = 'github' | 'gitlab' | 'none';

export interface ReleaseConfigInput {
  /** Nx project name: the tag prefix. */
  project: string;
  /** Folders whose changes belong to the project (its root, and shared code it ships). */
  paths: string[];
  /** Where the release and its notes are published; `none` for a dry run without a forge. */
  forge: Forge;
  /** Release branches (default `main`). */
  branches?: Options['branches'];
  repositoryUrl?: string | undefined;
}

/** Which forge to publish to, from the CI environment: GitLab CI sets GITLAB_CI, GitHub Actions GITHUB_ACTIONS. */
export function detectForge(env: NodeJS.ProcessEnv): Forge {
  if (env.GITLAB_CI === 'true') return 'gitlab';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  return 'none';
}

export function releaseConfig({ project, paths, forge, branches = ['main'], repositoryUrl }: ReleaseConfigInput): Options {
  // A local repository (a dry run's file:// URL) has no web pages: links to it would read `https:/<folder>/commit/...`.
  const local = repositoryUrl?.startsWith('file:') ?? false;
  const changelog = { config: conventionalCommitsPreset, paths, ...(local ? { linkReferences: false, linkCompare: false } : {}) };
  // semantic-release accepts an inline plugin object; its typings only know module names.
  const inline = { analyzeCommits: projectCommits.analyzeCommits, generateNotes: projectCommits.generateNotes } as unknown as string;
  const plugins: PluginSpec[] = [[inline, changelog]];
  if (forge === 'github') {
    // One repository, several projects: comments and labels on every PR a release contains would repeat per project.
    plugins.push(['@semantic-release/github', { successComment: false, failComment: false, releasedLabels: false, releaseNameTemplate: `${project} <%= nextRelease.version %>` }]);
  }
  if (forge === 'gitlab') plugins.push(['@semantic-release/gitlab', {}]);
  return {
    branches,
    tagFormat: `${project}-v\${version}`,
    plugins,
    ...(repositoryUrl ? { repositoryUrl } : {}),
  };
}
