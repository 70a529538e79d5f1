// The local stack the suites are tested against: `npm start` (scripts/start-stack.ts) as people run
// it, records on its embedded SQLite database in a temp dir, on ports free right now.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const cliEntry = fileURLToPath(new URL('../../bin/platform-e2e.js', import.meta.url));

export interface RunningProcess {
  urls: { web: string; records: string };
  output: () => string;
  stop: () => Promise<void>;
}

/** The commit the local stack reports on /version: the checkout's, as start-stack passes it. */
export function checkoutCommit(): string {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git rev-parse HEAD failed in ${repoRoot}: ${result.stderr}`);
  return result.stdout.trim();
}

function collect(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function ready(url: string): Promise<boolean> {
  return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
    (response) => response.ok,
    () => false,
  );
}

/** Inherited environment without what would point the stack at another database or port. */
function cleanEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, PORT: _port, RECORDS_URL: _records, GIT_COMMIT: _commit, ...inherited } = process.env;
  return inherited;
}

/** `npm start`'s two processes; resolves once start-stack says both are ready. */
export async function startStack({ timeoutMs = 60_000 } = {}): Promise<RunningProcess> {
  for (let attempt = 1; ; attempt += 1) {
    const dataDir = await mkdtemp(join(tmpdir(), 'platform-e2e-stack-'));
    const [recordsPort, webPort] = [await getPort(), await getPort()];
    const child = spawn(process.execPath, ['scripts/start-stack.ts'], {
      cwd: repoRoot,
      env: { ...cleanEnv(), RECORDS_PORT: String(recordsPort), WEB_PORT: String(webPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    const stop = async () => {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null && !output().includes('press Ctrl+C to stop')) await new Promise((resolve) => setTimeout(resolve, 100));
    if (output().includes('press Ctrl+C to stop')) return { urls: { web: `http://127.0.0.1:${webPort}`, records: `http://127.0.0.1:${recordsPort}` }, output, stop };
    await stop();
    // Another process may have taken a port between the pick and the listen: pick again.
    if (attempt < 3 && output().includes('EADDRINUSE')) continue;
    throw new Error(`npm start (scripts/start-stack.ts) did not become ready within ${timeoutMs} ms; it printed:\n${output()}`);
  }
}

/** web alone (records stopped): its RECORDS_URL is a port nobody listens on. */
export async function startWebWithoutRecords({ timeoutMs = 30_000 } = {}): Promise<RunningProcess & { recordsUrl: string }> {
  const recordsUrl = `http://127.0.0.1:${await getPort()}`;
  for (let attempt = 1; ; attempt += 1) {
    const port = await getPort();
    const child = spawn(process.execPath, ['apps/web/src/server.ts'], {
      cwd: repoRoot,
      env: { ...cleanEnv(), PORT: String(port), HOST: '127.0.0.1', RECORDS_URL: recordsUrl, GIT_COMMIT: checkoutCommit(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(child);
    const url = `http://127.0.0.1:${port}`;
    const stop = () => stopChild(child);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await ready(url)) return { urls: { web: url, records: recordsUrl }, recordsUrl, output, stop };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stop();
    if (attempt < 3 && output().includes('EADDRINUSE')) continue;
    throw new Error(`web (apps/web/src/server.ts) did not become ready on ${url} within ${timeoutMs} ms; it printed:\n${output()}`);
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command as CI calls it: node bin/platform-e2e.js with these arguments. */
export async function runCli(args: string[], { cwd = repoRoot, env = {} as NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [cliEntry, ...args], { cwd, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}
