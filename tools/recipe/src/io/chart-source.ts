// A chart as Flux builds it from the repository: the chart's folder at a commit, the library charts
// it takes through file:// taken from the same commit beside it, packed in by `helm dependency build`.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RecipeError } from '../model/errors.ts';
import { parseYamlFile } from '../model/yaml-file.ts';
import { extractAt } from './git.ts';
import { helmEnv } from './helm.ts';

/** The repository paths of the chart's file:// dependencies, as its Chart.yaml gives them. */
async function libraryFolders(chart: string, chartDir: string, commit: string): Promise<string[]> {
  const text = await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8').catch(() => undefined);
  const dependencies = ((text === undefined ? undefined : parseYamlFile(text, `${chart}/Chart.yaml`).data) as { dependencies?: Array<{ repository?: unknown }> } | null | undefined)?.dependencies ?? [];
  return dependencies.flatMap((dependency) => {
    const repository = typeof dependency.repository === 'string' ? dependency.repository : '';
    if (!repository.startsWith('file://')) return [];
    const folder = path.posix.normalize(path.posix.join(chart, repository.slice('file://'.length)));
    if (folder.startsWith('..') || path.posix.isAbsolute(folder)) {
      throw new RecipeError(`${chart}/Chart.yaml at ${commit.slice(0, 7)}: the dependency ${repository} lies outside the repository`, { hint: 'keep library charts in the repository (e.g. file://../platform-lib) so Flux can build the chart from it' });
    }
    return [folder];
  });
}

/** Unpacks `chart` at `commit` under `dest` with its library charts, builds its dependencies; the chart's folder. */
export async function extractChart(root: string, commit: string, chart: string, dest: string, helm: string, workDir: string): Promise<string> {
  await extractAt(root, commit, [chart], dest);
  const chartDir = path.join(dest, chart);
  const libraries = await libraryFolders(chart, chartDir, commit);
  if (libraries.length === 0) return chartDir;
  await extractAt(root, commit, libraries, dest);
  await new Promise<void>((resolve, reject) => {
    execFile(helm, ['dependency', 'build', chartDir, '--skip-refresh'], { env: helmEnv(workDir) }, (error, _stdout, stderr) =>
      error ? reject(new RecipeError(`helm dependency build of ${chart} at ${commit.slice(0, 7)} failed: ${stderr.trim() || error.message}`, { hint: `check that ${libraries.join(', ')} hold the library charts ${chart}/Chart.yaml names at that commit` })) : resolve(),
    );
  });
  return chartDir;
}
