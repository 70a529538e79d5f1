// `npm start` at the repository root: runs records and web together on this machine, with records on
// its embedded SQLite database, until Ctrl+C. Ports: RECORDS_PORT (3000) and WEB_PORT (3001).
// The root script is `exec node scripts/start-stack.ts`: the exec makes this process npm's direct child,
// so the SIGINT and SIGTERM that npm forwards reach it (a plain `sh -c` keeps them for itself).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

interface Service {
  name: 'records' | 'web';
  entry: string;
  port: number;
  env: Record<string, string | undefined>;
  child?: ChildProcess;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const readyTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;
// Ctrl+C reaches this process twice: from the terminal (same process group) and forwarded by npm.
const sameSignalWindowMs = 1_000;
const colors = { records: '\x1b[36m', web: '\x1b[35m', stack: '\x1b[1m' } as const;
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

function say(source: keyof typeof colors, line: string): void {
  const label = `[${source}]`.padEnd(10);
  process.stdout.write(`${useColor ? `${colors[source]}${label}\x1b[0m` : label}${line}\n`);
}

function portFrom(variable: string, fallback: number): number {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`start-stack: ${variable} must be a port number between 1 and 65535 (got ${JSON.stringify(value)}); unset it to use ${fallback}.\n`);
    process.exit(1);
  }
  return port;
}

// pino writes one JSON object per line: show people the time, level and message, and anything else as is.
const levels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as { level?: number; time?: number; msg?: string; err?: { stack?: string } };
    if (typeof entry.msg !== 'string') return line;
    const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
    const stack = entry.err?.stack ? `\n${entry.err.stack}` : '';
    return `${time} ${(levels[entry.level ?? 30] ?? 'info').padEnd(5)} ${entry.msg}${stack}`;
  } catch {
    return line;
  }
}

const recordsPort = portFrom('RECORDS_PORT', 3000);
const webPort = portFrom('WEB_PORT', 3001);
if (recordsPort === webPort) {
  process.stderr.write(`start-stack: RECORDS_PORT and WEB_PORT are both ${recordsPort}; give them different ports.\n`);
  process.exit(1);
}
const host = process.env.HOST;
// Services listen on every interface by default; probe and print the loopback address then.
const probeHost = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
const shownHost = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
// Locally the commit shown on the page is the checkout's own, as an image bakes in its build's.
const inherited = { ...process.env, PORT: undefined, GIT_COMMIT: process.env.GIT_COMMIT ?? checkoutCommit() };

function checkoutCommit(): string | undefined {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const services: Service[] = [
  {
    name: 'records',
    entry: 'services/records/src/server.ts',
    port: recordsPort,
    env: { ...inherited, PORT: String(recordsPort), DEMO_SECRET: process.env.DEMO_SECRET ?? 'local-demo-secret' },
  },
  {
    name: 'web',
    entry: 'apps/web/src/server.ts',
    port: webPort,
    env: { ...inherited, PORT: String(webPort), RECORDS_URL: process.env.RECORDS_URL ?? `http://${probeHost}:${recordsPort}` },
  },
];

let stopping = false;
let exitCode = 0;

function isRunning(service: Service): boolean {
  return service.child !== undefined && service.exited === undefined;
}

function stopAll(signal: NodeJS.Signals, reason: string): void {
  if (stopping) return;
  stopping = true;
  say('stack', reason);
  for (const service of services) if (isRunning(service)) service.child?.kill(signal);
  // A child that ignores the signal must not keep the stack alive forever.
  setTimeout(() => {
    for (const service of services) {
      if (isRunning(service)) {
        say('stack', `${service.name} did not stop within ${stopTimeoutMs / 1000} s: killing it`);
        service.child?.kill('SIGKILL');
        exitCode = 1;
      }
    }
  }, stopTimeoutMs).unref();
}

function start(service: Service): void {
  // Its own process group: a Ctrl+C in the terminal reaches the children once, through this script, not twice.
  const child = spawn(process.execPath, [service.entry], { cwd: repoRoot, env: service.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  service.child = child;
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => say(service.name, readable(line)));
  child.on('error', (error) => {
    say('stack', `could not start ${service.name}: ${error.message}`);
    service.exited = { code: 1, signal: null };
    exitCode = 1;
    stopAll('SIGTERM', `stopping the others`);
  });
  child.on('exit', (code, signal) => {
    service.exited = { code, signal };
    if (!stopping) {
      exitCode = 1;
      stopAll('SIGTERM', `${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
    } else if (code !== 0 && code !== null) {
      exitCode = 1;
    }
    if (services.every((each) => !isRunning(each))) {
      say('stack', exitCode === 0 ? 'stopped' : 'stopped after a failure');
      process.exit(exitCode);
    }
  });
}

async function waitUntilReady(service: Service): Promise<boolean> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline && isRunning(service) && !stopping) {
    const ready = await fetch(`http://${probeHost}:${service.port}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

let firstSignalAt = 0;
// SIGHUP: the terminal closed. The children sit in their own process group, so only this process hears it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) {
      if (Date.now() - firstSignalAt < sameSignalWindowMs) return;
      // A second Ctrl+C: stop waiting.
      for (const service of services) if (isRunning(service)) service.child?.kill('SIGKILL');
      process.exit(130);
    }
    firstSignalAt = Date.now();
    stopAll(signal === 'SIGHUP' ? 'SIGTERM' : signal, `${signal} received: stopping records and web`);
  });
}
// Whoever started this process (npm) died without passing a signal on (e.g. SIGKILL): the stack goes with it.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) stopAll('SIGTERM', `the process that started the stack (pid ${parentAtStart}) is gone: stopping records and web`);
}, 500).unref();
// Never leave children behind, whatever ends this process.
process.on('exit', () => {
  for (const service of services) if (isRunning(service)) service.child?.kill('SIGKILL');
});

/** Resolves to the error code when `port` cannot be listened on (EADDRINUSE, EACCES), undefined when it is free. */
function portProblem(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen({ port, host: host ?? '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

// A port someone else holds is found before anything starts, so the probe below can only ever reach our own children.
for (const service of services) {
  const problem = await portProblem(service.port);
  if (problem === undefined) continue;
  const variable = service.name === 'records' ? 'RECORDS_PORT' : 'WEB_PORT';
  const what = problem === 'EADDRINUSE' ? 'is already in use (an earlier `npm start` still running?)' : `cannot be listened on (${problem})`;
  process.stderr.write(
    `start-stack: port ${service.port} for ${service.name} ${what}: stop what holds it (\`lsof -i :${service.port}\`) or run \`${variable}=${service.port + 100} npm start\`.\n`,
  );
  process.exit(1);
}

say('stack', `starting records on port ${recordsPort} and web on port ${webPort}`);
for (const service of services) start(service);

const ready = await Promise.all(services.map(waitUntilReady));
// Ready means our own children answer: a child that died meanwhile never counts.
if (ready.every(Boolean) && services.every(isRunning) && !stopping) {
  say('stack', 'ready:');
  say('stack', `  web      http://${shownHost}:${webPort}/   (the page; pid ${services[1]?.child?.pid})`);
  say('stack', `  records  http://${shownHost}:${recordsPort}/   (the API; pid ${services[0]?.child?.pid})`);
  say('stack', 'press Ctrl+C to stop');
} else if (!stopping) {
  const late = services.filter((_service, index) => !ready[index]).map((service) => service.name);
  exitCode = 1;
  stopAll('SIGTERM', `${late.join(' and ')} did not become ready within ${readyTimeoutMs / 1000} s; stopping`);
}
