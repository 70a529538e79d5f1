// What a pipeline's shell scripts call: Nx targets (`nx affected -t ...`, `nx run-many -t ...`,
// `nx run p:t`), recipe commands (`recipe <command>`), the post-deploy suites' flags
// (`platform-e2e --flag`) and repository scripts (`node <path>`, `bash <path>.sh`), so a test can
// check each against what the workspace really has.
export interface References {
  nxTargets: string[];
  recipeCommands: string[];
  /** `command --flag` pairs, e.g. `set --push`. */
  recipeFlags: string[];
  /** Flags given to the post-deploy suites (`npx platform-e2e --env ...`). */
  platformE2eFlags: string[];
  nodeScripts: string[];
}

const TARGET_LIST = /\bnx\s+(?:affected|run-many)\b[^\n;&|]*?\s(?:-t|--targets?)[=\s]+((?:[\w:-]+[\s,]*)+)/g;
const RUN_TARGET = /\bnx\s+run\s+[\w@/.-]+:([\w-]+)/g;
const RECIPE = /\brecipe\s+([a-z][\w-]*)([^\n;&|]*)/g;
const NODE_SCRIPT = /\b(?:node\s+((?:tools|scripts|services|apps)\/[\w./-]+\.(?:ts|js|mjs))|(?:bash|sh)\s+((?:tools|scripts|\.github)\/[\w./-]+\.sh))/g;
const PLATFORM_E2E = /\bplatform-e2e\b([^\n;&|]*)/g;

export function scriptReferences(scripts: readonly string[]): References {
  const nxTargets = new Set<string>();
  const recipeCommands = new Set<string>();
  const recipeFlags = new Set<string>();
  const platformE2eFlags = new Set<string>();
  const nodeScripts = new Set<string>();
  for (const script of scripts) {
    for (const line of script.split('\n').map((text) => text.replace(/\s#.*$/, ''))) {
      for (const [, list = ''] of line.matchAll(TARGET_LIST)) {
        for (const target of list.split(/[\s,]+/)) if (target && !target.startsWith('-')) nxTargets.add(target);
      }
      for (const [, target = ''] of line.matchAll(RUN_TARGET)) nxTargets.add(target);
      for (const [, command = '', rest = ''] of line.matchAll(RECIPE)) {
        recipeCommands.add(command);
        for (const [flag] of rest.matchAll(/(?<=\s)--[a-z][\w-]*/g)) recipeFlags.add(`${command} ${flag}`);
      }
      for (const [, rest = ''] of line.matchAll(PLATFORM_E2E)) for (const [flag] of rest.matchAll(/(?<=\s)--[a-z][\w-]*/g)) platformE2eFlags.add(flag);
      for (const [, nodePath, shellPath] of line.matchAll(NODE_SCRIPT)) nodeScripts.add((nodePath ?? shellPath)!);
    }
  }
  return { nxTargets: [...nxTargets].sort(), recipeCommands: [...recipeCommands].sort(), recipeFlags: [...recipeFlags].sort(), platformE2eFlags: [...platformE2eFlags].sort(), nodeScripts: [...nodeScripts].sort() };
}

/** Every shell script of a GitHub workflow: the `run:` of each step. */
export function workflowScripts(workflow: unknown): string[] {
  const jobs = (workflow as { jobs?: Record<string, { steps?: { run?: unknown }[] }> }).jobs ?? {};
  return Object.values(jobs).flatMap((job) => (job.steps ?? []).map((step) => step.run).filter((run): run is string => typeof run === 'string'));
}

const GITLAB_KEYWORDS = new Set(['workflow', 'stages', 'variables', 'default', 'include', 'image', 'services', 'cache', 'before_script', 'after_script']);

/** The jobs of a .gitlab-ci.yml: top-level keys that are not keywords nor hidden (`.name`) templates. */
export function gitlabJobs(pipeline: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(pipeline).filter(([name]) => !GITLAB_KEYWORDS.has(name) && !name.startsWith('.'))) as Record<string, Record<string, unknown>>;
}

/** Every script line of a GitLab pipeline: before_script, script and after_script of default and jobs. */
export function gitlabScripts(pipeline: Record<string, unknown>): string[] {
  const sections = [pipeline.default as Record<string, unknown> | undefined, ...Object.values(gitlabJobs(pipeline))];
  return sections.flatMap((section) => ['before_script', 'script', 'after_script'].flatMap((key) => [section?.[key]].flat(3).filter((line): line is string => typeof line === 'string')));
}
