// The deployables CI builds for a commit: the affected Nx projects that have a `container` target,
// each as `<service>=<full sha>[@<version>]`, the argument `recipe set` takes. The same list that
// `nx affected -t container` builds, so dev only ever moves to images that exist.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { repositoryRoot } from './git.ts';
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

/** `nx show projects --affected --with-target container`: names, sorted. */
export function affectedDeployables({ cwd, base, head, env = process.env, nxBin = defaultNxBin() }: AffectedQuery): string[] {
  const args = [nxBin, 'show', 'projects', '--affected', '--with-target', 'container', '--json'];
  if (base) args.push(`--base=${base}`);
  if (head) args.push(`--head=${head}`);
  const out = execFileSync(process.execPath, args, { cwd, env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed: unknown = JSON.parse(out.slice(out.indexOf('[')));
  if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === 'string')) throw new Error(`nx printed no list of projects: ${out.slice(0, 200)}`);
  return [...parsed].sort();
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

Prints the affected projects that have a container target, as <service>=<full sha>[@<version>]
separated by spaces (the arguments of "recipe set <env>"), or only their names with --names.
Base and head default to NX_BASE and NX_HEAD, as nrwl/nx-set-shas sets them.`;

export function main(argv: string[], cwd = process.cwd(), env = process.env): number {
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
  const services = affectedDeployables({ cwd: root, base: values.base ?? env.NX_BASE, head, env });
  const releases = new Map(services.map((service) => [service, commitRelease(root, service, head)] as const));
  process.stdout.write(`${values.names ? services.join(' ') : recipeSetArguments(services, releases).join(' ')}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`deployables: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
