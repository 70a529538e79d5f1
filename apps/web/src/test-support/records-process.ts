import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real records service's entry point in this checkout. */
export const recordsServer = fileURLToPath(new URL('../../../../services/records/src/server.ts', import.meta.url));

export interface RunningRecords {
  url: string;
  /** The folder of its SQLite file, `records.sqlite`. */
  dataDir: string;
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/** A port nobody listens on right now (the kernel's pick), for a child that cannot report its own. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts the real records process on a fresh port with its embedded SQLite database in a temp dir,
 * and resolves once its /readyz answers 200.
 */
export async function startRecords(env: Record<string, string> = {}, { timeoutMs = 20_000 } = {}): Promise<RunningRecords> {
  for (let attempt = 1; ; attempt += 1) {
    const dataDir = await mkdtemp(join(tmpdir(), 'web-test-records-'));
    const port = await freePort();
    const child = spawn(process.execPath, [recordsServer], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        APP_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 5_000))) child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
      await rm(dataDir, { recursive: true, force: true });
    };

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null) {
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
      if (ready) return { url, dataDir, output: () => output, stop };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stop();
    // Another process may have taken the port between the pick and the listen: try a new one.
    if (attempt < 3 && output.includes('EADDRINUSE')) continue;
    throw new Error(`records (${recordsServer}) did not become ready on ${url} within ${timeoutMs} ms; its output:\n${output}`);
  }
}
