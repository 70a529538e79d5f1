// Containers run as the charts run them: uid 1000, read-only root filesystem with a tmpfs /tmp,
// every capability dropped, no privilege escalation. Host networking, each on a loopback port
// picked free at run time, so every request a test sends goes to 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { docker, dockerClient } from './docker.ts';

/** The securityContext of charts/<deployable>/templates/deployment.yaml, as `docker run` flags. */
export const chartSecurity = ['--user', '1000:1000', '--read-only', '--tmpfs', '/tmp:rw,nosuid,nodev,size=64m', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ContainerSpec {
  image: string;
  /** A readable prefix; the run's id makes it unique. */
  name: string;
  env?: Record<string, string>;
  /** docker run flags before the image, e.g. chartSecurity. */
  flags?: string[];
  /** Arguments after the image. */
  args?: string[];
}

export interface Container {
  id: string;
  name: string;
  /** Everything the container wrote, stdout and stderr. */
  logs(): string;
  /** Whether it still runs; with its exit code once it stopped. */
  state(): { running: boolean; exitCode: number };
  /** docker stop: SIGTERM, SIGKILL after the grace period. Resolves with the exit code and how long it took. */
  stop(graceSeconds?: number): { exitCode: number; seconds: number };
  remove(): void;
}

const runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const started: Container[] = [];

export function runContainer(spec: ContainerSpec): Container {
  const name = `platform-images-${spec.name}-${runId}`;
  const env = Object.entries(spec.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
  const id = docker(['run', '--detach', '--name', name, '--network', 'host', ...(spec.flags ?? []), ...env, spec.image, ...(spec.args ?? [])]);
  const container: Container = {
    id,
    name,
    logs: () => {
      const result = spawnSync(dockerClient, ['logs', id], { encoding: 'utf8' });
      return `${result.stdout}${result.stderr}`.trimEnd();
    },
    state: () => {
      const [running, exitCode] = docker(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', id]).split(' ');
      return { running: running === 'true', exitCode: Number(exitCode) };
    },
    stop: (graceSeconds = 30) => {
      const begun = Date.now();
      docker(['stop', '--time', String(graceSeconds), id]);
      return { exitCode: container.state().exitCode, seconds: (Date.now() - begun) / 1000 };
    },
    remove: () => {
      spawnSync(dockerClient, ['rm', '--force', '--volumes', id], { stdio: 'ignore' });
      started.splice(started.indexOf(container), 1);
    },
  };
  started.push(container);
  return container;
}

/** Removes every container this process started (after a failure too). */
export function removeAll(): void {
  for (const container of [...started]) container.remove();
}

/** The container's own output, indented, for an error message. */
export function logExcerpt(container: Container, lines = 30): string {
  const text = container.logs().split('\n').slice(-lines).join('\n');
  return text ? text.replace(/^/gm, '    ') : '    (the container wrote nothing)';
}

/**
 * Waits until `url` answers 200. Fails as soon as the container exits, or at the deadline, with
 * the container's own output: what a person needs to see why an image does not start.
 */
export async function waitForReady(container: Container, url: string, timeoutMs = 60_000): Promise<number> {
  const begun = Date.now();
  let last: string;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return (Date.now() - begun) / 1000;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    const state = container.state();
    if (!state.running) throw new Error(`${container.name} exited (code ${state.exitCode}) before ${url} answered; its output:\n${logExcerpt(container)}`);
    if (Date.now() - begun > timeoutMs) throw new Error(`${container.name} did not answer ${url} with 200 within ${timeoutMs / 1000} s (last: ${last}); its output:\n${logExcerpt(container)}`);
    await sleep(200);
  }
}

/** Waits until the container's output matches `pattern`; fails with its output when it exits or at the deadline. */
export async function waitForOutput(container: Container, pattern: RegExp, timeoutMs = 60_000): Promise<number> {
  const begun = Date.now();
  for (;;) {
    if (pattern.test(container.logs())) return (Date.now() - begun) / 1000;
    const state = container.state();
    if (!state.running) throw new Error(`${container.name} exited (code ${state.exitCode}) before it logged ${pattern}; its output:\n${logExcerpt(container)}`);
    if (Date.now() - begun > timeoutMs) throw new Error(`${container.name} did not log ${pattern} within ${timeoutMs / 1000} s; its output:\n${logExcerpt(container)}`);
    await sleep(200);
  }
}
