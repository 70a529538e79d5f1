// Flux builds a chart from its GitRepository's artifact: the chart's folder and every folder it
// takes through file:// must survive the GitRepository's ignore rules, or the chart cannot build.
import { matchesGlob, posix } from 'node:path';
import { fileDependencies } from './dependencies.ts';

interface FluxShape {
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: { ignore?: unknown; chart?: { spec?: { chart?: unknown; sourceRef?: { kind?: unknown; name?: unknown } } } };
}

/**
 * Whether Flux leaves `file` out of the artifact. Flux matches each file with go-git's gitignore
 * matcher: the last pattern that matches the file or one of its folders wins, so `/*` followed by
 * `!/charts/records/` keeps charts/records (plain git would not re-include below an ignored folder,
 * which is why the `ignore` package's answer is not Flux's).
 */
export function fluxIgnores(rules: string, file: string): boolean {
  const path = file.split('/');
  let ignored = false;
  for (const line of rules.split('\n')) {
    let pattern = line.trim();
    if (!pattern || pattern.startsWith('#')) continue;
    const negated = pattern.startsWith('!');
    if (negated) pattern = pattern.slice(1);
    // As go-git parses it: a trailing slash means folders only; any other slash anchors it at the root.
    const foldersOnly = pattern.endsWith('/');
    const body = pattern.replace(/\/+$/, '');
    const parts = body.replace(/^\/+/, '').split('/');
    const matches = body.includes('/')
      ? parts.length <= path.length - (foldersOnly ? 1 : 0) && parts.every((part, index) => matchesGlob(path[index]!, part))
      : path.some((component, index) => (!foldersOnly || index < path.length - 1) && matchesGlob(component, parts[0]!));
    if (matches) ignored = !negated;
  }
  return ignored;
}

/** Problems with the sources of the HelmReleases in `objects` that build the chart at chartDir. */
export function chartSourceProblems(chartDir: string, chart: string, objects: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  const shapes = objects as readonly FluxShape[];
  for (const release of shapes.filter((object) => object.kind === 'HelmRelease')) {
    const chartPath = String(release.spec?.chart?.spec?.chart ?? '').replace(/^\.?\/+|\/+$/g, '');
    if (chartPath !== `charts/${chart}`) continue;
    const sourceName = release.spec?.chart?.spec?.sourceRef?.name;
    const source = shapes.find((object) => object.kind === 'GitRepository' && object.metadata?.name === sourceName);
    if (!source) continue;
    const rules = typeof source.spec?.ignore === 'string' ? source.spec.ignore : '';
    if (fluxIgnores(rules, `${chartPath}/Chart.yaml`)) problems.push(`GitRepository/${String(sourceName)} ignores ${chartPath}, the chart itself: run \`npx recipe render\``);
    for (const dependency of fileDependencies(chartDir)) {
      const folder = posix.normalize(posix.join(chartPath, dependency.path));
      if (fluxIgnores(rules, `${folder}/Chart.yaml`)) {
        problems.push(
          `GitRepository/${String(sourceName)} ignores ${folder}, which ${chartPath} takes through file://${dependency.path}: Flux could not build the chart; list it in services.<service>.chartLibraries in releases/environments.yaml and run \`npx recipe render\``,
        );
      }
    }
  }
  return problems;
}
