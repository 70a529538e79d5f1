// Facts about this repository that the pipeline checks compare against: its root, the Nx targets
// every project really has, and the recipe CLI's commands.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();

export const nxBin = createRequire(import.meta.url).resolve('nx/bin/nx.js');

/** Environment for an nx process that must not share a daemon, cache or workspace data with anyone. */
export function isolatedNxEnv(scratch: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_CACHE_DIRECTORY: join(scratch, 'nx-cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(scratch, 'nx-data'),
  };
}

export interface ProjectInfo {
  root: string;
  targets: string[];
}

/** project name -> its root and target names, from `nx graph --file` (one nx run for the whole workspace). */
export function workspaceProjects(root = repoRoot): Map<string, ProjectInfo> {
  const scratch = mkdtempSync(join(tmpdir(), 'ci-graph-'));
  try {
    const file = join(scratch, 'graph.json');
    execFileSync(process.execPath, [nxBin, 'graph', `--file=${file}`], { cwd: root, env: isolatedNxEnv(scratch), stdio: 'pipe' });
    const graph = JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: Record<string, { data: { root: string; targets?: Record<string, unknown> } }> } };
    return new Map(Object.entries(graph.graph.nodes).map(([name, node]) => [name, { root: node.data.root, targets: Object.keys(node.data.targets ?? {}) }]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The commands `recipe --help` lists. */
export function recipeCommands(root = repoRoot): string[] {
  const help = execFileSync(process.execPath, [join(root, 'tools/recipe/bin/recipe.js'), '--help'], { cwd: root, encoding: 'utf8' });
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)\s/gm)].map(([, name]) => name!);
}

const usages = new Map<string, string>();

/** The usage text of one recipe command (`recipe <command> --help`), asked once per command. */
export function recipeUsage(command: string, root = repoRoot): string {
  let usage = usages.get(command);
  if (usage === undefined) {
    usage = execFileSync(process.execPath, [join(root, 'tools/recipe/bin/recipe.js'), command, '--help'], { cwd: root, encoding: 'utf8' });
    usages.set(command, usage);
  }
  return usage;
}

let e2eUsage: string | undefined;

/** The usage text of the post-deploy suites (`platform-e2e --help`). */
export function platformE2eUsage(root = repoRoot): string {
  e2eUsage ??= execFileSync(process.execPath, [join(root, 'apps/platform-e2e/bin/platform-e2e.js'), '--help'], { cwd: root, encoding: 'utf8' });
  return e2eUsage;
}
