// The two plugins ship JavaScript without types; these are the functions project-commits.ts delegates to.
declare module '@semantic-release/commit-analyzer' {
  import type { AnalyzeCommitsContext } from 'semantic-release';
  export function analyzeCommits(pluginConfig: Record<string, unknown>, context: AnalyzeCommitsContext): Promise<string | null>;
}
declare module '@semantic-release/release-notes-generator' {
  import type { GenerateNotesContext } from 'semantic-release';
  export function generateNotes(pluginConfig: Record<string, unknown>, context: GenerateNotesContext): Promise<string>;
}
