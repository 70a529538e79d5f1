// The `container` Nx target: builds a deployable's image with `docker buildx build`, the repository
// root as context, tagged with the full commit SHA (and the released version), OCI labels, a
// registry layer cache, and pushes it. `--dry-run` prints the command instead of running it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { repositoryRoot, git } from './git.ts';
import { repositoryWebUrl, serviceImage } from './environments.ts';
import { buildVersion, commitRelease, imageTags } from './image-tags.ts';

export interface ContainerBuild {
  /** Nx project name, also the service name in releases/environments.yaml. */
  project: string;
  /** Project folder relative to the repository root; holds the Dockerfile. */
  projectRoot: string;
  /** Image repository without a tag. */
  repository: string;
  commit: string;
  /** Version released at this commit, if any: adds a version tag. */
  version: string | undefined;
  /** Newest earlier release, for the VERSION build argument of an unreleased commit. */
  lastRelease: string | undefined;
  /** Repository web address for org.opencontainers.image.source. */
  source: string | undefined;
  /** `push` to the registry (CI), `load` into the local engine, or `none` (build only). */
  output: 'push' | 'load' | 'none';
  /** Target platforms, e.g. `linux/amd64,linux/arm64`; the builder's default when absent. */
  platforms?: string | undefined;
  /** When the image is built (RFC 3339), for org.opencontainers.image.created. */
  created?: string | undefined;
}

/** The OCI annotations the image carries, keyed by label name. */
export function imageLabels(build: Pick<ContainerBuild, 'project' | 'commit' | 'version' | 'lastRelease' | 'source' | 'created'>): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': build.project,
    'org.opencontainers.image.revision': build.commit,
    'org.opencontainers.image.version': buildVersion(build.commit, build.version, build.lastRelease),
  };
  if (build.source) labels['org.opencontainers.image.source'] = build.source;
  if (build.created) labels['org.opencontainers.image.created'] = build.created;
  return labels;
}

/** When an image built now is created: SOURCE_DATE_EPOCH when set (reproducible builds), else the current time. */
export function createdAt(env: NodeJS.ProcessEnv = process.env, now = new Date()): string {
  const epoch = env.SOURCE_DATE_EPOCH ? Number(env.SOURCE_DATE_EPOCH) : NaN;
  return (Number.isInteger(epoch) ? new Date(epoch * 1000) : now).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The tags, labels and build arguments every build of the image carries, wherever it is built. */
function imageArguments(build: ContainerBuild): string[] {
  const args: string[] = [];
  for (const tag of imageTags({ repository: build.repository, commit: build.commit, version: build.version })) args.push('--tag', tag);
  for (const [name, value] of Object.entries(imageLabels(build))) args.push('--label', `${name}=${value}`);
  args.push('--build-arg', `VERSION=${buildVersion(build.commit, build.version, build.lastRelease)}`, '--build-arg', `GIT_COMMIT=${build.commit}`);
  return args;
}

/** The registry reference holding the layer cache of a repository. */
export function cacheReference(repository: string): string {
  return `${repository}:buildcache`;
}

/** The `docker` argument list (after `docker`) that builds, tags, labels and pushes the image. */
export function buildxArguments(build: ContainerBuild): string[] {
  const cache = cacheReference(build.repository);
  const args = ['buildx', 'build', '--file', `${build.projectRoot}/Dockerfile`, ...imageArguments(build)];
  args.push('--cache-from', `type=registry,ref=${cache}`);
  // Only a run that pushes may write the shared cache; mode=max keeps the builder stage's layers too.
  if (build.output === 'push') args.push('--cache-to', `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true`);
  if (build.platforms) args.push('--platform', build.platforms);
  if (build.output === 'push') args.push('--push');
  if (build.output === 'load') args.push('--load');
  args.push('.');
  return args;
}

/**
 * The `docker` argument list for the same image built into a local engine with the client's own
 * BuildKit (`docker build`, no buildx plugin, no registry cache): how the image tests build it.
 */
export function localBuildArguments(build: Omit<ContainerBuild, 'output'>, options: { network?: string; dockerfile?: string } = {}): string[] {
  const args = ['build', '--file', options.dockerfile ?? `${build.projectRoot}/Dockerfile`, ...imageArguments({ ...build, output: 'load' })];
  if (options.network) args.push('--network', options.network);
  args.push('.');
  return args;
}

/** The source URL CI knows (GitHub Actions, GitLab CI), else environments.yaml, else the origin remote. */
export async function sourceUrl(env: NodeJS.ProcessEnv, root: string): Promise<string | undefined> {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY) return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`;
  if (env.CI_PROJECT_URL) return env.CI_PROJECT_URL;
  const fromFile = await repositoryWebUrl(root);
  if (fromFile) return fromFile;
  try {
    return git(root, ['remote', 'get-url', 'origin']).replace(/\.git$/, '') || undefined;
  } catch {
    return undefined;
  }
}

/** Quotes an argument for a POSIX shell when it needs it, so the printed command can be pasted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

const usage = `Usage: node tools/ci/src/container.ts <project> --project-root <dir> [options]

Builds <project>'s image from <dir>/Dockerfile with the repository root as context, tagged
<repository>:<full commit SHA> (and :<version> when semantic-release tagged the commit), with OCI
labels and a registry layer cache, and pushes it.

Options:
  --commit <rev>        the commit to describe (default HEAD; the working tree is what is built)
  --repository <image>  image repository (default: services.<project>.image in releases/environments.yaml)
  --output push|load|none  push (default, or $CONTAINER_OUTPUT), load into the local engine, or build only
  --platform <list>     target platforms, e.g. linux/amd64,linux/arm64
  --dry-run             print the docker command and exit`;

export async function main(argv: string[], cwd = process.cwd(), env = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'project-root': { type: 'string' },
      commit: { type: 'string', default: 'HEAD' },
      repository: { type: 'string' },
      // CONTAINER_OUTPUT lets a pipeline say it once for every project of `nx affected -t container`.
      output: { type: 'string', default: env.CONTAINER_OUTPUT || 'push' },
      platform: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const project = positionals[0];
  const projectRoot = values['project-root'];
  if (values.help || !project || !projectRoot) {
    (values.help ? process.stdout : process.stderr).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (values.output !== 'push' && values.output !== 'load' && values.output !== 'none') {
    process.stderr.write(`container: --output must be push, load or none, not "${values.output}"\n`);
    return 2;
  }
  const root = repositoryRoot(cwd);
  if (!existsSync(join(root, projectRoot, 'Dockerfile'))) {
    process.stderr.write(`container: ${projectRoot}/Dockerfile does not exist: a deployable needs one\n`);
    return 2;
  }
  const release = commitRelease(root, project, values.commit);
  const args = buildxArguments({
    project,
    projectRoot,
    repository: values.repository ?? (await serviceImage(root, project)),
    ...release,
    source: await sourceUrl(env, root),
    created: createdAt(env),
    output: values.output,
    platforms: values.platform,
  });
  process.stdout.write(`${['docker', ...args].map(shellQuote).join(' ')}\n`);
  if (values['dry-run']) return 0;
  const result = spawnSync('docker', args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`container: could not run docker: ${result.error.message}\n`);
    return 2;
  }
  return result.status ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`container: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
