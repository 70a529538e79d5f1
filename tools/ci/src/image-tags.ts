// The tag set of a deployable's image for one commit: the full commit SHA always, and the
// semantic version when semantic-release tagged that very commit `<project>-v<version>`.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { git, repositoryRoot } from './git.ts';
import { serviceImage } from './environments.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;
// The distribution reference grammar without tag or digest: optional registry host[:port], lowercase path components.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REPOSITORY = new RegExp(`^(?:[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*$`);
// semver 2.0.0, from semver.org (named groups dropped).
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface ImageTagsInput {
  /** Image repository without a tag, e.g. `ghcr.io/acme/platform/records`. */
  repository: string;
  /** Full 40-hex commit SHA the image is built from. */
  commit: string;
  /** Semantic version released at exactly this commit, if any. */
  version?: string | undefined;
}

/** The git tag semantic-release writes for a project's release. */
export function releaseTag(project: string, version: string): string {
  return `${project}-v${version}`;
}

/** The version a project released at a commit, from the git tags pointing at it; the highest wins. */
export function releasedVersion(project: string, tagsAtCommit: readonly string[]): string | undefined {
  const prefix = `${project}-v`;
  const versions = tagsAtCommit
    .filter((tag) => tag.startsWith(prefix))
    .map((tag) => tag.slice(prefix.length))
    .filter((version) => SEMVER.test(version));
  return versions.sort(compareSemver).at(-1);
}

/** Full image references, SHA tag first. Throws on a short SHA, a non-semver version or a tagged repository. */
export function imageTags({ repository, commit, version }: ImageTagsInput): string[] {
  if (!FULL_SHA.test(commit)) throw new Error(`commit "${commit}" is not a full 40-hex SHA: images are tagged with the full commit`);
  if (!IMAGE_REPOSITORY.test(repository)) throw new Error(`image repository "${repository}" is not a repository name (lowercase path, optional registry host, no tag)`);
  const tags = [`${repository}:${commit}`];
  if (version !== undefined) {
    if (!SEMVER.test(version)) throw new Error(`version "${version}" is not a semantic version`);
    // Docker tags cannot hold "+": build metadata becomes "-", as OCI tooling conventionally does.
    tags.push(`${repository}:${version.replaceAll('+', '-')}`);
  }
  return tags;
}

/** The VERSION build argument: the released version, else the last release of the project plus the commit. */
export function buildVersion(commit: string, released: string | undefined, lastRelease: string | undefined): string {
  if (released) return released;
  return `${lastRelease ?? '0.0.0'}+${commit.slice(0, 7)}`;
}

function compareSemver(a: string, b: string): number {
  const [coreA = '', preA] = a.split('+')[0]!.split(/-(.*)/s);
  const [coreB = '', preB] = b.split('+')[0]!.split(/-(.*)/s);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (partsA[i] !== partsB[i]) return (partsA[i] ?? 0) - (partsB[i] ?? 0);
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA.localeCompare(preB, 'en', { numeric: true });
}

export interface CommitRelease {
  commit: string;
  /** The version released at this commit, if any. */
  version: string | undefined;
  /** The newest version released at or before this commit, if any. */
  lastRelease: string | undefined;
}

/** Reads the commit and the project's release tags from the repository. */
export function commitRelease(cwd: string, project: string, rev = 'HEAD'): CommitRelease {
  const commit = git(cwd, ['rev-parse', '--verify', `${rev}^{commit}`]);
  const version = releasedVersion(project, git(cwd, ['tag', '--points-at', commit]).split('\n').filter(Boolean));
  const merged = git(cwd, ['tag', '--merged', commit, '--list', `${project}-v*`]).split('\n').filter(Boolean);
  return { commit, version, lastRelease: releasedVersion(project, merged) };
}

const usage = `Usage: node tools/ci/src/image-tags.ts <project> [--commit <rev>] [--repository <image>] [--json]

Prints the image references for <project> at <rev> (default HEAD), one a line: the full commit SHA
tag, and the semantic version tag when the commit carries the tag <project>-v<version>. The image
repository comes from releases/environments.yaml (services.<project>.image) unless --repository.`;

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { commit: { type: 'string', default: 'HEAD' }, repository: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  const project = positionals[0];
  if (values.help || !project) {
    (values.help ? process.stdout : process.stderr).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const root = repositoryRoot(cwd);
  const release = commitRelease(root, project, values.commit);
  const repository = values.repository ?? (await serviceImage(root, project));
  const tags = imageTags({ repository, commit: release.commit, version: release.version });
  process.stdout.write(values.json ? `${JSON.stringify({ project, ...release, tags }, null, 2)}\n` : `${tags.join('\n')}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`image-tags: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
