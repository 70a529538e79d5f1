import { randomBytes } from 'node:crypto';
import { openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';

/**
 * `npm run bench` / `npx nx run records:bench`: the service against a bare fastify app doing the same mysql2 query,
 * both real processes on a fresh database, driven in turns by autocannon. Prints req/s, p50 and p99 and the ratios.
 */
const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    rows: { type: 'string', default: '0' },
    'large-rows': { type: 'string', default: '1000000' },
  },
});
const duration = Number(options.duration);
const rounds = Number(options.rounds);
const connections = Number(options.connections);

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write('records bench: set DATABASE_URL to a MySQL server whose user may create databases, e.g. DATABASE_URL=mysql://root@127.0.0.1:3306/test\n');
  process.exit(1);
}

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function untilAnswers(url: string, path: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const status = await fetch(url + path).then((response) => response.status, () => 0);
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`${url}${path} did not answer 200 within 30 s`);
}

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time the server process spent per request, in microseconds: unlike req/s, barely moved by other load. */
  cpuPerRequest: number;
}

/** User + system CPU time of a process in milliseconds (Linux /proc; clock ticks are 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

async function drive(url: string, pid: number, seconds: number): Promise<Measurement> {
  const cpuBefore = await cpuMs(pid);
  const result = await autocannon({ url, connections, duration: seconds });
  const cpu = (await cpuMs(pid)) - cpuBefore;
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${url}: ${failed} failed requests (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`);
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuPerRequest: (cpu * 1000) / result.requests.total };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function summarise(measurements: Measurement[]): Measurement {
  return {
    requestsPerSecond: median(measurements.map((m) => m.requestsPerSecond)),
    p50: median(measurements.map((m) => m.p50)),
    p99: median(measurements.map((m) => m.p99)),
    cpuPerRequest: median(measurements.map((m) => m.cpuPerRequest)),
  };
}

const workDir = await mkdtemp(join(tmpdir(), 'records-bench-'));
const suffix = randomBytes(4).toString('hex');
// The table as most runs see it, and one grown to --large-rows: GET / must cost the same on both.
const databaseNames = [`records_bench_${suffix}`, `records_bench_large_${suffix}`];
const admin = await mysql.createConnection({ uri: serverUrl });
for (const name of databaseNames) await admin.query(`CREATE DATABASE \`${name}\``);
const [databaseUrl, largeDatabaseUrl] = databaseNames.map((name) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).href) as [string, string];
const dropDatabases = () => Promise.all(databaseNames.map((name) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``)));
const children: ChildProcess[] = [];
// Ctrl-C still removes the databases and the processes.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    void dropDatabases().finally(() => process.exit(130));
  });
}

/** Stores `count` rows in one statement (a cross join of digits) and sets the counter the service maintains. */
async function seed(url: string, count: number): Promise<void> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    await connection.query('CREATE TEMPORARY TABLE digits (d INT)');
    await connection.query('INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)');
    const digits = Math.max(1, Math.ceil(Math.log10(Math.max(count, 1))));
    const joins = Array.from({ length: digits }, (_, i) => `digits d${i}`).join(' CROSS JOIN ');
    const number = Array.from({ length: digits }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
    await connection.query(`INSERT INTO records (name) SELECT CONCAT('record ', ${number}) FROM ${joins} LIMIT ${count}`);
    await connection.query('UPDATE record_count SET count = (SELECT COUNT(*) FROM records) WHERE id = 1');
  } finally {
    await connection.end();
  }
}

function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const log = openSync(join(workDir, `${name}.log`), 'w');
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', log, log],
  });
  children.push(child);
  return child;
}

