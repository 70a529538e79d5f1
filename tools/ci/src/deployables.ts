// The deployables CI builds for a commit: the affected Nx projects that have a `container` target,
// and those whose chart (releases/environments.yaml `services.<name>.chart`) changed, because a
// service version is one commit for image and chart alike. Printed as the project list the
// pipelines build and release (`nx run-many -p`), or as `<service>=<full sha>[@<version>]`, the
// arguments of `recipe set`, so dev only ever moves to images that exist.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { git, repositoryRoot } from './git.ts';
import { serviceCharts } from './environments.ts';
import { commitRelease } from './image-tags.ts';

export interface AffectedQuery {
  /** Workspace root. */
  cwd: string;
  base?: string | undefined;
  head?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** The nx binary to run (default: this workspace's). */
  nxBin?: string;
}

function showProjects(nxBin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string[] {
  const out = execFileSync(process.execPath, [nxBin, 'show', 'projects', ...args, '--json'], { cwd, env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed: unknown = JSON.parse(out.slice(out.indexOf('[')));
  if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string')) throw new Error(`nx printed no list of projects: ${out.slice(0, 200)}`);
  return parsed;
}

/** Projects with a `container` target that nx affected names, or whose chart changed between base and head; sorted. */
export async function affectedDeployables({ cwd, base, head, env = process.env, nxBin = defaultNxBin() }: AffectedQuery): Promise<string[]> {
  const range = [...(base ? [`--base=${base}`] : []), ...(head ? [`--head=${head}`] : [])];
  const selected = new Set(showProjects(nxBin, ['--affected', '--with-target', 'container', ...range], cwd, env));
  const charts = await serviceCharts(cwd);
  if (charts.size > 0) {
    const changed = git(cwd, ['diff', '--name-only', base ?? 'HEAD~1', head ?? 'HEAD', '--', ...new Set([...charts.values()].flat())]).split('\n').filter(Boolean);
    const deployables = new Set(showProjects(nxBin, ['--with-target', 'container'], cwd, env));
    for (const [service, folders] of charts) {
      if (deployables.has(service) && changed.some((file) => folders.some((folder) => file.startsWith(`${folder.replace(/\/$/, '')}/`)))) selected.add(service);
    }
  }
  return [...selected].sort();
}

/** The `recipe set` arguments for the deployables built at a commit. */
export function recipeSetArguments(services: readonly string[], releases: ReadonlyMap<string, { commit: string; version: string | undefined }>): string[] {
  return services.map((service) => {
    const release = releases.get(service);
    if (!release) throw new Error(`no commit known for ${service}`);
    return release.version ? `${service}=${release.commit}@${release.version}` : `${service}=${release.commit}`;
  });
}

function defaultNxBin(): string {
  return createRequire(import.meta.url).resolve('nx/bin/nx.js');
}

const usage = `Usage: node tools/ci/src/deployables.ts [--base <rev>] [--head <rev>] [--names]

Prints the deployables to build: affected projects with a container target, and those whose chart
changed. As <service>=<full sha>[@<version>] separated by spaces (the arguments of
"recipe set <env>"), or with --names as a comma-separated project list (nx run-many -p).
Base and head default to NX_BASE and NX_HEAD, as nrwl/nx-set-shas sets them.`;

export async function main(argv: string[], cwd = process.cwd(), env = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { base: { type: 'string' }, head: { type: 'string' }, names: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const root = repositoryRoot(cwd);
  const head = values.head ?? env.NX_HEAD ?? 'HEAD';
  const services = await affectedDeployables({ cwd: root, base: values.base ?? env.NX_BASE, head, env });
  // stdout stays what CI reads (empty); people are told why it is empty.
  if (services.length === 0) process.stderr.write(`deployables: none between ${values.base ?? env.NX_BASE ?? 'the nx default base'} and ${head}: no project with a container target is affected and no chart changed\n`);
  if (values.names) {
    process.stdout.write(`${services.join(',')}\n`);
    return 0;
  }
  const releases = new Map(services.map((service) => [service, commitRelease(root, service, head)] as const));
  process.stdout.write(`${recipeSetArguments(services, releases).join(' ')}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`deployables: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
