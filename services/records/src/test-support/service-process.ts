import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const serverEntry = fileURLToPath(new URL('../server.ts', import.meta.url));
export const migrateEntry = fileURLToPath(new URL('../migrate.ts', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the URL from the "records listening on" line. */
  listening: Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Every line the process wrote, stdout and stderr, in order. */
  output: string[];
  hasExited(): boolean;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** The environment a child gets: only what it needs, so the test runner's own DATABASE_URL never leaks in. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
}

/** Runs `node src/server.ts` (or another entry point) as a real process. */
export function startService(env: Record<string, string | undefined>, entry = serverEntry): ServiceProcess {
  const child = spawn(process.execPath, [entry], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let exitedFlag = false;
  const exited = once(child, 'exit').then(([code, signal]) => {
    exitedFlag = true;
    return (code ?? signal) as number | string;
  });
  const listening = new Promise<string>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        output.push(line);
        const url = /records listening on (http:\/\/\S+?)"/.exec(line)?.[1];
        if (url) resolve(url);
      });
    }
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  listening.catch(() => undefined);
  return {
    child,
    listening,
    exited,
    output,
    hasExited: () => exitedFlag,
    async stop(signal = 'SIGTERM') {
      if (!exitedFlag) child.kill(signal);
      return exited;
    },
  };
}

/** Runs an entry point to its end and returns its exit code and output. */
export async function runToEnd(env: Record<string, string | undefined>, entry: string): Promise<{ code: number | string; output: string[] }> {
  const run = startService(env, entry);
  const code = await run.exited;
  // Let readline deliver the last lines.
  await sleep(10);
  return { code, output: run.output };
}

/** Polls GET /readyz until it answers 200. */
export async function untilReady(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}