try {
  const servicePort = await freePort();
  const service = `http://127.0.0.1:${servicePort}`;
  // As deployed: default LOG_LEVEL (info), metrics, schemas, readiness hooks; only the port differs.
  const servicePid = start('service', source('./server.ts'), { PORT: String(servicePort) }).pid!;
  await untilAnswers(service, '/readyz');

  if (Number(options.rows) > 0) await seed(databaseUrl, Number(options.rows));

  const largePort = await freePort();
  const large = `http://127.0.0.1:${largePort}`;
  const largeRows = Number(options['large-rows']);
  const largePid = start('service-large', source('./server.ts'), { PORT: String(largePort), DATABASE_URL: largeDatabaseUrl }).pid!;
  await untilAnswers(large, '/readyz');
  const seedStarted = performance.now();
  await seed(largeDatabaseUrl, largeRows);
  process.stdout.write(`seeded ${largeRows.toLocaleString('en')} rows in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`);

  const barePort = await freePort();
  const bare = `http://127.0.0.1:${barePort}`;
  const barePid = start('bare', source('./test-support/bare-app.ts'), { PORT: String(barePort) }).pid!;
  await untilAnswers(bare, '/hello');

  const pairs = [
    { name: 'GET / (record count)', subject: `${service}/`, subjectPid: servicePid, subjectLabel: 'service /', baseline: `${bare}/`, baselinePid: barePid, baselineLabel: 'bare fastify /', target: 0.85 },
    { name: 'GET /healthz', subject: `${service}/healthz`, subjectPid: servicePid, subjectLabel: 'service /healthz', baseline: `${bare}/hello`, baselinePid: barePid, baselineLabel: 'bare fastify /hello', target: 0.9 },
    {
      name: `GET / at ${largeRows.toLocaleString('en')} rows against GET / at ${Number(options.rows).toLocaleString('en')} rows`,
      subject: `${large}/`,
      subjectPid: largePid,
      subjectLabel: `service / ${largeRows.toLocaleString('en')} rows`,
      baseline: `${service}/`,
      baselinePid: servicePid,
      baselineLabel: `service / ${Number(options.rows).toLocaleString('en')} rows`,
      target: 0.9,
    },
  ];
  process.stdout.write(
    `records bench: ${connections} connections, ${rounds} rounds of ${duration} s per side, ${options.rows} rows; medians, ratio = median of the per-round ratios\n`,
  );
  const lines: string[] = [];
  for (const pair of pairs) {
    const runSubject = () => drive(pair.subject, pair.subjectPid, duration);
    const runBaseline = () => drive(pair.baseline, pair.baselinePid, duration);
    await drive(pair.subject, pair.subjectPid, 1);
    await drive(pair.baseline, pair.baselinePid, 1);
    const subject: Measurement[] = [];
    const baseline: Measurement[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so that drift on a shared machine hits both sides alike.
      if (round % 2 === 0) {
        subject.push(await runSubject());
        baseline.push(await runBaseline());
      } else {
        baseline.push(await runBaseline());
        subject.push(await runSubject());
      }
    }
    const s = summarise(subject);
    const b = summarise(baseline);
    // Each round's two runs are back to back, so their ratio is the least disturbed by other load on the machine.
    const ratios = subject.map((m, i) => m.requestsPerSecond / (baseline[i]?.requestsPerSecond ?? Infinity));
    const ratio = median(ratios);
    const row = (label: string, m: Measurement) =>
      `  ${label.padEnd(26)} ${m.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${String(m.p50).padStart(3)} ms   p99 ${String(m.p99).padStart(3)} ms   ${m.cpuPerRequest.toFixed(0).padStart(4)} µs CPU/req`;
    lines.push(
      `${pair.name}`,
      row(pair.subjectLabel, s),
      row(pair.baselineLabel, b),
      `  ratio ${ratio.toFixed(2)} (target >= ${pair.target}: ${ratio >= pair.target ? 'met' : 'NOT met'}); rounds ${ratios.map((r) => r.toFixed(2)).join(' ')}; CPU per request ratio ${(b.cpuPerRequest / s.cpuPerRequest).toFixed(2)}`,
    );
    process.stdout.write(`${lines.slice(-4).join('\n')}\n`);
  }
} catch (error) {
  for (const name of ['service', 'service-large', 'bare']) {
    const log = await readFile(join(workDir, `${name}.log`), 'utf8').catch(() => '');
    if (log) process.stderr.write(`--- ${name} log (last lines)\n${log.split('\n').slice(-10).join('\n')}\n`);
  }
  throw error;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  await dropDatabases();
  await admin.end();
  await rm(workDir, { recursive: true, force: true });
}
