// Golden renders: what helm prints for every scenario of a chart, committed under golden/<chart>/,
// so a change to the templates (or to the library chart they include) shows every byte it moves.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { placeholderCommit, type Scenario } from './scenarios.ts';

export const goldenRoot = join(import.meta.dirname, '..', 'golden');

/** The golden files of one chart: golden/<chart>/ below the chart-checks project. */
export function goldenDir(chart: string, root = goldenRoot): string {
  return join(root, chart);
}

/** The scenarios that have a render: all but a flux/ file that holds no HelmRelease of the chart. */
export function renderedScenarios(scenarios: readonly Scenario[]): Scenario[] {
  return scenarios.filter((scenario) => scenario.release !== '');
}

/** What a golden holds for a render: the render, with the commit an environment runs replaced by placeholderCommit. */
export function goldenText(scenario: Scenario, manifests: string): string {
  return scenario.imageTag ? manifests.replaceAll(scenario.imageTag, placeholderCommit) : manifests;
}

/** golden path (relative to the chart's golden folder) -> text, as committed. */
export function readGoldens(dir: string): Map<string, string> {
  const goldens = new Map<string, string>();
  if (!existsSync(dir)) return goldens;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    goldens.set(relative(dir, file), readFileSync(file, 'utf8'));
  }
  return goldens;
}

export interface GoldenDifference {
  /** The golden file, relative to the chart's golden folder. */
  file: string;
  change: 'missing' | 'changed' | 'orphaned';
  /** For a change: the first line that differs, as line number, golden text and rendered text. */
  detail: string;
}

function firstDifference(golden: string, rendered: string): string {
  const before = golden.split('\n');
  const after = rendered.split('\n');
  for (let line = 0; line < Math.max(before.length, after.length); line++) {
    if (before[line] !== after[line]) return `line ${line + 1}: golden ${JSON.stringify(before[line] ?? '(end of file)')}, rendered ${JSON.stringify(after[line] ?? '(end of file)')}`;
  }
  return 'the bytes differ';
}

/** How the committed goldens differ from the renders: byte for byte, sorted by file. */
export function compareGoldens(rendered: ReadonlyMap<string, string>, committed: ReadonlyMap<string, string>): GoldenDifference[] {
  const differences: GoldenDifference[] = [];
  for (const [file, text] of rendered) {
    const golden = committed.get(file);
    if (golden === undefined) differences.push({ file, change: 'missing', detail: 'no golden render for this scenario' });
    else if (golden !== text) differences.push({ file, change: 'changed', detail: firstDifference(golden, text) });
  }
  for (const file of committed.keys()) {
    if (!rendered.has(file)) differences.push({ file, change: 'orphaned', detail: 'no scenario renders this any more' });
  }
  return differences.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Rewrites the chart's golden folder to exactly the renders: each file atomically, orphans removed. */
export function writeGoldens(dir: string, rendered: ReadonlyMap<string, string>): GoldenDifference[] {
  const differences = compareGoldens(rendered, readGoldens(dir));
  for (const { file, change } of differences) {
    const target = join(dir, file);
    if (change === 'orphaned') {
      rmSync(target);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, rendered.get(file)!);
    renameSync(temporary, target);
  }
  return differences;
}
