// The workspace's projects as Nx infers them: every npm workspace (package.json, `nx` key) and every
// project.json, with its folder, tags, package name and public entry points (package.json `exports`).
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export const PROJECT_TYPES = ['type:app', 'type:service', 'type:lib', 'type:tool', 'type:e2e'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

export interface Project {
  name: string;
  /** Relative to the workspace root, with forward slashes: "apps/web". */
  root: string;
  tags: string[];
  /** The npm package name, when the project is a workspace package: "@platform/recipe". */
  packageName?: string;
  /** Subpaths of the package's `exports` ("." is the main entry); undefined without an `exports` field. */
  exports?: string[];
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  exports?: unknown;
  nx?: { name?: string; tags?: string[] };
}

interface ProjectJson {
  name?: string;
  tags?: string[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function exportKeys(exports: unknown): string[] | undefined {
  if (exports === undefined) return undefined;
  if (typeof exports === 'string' || Array.isArray(exports)) return ['.'];
  const keys = Object.keys(exports as Record<string, unknown>);
  // An exports object of conditions ({ import, default }) is the main entry alone.
  return keys.every((key) => key.startsWith('.')) ? keys : ['.'];
}

export function loadProjects(workspaceRoot: string): Project[] {
  const rootPackage = readJson<PackageJson>(join(workspaceRoot, 'package.json'));
  const byRoot = new Map<string, Project>();
  const folders = (rootPackage.workspaces ?? []).flatMap((pattern) => globSync(pattern, { cwd: workspaceRoot }));
  for (const folder of folders) {
    const file = join(workspaceRoot, folder, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = readJson<PackageJson>(file);
    const root = folder.split(sep).join('/');
    byRoot.set(root, { name: pkg.nx?.name ?? pkg.name ?? root, root, tags: pkg.nx?.tags ?? [], packageName: pkg.name, exports: exportKeys(pkg.exports) });
  }
  const projectFiles = globSync('**/project.json', { cwd: workspaceRoot, exclude: (path) => path === 'node_modules' || path.endsWith(`${sep}node_modules`) || path.startsWith('.') });
  for (const file of projectFiles) {
    const config = readJson<ProjectJson>(join(workspaceRoot, file));
    const root = dirname(file).split(sep).join('/');
    const known = byRoot.get(root);
    byRoot.set(root, { ...known, name: config.name ?? known?.name ?? root, root, tags: [...new Set([...(known?.tags ?? []), ...(config.tags ?? [])])] });
  }
  return [...byRoot.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
}

/** The project a file belongs to: the one whose folder holds it most closely. */
export function projectOf(projects: readonly Project[], workspaceRoot: string, file: string): Project | undefined {
  const path = relative(workspaceRoot, file).split(sep).join('/');
  if (path.startsWith('..')) return undefined;
  return projects.filter((project) => path === project.root || path.startsWith(`${project.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];
}

/** The one type tag of a project, or undefined when it has none or several. */
export function projectType(project: Project): ProjectType | undefined {
  const types = project.tags.filter((tag): tag is ProjectType => (PROJECT_TYPES as readonly string[]).includes(tag));
  return types.length === 1 ? types[0] : undefined;
}
