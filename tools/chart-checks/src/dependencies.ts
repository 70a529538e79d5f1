// A chart whose Chart.yaml names file:// dependencies (charts/platform-lib) renders only after
// `helm dependency build` has packed them into its charts/ folder. The checks build that in a
// private copy, never in the working tree: lint, test and the vitest suites run at once and would
// race on the same charts/ folder.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { runHelm } from './helm.ts';

interface ChartFile {
  dependencies?: Array<{ name?: unknown; repository?: unknown }>;
}

export interface LocalDependency {
  /** As Chart.yaml gives it, relative to the chart folder: "../platform-lib". */
  path: string;
  /** Resolved against the chart folder, as helm does. */
  dir: string;
}

/** The chart's file:// dependencies. */
export function fileDependencies(chartDir: string): LocalDependency[] {
  const file = join(chartDir, 'Chart.yaml');
  const chart = (parse(readFileSync(file, 'utf8')) as ChartFile | null) ?? {};
  return (chart.dependencies ?? []).flatMap((dependency) => {
    const repository = typeof dependency.repository === 'string' ? dependency.repository : '';
    if (!repository.startsWith('file://')) return [];
    const path = repository.slice('file://'.length);
    return [{ path, dir: resolve(chartDir, path) }];
  });
}

/** The folders of the chart's file:// dependencies. */
export function localDependencies(chartDir: string): string[] {
  return fileDependencies(chartDir).map((dependency) => dependency.dir);
}

function commonAncestor(dirs: readonly string[]): string {
  let ancestor = dirs[0]!;
  while (!dirs.every((dir) => dir === ancestor || dir.startsWith(ancestor.endsWith(sep) ? ancestor : ancestor + sep))) ancestor = dirname(ancestor);
  return ancestor;
}

const built = new Map<string, Promise<string>>();
const scratch: string[] = [];
process.once('exit', () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Leaves out what a local `helm dependency build` may have left in the working tree. */
function copyChart(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (source) => !(dirname(source) === from && ['charts', 'Chart.lock'].includes(basename(source))) });
}

async function build(chartDir: string): Promise<string> {
  const dependencies = localDependencies(chartDir);
  if (dependencies.length === 0) return chartDir;
  const missing = dependencies.find((dir) => !existsSync(join(dir, 'Chart.yaml')));
  if (missing) throw new Error(`${join(chartDir, 'Chart.yaml')}: the file:// dependency ${missing} holds no Chart.yaml: fix its repository path or restore the library chart there`);
  // Chart and dependencies keep their relative places, so file://../platform-lib resolves in the copy too.
  const root = commonAncestor([chartDir, ...dependencies]);
  const dir = mkdtempSync(join(tmpdir(), 'chart-checks-build-'));
  scratch.push(dir);
  for (const folder of [chartDir, ...dependencies]) copyChart(folder, join(dir, relative(root, folder)));
  const copy = join(dir, relative(root, chartDir));
  const result = await runHelm(['dependency', 'build', copy, '--skip-refresh']);
  if (!result.ok) throw new Error(`helm dependency build ${chartDir} failed: ${(result.stderr || result.stdout).trim().replace(copy, chartDir)}`);
  return copy;
}

/** The chart folder helm should be given: the chart itself, or a built copy when it has file:// dependencies. */
export function builtChart(chartDir: string): Promise<string> {
  const key = resolve(chartDir);
  let promise = built.get(key);
  if (!promise) {
    promise = build(key);
    built.set(key, promise);
  }
  return promise;
}
