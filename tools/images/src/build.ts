// Builds the deployables' images from their Dockerfiles at HEAD, tagged and labelled exactly as the
// pipeline's container target does (tools/ci/src/container.ts), into the local engine.
import { join } from 'node:path';
import { commitRelease, createdAt, localBuildArguments, serviceImage, sourceUrl } from '@platform/ci';
import { baseImagesOf, ensureBaseImage, standInLabel, type BaseImage } from './base-images.ts';
import { dockerStreamed, imageSizeMb } from './docker.ts';

export const repositoryRoot = join(import.meta.dirname, '../../..');

export interface Deployable {
  project: string;
  projectRoot: string;
}

export const deployables: Deployable[] = [
  { project: 'records', projectRoot: 'services/records' },
  { project: 'web', projectRoot: 'apps/web' },
];

export const mariadbImage = process.env.PLATFORM_IMAGES_MARIADB_IMAGE || 'platform/mariadb:local';
export const mariadbFolder = join(import.meta.dirname, '../mariadb');

export interface BuiltImage {
  project: string;
  /** The commit-SHA reference. */
  image: string;
  commit: string;
  seconds: number;
  sizeMb: number;
}

/** Every base image the Dockerfiles name, made available (pulled or stood in for). */
export async function ensureBaseImages(dockerfiles: string[]): Promise<BaseImage[]> {
  const images = [...new Set(dockerfiles.flatMap((file) => baseImagesOf(file)))];
  // Debian first: the node stand-in builds on it.
  images.sort((a, b) => Number(b.startsWith('debian:')) - Number(a.startsWith('debian:')));
  const result: BaseImage[] = [];
  for (const image of images) result.push(await ensureBaseImage(image));
  return result;
}

async function timedBuild(args: string[], what: string): Promise<number> {
  const begun = Date.now();
  const { code, output } = await dockerStreamed(args, { cwd: repositoryRoot, ...(process.env.PLATFORM_IMAGES_VERBOSE ? { prefix: `[${what}] ` } : {}) });
  if (code !== 0) throw new Error(`building ${what} failed (docker build exit ${code}):\n${output.split('\n').slice(-40).join('\n')}`);
  return (Date.now() - begun) / 1000;
}

/** Builds a deployable's image as CI tags it; `dockerfile` builds a variant (the broken-image test). */
export async function buildDeployable(deployable: Deployable, options: { dockerfile?: string; repository?: string } = {}): Promise<BuiltImage> {
  const release = commitRelease(repositoryRoot, deployable.project, 'HEAD');
  const repository = options.repository ?? (await serviceImage(repositoryRoot, deployable.project));
  const args = localBuildArguments(
    { ...deployable, repository, ...release, source: await sourceUrl(process.env, repositoryRoot), created: createdAt() },
    // Host networking: npm reaches the registry without the engine's NAT (which runs without iptables here).
    { network: 'host', ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}) },
  );
  const image = `${repository}:${release.commit}`;
  const seconds = await timedBuild(args, deployable.project);
  return { project: deployable.project, image, commit: release.commit, seconds, sizeMb: imageSizeMb(image) };
}

/** The MariaDB image from Debian's packages (tools/images/mariadb), labelled with the hash of its inputs. */
export async function buildMariadb(inputs: string): Promise<{ image: string; seconds: number; sizeMb: number }> {
  const seconds = await timedBuild(['build', '--network', 'host', '--label', `${standInLabel}=${inputs}`, '--tag', mariadbImage, mariadbFolder], 'mariadb');
  return { image: mariadbImage, seconds, sizeMb: imageSizeMb(mariadbImage) };
}
