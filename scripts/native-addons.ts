// Run by the root `postinstall`, on the Node that runs the workspace's scripts (node_modules/.bin/node).
// `npm ci` builds native addons (node-gyp) while npm itself may run on the machine's older node and with
// the machine's `nodedir` (Debian's npm points it at /usr, that node's headers), so an addon can come out
// built for the wrong Node. Each addon built here is loaded; those that do not load are rebuilt against
// this Node's own headers, which the `node-<platform>-<arch>` package ships.
import { execFileSync, spawnSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

const workspaceRoot = join(import.meta.dirname, '..');
const nodeModules = join(workspaceRoot, 'node_modules');

function log(message: string): void {
  process.stderr.write(`native-addons: ${message}\n`);
}

/** The addons node-gyp built in this install: `build/Release/*.node`, never a package's prebuilds for other platforms. */
function builtAddons(): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('.node') && basename(dirname(entry)) === 'Release' && basename(dirname(dirname(entry))) === 'build')
    .map((entry) => join(nodeModules, entry));
}

/** Loads the addon in a fresh process: a failed dlopen stays cached in this one, and a rebuilt file must be read anew. */
function loadError(addon: string): string | undefined {
  const result = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', addon], { encoding: 'utf8' });
  if (result.status === 0) return undefined;
  return /^Error: (.*)$/m.exec(result.stderr)?.[1] ?? result.stderr.trim();
}

/** The package an addon belongs to: the path after its last `node_modules/` (scoped names keep their scope). */
function packageOf(addon: string): string {
  const parts = relative(nodeModules, addon).split(sep);
  const last = parts.lastIndexOf('node_modules');
  const rest = parts.slice(last + 1);
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '');
}

/** A folder holding this Node's headers (include/node), matched by version; undefined lets node-gyp download them. */
function headersOfThisNode(): string | undefined {
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  const candidates = [prefix];
  const bundled = join(prefix, 'node_modules');
  if (existsSync(bundled)) for (const entry of readdirSync(bundled)) if (entry.startsWith('node-')) candidates.push(join(bundled, entry));
  return candidates.find((candidate) => {
    const header = join(candidate, 'include', 'node', 'node_version.h');
    if (!existsSync(header)) return false;
    const text = readFileSync(header, 'utf8');
    const part = (name: string) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
    return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version;
  });
}

// Another Node's build fails with NODE_MODULE_VERSION, or with "did not self-register" where its registration differs.
const broken = builtAddons().filter((addon) => loadError(addon) !== undefined);
if (broken.length > 0) {
  const packages = [...new Set(broken.map(packageOf))].sort();
  const nodedir = headersOfThisNode();
  log(`${packages.join(', ')} were built for another Node; rebuilding for ${process.version} against ${nodedir ?? 'headers node-gyp downloads'}`);
  const npm = process.env.npm_execpath;
  const args = ['rebuild', ...packages, '--foreground-scripts'];
  // npm's own config may name another Node's headers: the environment wins over every npmrc.
  const env = { ...process.env, npm_config_nodedir: nodedir ?? '' };
  const output: ExecFileSyncOptions = { cwd: workspaceRoot, env, stdio: ['ignore', 'ignore', 'inherit'] };
  if (npm && npm.endsWith('.js')) execFileSync(process.execPath, [npm, ...args], output);
  else execFileSync('npm', args, output);
  const still = broken.map((addon) => [addon, loadError(addon)] as const).filter(([, error]) => error !== undefined);
  if (still.length > 0) {
    for (const [addon, error] of still) log(`${relative(workspaceRoot, addon)} still does not load in ${process.version}: ${error}`);
    log('fix: `rm -rf node_modules && npm ci`; if it persists, report the addon above');
    process.exit(1);
  }
}
