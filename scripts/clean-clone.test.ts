// The README's promise, kept by a test: in a clean clone with an empty npm cache, `npm ci && npm start` runs
// the stack and `npm test` starts the tests, with nothing else done first, whatever Node the machine has.
// Here the machine's Node 20 and a Node 24 are each the `node` on PATH. Slow (two installs from nothing):
// it runs when the root scripts, the lockfile or the bootstrap change, and always in CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'workspace-clean-clone-'));
// Two clones with their node_modules and npm caches: about 2 GB to remove.
afterAll(async () => {
  killProcessesUnder(scratch);
  await rm(scratch, { recursive: true, force: true });
}, 5 * 60_000);

/** PATH as the machine has it: without this workspace's node_modules/.bin, npm's helpers and the bootstrap's Node. */
function machinePath(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.includes(`${'/'}node_modules${'/'}`) && !dir.includes('platform-node'));
}

function versionOf(node: string): string | undefined {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * A node binary of this major: CLEAN_CLONE_NODE<major> if set, else one on the machine's PATH, else this
 * workspace's pinned Node for 24, else node-<platform>-<arch> from the npm registry (cached like the bootstrap's).
 */
function nodeOfMajor(major: number): string {
  const fromEnv = process.env[`CLEAN_CLONE_NODE${major}`];
  if (fromEnv) return fromEnv;
  for (const dir of machinePath()) {
    const candidate = join(dir, 'node');
    if (existsSync(candidate) && versionOf(candidate)?.startsWith(`v${major}.`)) return candidate;
  }
  if (process.versions.node.startsWith(`${major}.`)) return process.execPath;
  const platformPackage = `node-${process.platform}-${process.arch}`;
  const version = spawnSync('npm', ['view', `${platformPackage}@${major}`, 'version', '--json'], { encoding: 'utf8' });
  const versions = JSON.parse(version.stdout || '[]') as string | string[];
  const latest = Array.isArray(versions) ? versions.at(-1) : versions;
  const home = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'platform-node', `${platformPackage}-${latest}`);
  if (!existsSync(join(home, 'bin', 'node'))) {
    const fetched = spawnSync('sh', ['-c', `cd "$1" && npm pack --silent "$2" >/dev/null && mkdir -p "$3" && tar -xzf ./*.tgz -C "$3" --strip-components=1`, 'sh', scratch, `${platformPackage}@${latest}`, home]);
    if (fetched.status !== 0) throw new Error(`no Node ${major} here: set CLEAN_CLONE_NODE${major}=/path/to/node, or make the npm registry reachable for ${platformPackage}`);
  }
  return join(home, 'bin', 'node');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A safety net on Linux: whatever a killed `npm test` started under the clone goes too. */
function killProcessesUnder(dir: string): void {
  if (process.platform !== 'linux') return;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
}

/** A README command, run by `sh` as a terminal would: in its own process group, with the given environment. */
function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void exited.then(() => (done = true));
    while (!pattern.test(output)) {
      if (done) throw new Error(`\`${command}\` exited before printing ${pattern}; its last output:\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`\`${command}\` did not print ${pattern} within ${timeoutMs / 1000} s; its last output:\n${output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return { child, output: () => output, exited, waitFor };
}

async function stopGroup(each: Run, signal: NodeJS.Signals): Promise<void> {
  if (each.child.exitCode !== null) return;
  process.kill(-(each.child.pid ?? 0), signal);
  const timer = setTimeout(() => {
    try {
      process.kill(-(each.child.pid ?? 0), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 20_000);
  await each.exited;
  clearTimeout(timer);
}

function secondsSince(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(0)} s`;
}

function sizeOf(dir: string): string {
  return spawnSync('du', ['-sh', dir], { encoding: 'utf8' }).stdout.split('\t')[0] ?? '?';
}

// The two run side by side: each install spends most of its time waiting on the registry (about 5 min each here).
describe.concurrent('a clean clone with an empty npm cache: the README commands, exactly', () => {
  for (const major of [20, 24]) {
    it(`with Node ${major} as PATH's node: \`npm ci && npm start\` serves the stack, \`npm test\` starts the tests`, { timeout: 15 * 60_000 }, async () => {
      const node = nodeOfMajor(major);
      expect(versionOf(node)).toMatch(new RegExp(`^v${major}\\.`));
      const work = join(scratch, `node${major}`);
      const clone = join(work, 'repo');
      const nodeBin = join(work, 'node-bin');
      mkdirSync(join(work, 'tmp'), { recursive: true });
      mkdirSync(nodeBin);
      symlinkSync(node, join(nodeBin, 'node'));

      // The clone holds the working tree as it is now: committed, changed and new files.
      expect(spawnSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone]).status).toBe(0);
      const changes = spawnSync('git', ['diff', 'HEAD', '--binary'], { cwd: repoRoot, maxBuffer: 1 << 28 }).stdout;
      if (changes.length > 0) expect(spawnSync('git', ['apply', '--whitespace=nowarn'], { cwd: clone, input: changes }).status).toBe(0);
      const untracked = spawnSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
      for (const file of untracked) {
        mkdirSync(dirname(join(clone, file)), { recursive: true });
        spawnSync('cp', ['-p', join(repoRoot, file), join(clone, file)]);
      }

      // The environment a person's terminal has: nothing of this test run's npm, nx or vitest, no database.
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/^(npm_|NX_|VITEST|NODE_OPTIONS$|INIT_CWD$|DATABASE_URL$|TEST$|NODE$)/i.test(name)),
      );
      const [recordsPort, webPort] = [await freePort(), await freePort()];
      const env = {
        ...inherited,
        PATH: [nodeBin, ...machinePath()].join(delimiter),
        npm_config_cache: join(work, 'npm-cache'),
        TMPDIR: join(work, 'tmp'),
        RECORDS_PORT: String(recordsPort),
        WEB_PORT: String(webPort),
        NO_COLOR: '1',
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_TUI: 'false',
      };

      const started = Date.now();
      const stack = run('npm ci && npm start', clone, env);
      try {
        await stack.waitFor(/added \d+ packages/, 10 * 60_000);
        const installTime = secondsSince(started);
        await stack.waitFor(/press Ctrl\+C to stop/, 3 * 60_000);
        const page = await fetch(`http://127.0.0.1:${webPort}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/data-testid="record-count">\d+</);
        expect((await fetch(`http://127.0.0.1:${recordsPort}/readyz`)).status).toBe(200);
        console.log(
          `clean clone, Node ${versionOf(node)} on PATH: npm ci ${installTime}, stack ready after ${secondsSince(started)}; npm cache ${sizeOf(join(work, 'npm-cache'))}, node_modules ${sizeOf(join(clone, 'node_modules'))}`,
        );
      } finally {
        await stopGroup(stack, 'SIGINT');
      }
      expect(stack.output()).toContain('[stack]   stopped');

      // Every native addon npm built loads in the Node that runs the scripts.
      const addons = spawnSync(join(clone, 'node_modules', '.bin', 'node'), [join(clone, 'scripts', 'native-addons.ts')], { cwd: clone, env, encoding: 'utf8' });
      expect(addons.stderr).toBe('');
      expect(addons.status).toBe(0);

      const tests = run('npm test', clone, env);
      try {
        // Nx runs the projects' targets; the first vitest banner means the tests are running.
        await tests.waitFor(/RUN {1,2}v\d+\.\d+/, 5 * 60_000);
      } finally {
        await stopGroup(tests, 'SIGTERM');
        killProcessesUnder(work);
      }
    });
  }
});
