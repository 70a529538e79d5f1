import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { describe, expect, it, type TestContext } from 'vitest';

// The root `npm start`: scripts/start-stack.ts, run as people run it.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Whether a process with this pid still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}

interface Stack {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

/**
 * Starts the stack. `viaNpm` runs `npm start` as a person does (npm, then sh, then the launcher), in its own
 * process group, as a terminal would put it; otherwise the launcher alone.
 */
async function startStack(env: Record<string, string>, onTestFinished: TestContext['onTestFinished'], { viaNpm = false } = {}): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'workspace-test-stack-'));
  const { DATABASE_URL: _database, PORT: _port, ...inherited } = process.env;
  const [command, args] = viaNpm ? ['npm', ['start']] : [process.execPath, ['scripts/start-stack.ts']];
  const child = spawn(command, args, {
    cwd: repoRoot,
    // records on SQLite in a temp dir, whatever DATABASE_URL the test run has.
    env: { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: viaNpm,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    // Whatever the test did, no service of this stack outlives it.
    for (const match of output.matchAll(/pid (\d+)\)/g)) if (alive(Number(match[1]))) process.kill(Number(match[1]), 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`start-stack did not print ${pattern} within ${timeoutMs} ms; it printed:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return { child, output: () => output, exited, waitFor };
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Each test has its own ports and data dir, so they run side by side.
describe.concurrent('npm start (scripts/start-stack.ts)', () => {
  it('starts records and web, prints both URLs once both are ready, and stops cleanly on Ctrl+C', async ({ onTestFinished }) => {
    const [recordsPort, webPort] = [await getPort(), await getPort()];
    const stack = await startStack({ RECORDS_PORT: String(recordsPort), WEB_PORT: String(webPort) }, onTestFinished);
    await stack.waitFor(/press Ctrl\+C to stop/);
    expect(stack.output()).toContain(`web      http://localhost:${webPort}/`);
    expect(stack.output()).toContain(`records  http://localhost:${recordsPort}/`);

    const page = await fetch(`http://127.0.0.1:${webPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/data-testid="record-count">\d+</);

    stack.child.kill('SIGINT');
    expect(await within(stack.exited, 20_000, 'stopping the stack')).toBe(0);
    expect(stack.output()).toContain('[stack]   stopped');
    await expect(fetch(`http://127.0.0.1:${webPort}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${recordsPort}/healthz`)).rejects.toThrow();
  });

  it('prefixes every line with the service that wrote it', async ({ onTestFinished }) => {
    const stack = await startStack({ RECORDS_PORT: String(await getPort()), WEB_PORT: String(await getPort()), LOG_LEVEL: 'info' }, onTestFinished);
    await stack.waitFor(/press Ctrl\+C to stop/);
    expect(stack.output()).toMatch(/^\[records\] .*records listening on/m);
    expect(stack.output()).toMatch(/^\[web\] +.*web listening on/m);
    stack.child.kill('SIGTERM');
    expect(await within(stack.exited, 20_000, 'stopping the stack')).toBe(0);
  });

  it('stops web and exits non-zero when records dies', async ({ onTestFinished }) => {
    const webPort = await getPort();
    const stack = await startStack({ RECORDS_PORT: String(await getPort()), WEB_PORT: String(webPort) }, onTestFinished);
    const [, recordsPid] = await stack.waitFor(/records .*pid (\d+)\)/);
    await stack.waitFor(/press Ctrl\+C to stop/);
    process.kill(Number(recordsPid), 'SIGKILL');
    expect(await within(stack.exited, 20_000, 'the stack noticing records died')).toBe(1);
    expect(stack.output()).toContain('records exited unexpectedly (SIGKILL); stopping the others');
    await expect(fetch(`http://127.0.0.1:${webPort}/healthz`)).rejects.toThrow();
  });

  it('refuses to start, in one line naming the port and the way out, when another process holds the records port', async ({ onTestFinished }) => {
    // A foreign server that answers /readyz like records would: the launcher must not take it for its own.
    const blocker: Server = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    onTestFinished(() => new Promise((resolve) => blocker.close(() => resolve())));
    const address = blocker.address();
    const taken = typeof address === 'object' && address ? address.port : 0;
    const stack = await startStack({ RECORDS_PORT: String(taken), WEB_PORT: String(await getPort()) }, onTestFinished, { viaNpm: true });
    expect(await within(stack.exited, 20_000, 'the stack giving up')).not.toBe(0);
    const complaint = stack.output().split('\n').filter((line) => line.startsWith('start-stack:'));
    expect(complaint).toEqual([
      `start-stack: port ${taken} for records is already in use (an earlier \`npm start\` still running?): stop what holds it (\`lsof -i :${taken}\`) or run \`RECORDS_PORT=${taken + 100} npm start\`.`,
    ]);
    expect(stack.output()).not.toMatch(/\bready\b/);
    expect(stack.output()).not.toContain('starting records');
  });

  // A terminal's Ctrl+C signals the whole foreground process group: npm, the shell and the launcher at once.
  for (const [what, send] of [
    ['SIGINT to the npm process', (stack: Stack) => stack.child.kill('SIGINT')],
    ['SIGTERM to the npm process', (stack: Stack) => stack.child.kill('SIGTERM')],
    ['Ctrl+C (SIGINT to the process group)', (stack: Stack) => process.kill(-(stack.child.pid ?? 0), 'SIGINT')],
    ['closing the terminal (SIGHUP to the process group)', (stack: Stack) => process.kill(-(stack.child.pid ?? 0), 'SIGHUP')],
  ] as const) {
    it(`npm start: ${what} stops records and web, frees both ports and leaves no process behind`, async ({ onTestFinished }) => {
      const [recordsPort, webPort] = [await getPort(), await getPort()];
      const stack = await startStack({ RECORDS_PORT: String(recordsPort), WEB_PORT: String(webPort) }, onTestFinished, { viaNpm: true });
      await stack.waitFor(/press Ctrl\+C to stop/, 40_000);
      const pids = [...stack.output().matchAll(/pid (\d+)\)/g)].map((match) => Number(match[1]));
      expect(pids).toHaveLength(2);
      send(stack);
      await within(stack.exited, 25_000, `stopping the stack after ${what}`);
      // The launcher waits for both children before it exits, and npm for the launcher.
      await within(
        (async () => {
          while (pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 100));
        })(),
        5_000,
        'records and web to be gone',
      );
      expect(await portIsFree(recordsPort)).toBe(true);
      expect(await portIsFree(webPort)).toBe(true);
      expect(stack.output()).toMatch(/received: stopping records and web|is gone: stopping records and web/);
    });
  }

  it('refuses a WEB_PORT that is not a port number, naming the variable', async ({ onTestFinished }) => {
    const stack = await startStack({ WEB_PORT: 'web' }, onTestFinished);
    expect(await within(stack.exited, 10_000, 'the stack refusing')).toBe(1);
    expect(stack.output()).toContain('WEB_PORT must be a port number between 1 and 65535 (got "web")');
  });
});
