import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-support/database.ts';
import { runToEnd, serverEntry, startService, untilReady, type ServiceProcess } from './test-support/service-process.ts';

const running: ServiceProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
});

function start(env: Record<string, string | undefined>): ServiceProcess {
  const service = startService(env);
  running.push(service);
  return service;
}

describe('SIGTERM with requests in flight', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sigterm');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('turns readiness false, keeps serving during SHUTDOWN_DELAY_MS, stops listening, then drains every accepted request and exits 0', async () => {
    const delayMs = 1_000;
    const service = start({ DATABASE_URL: db.url, SHUTDOWN_DELAY_MS: String(delayMs) });
    const url = await service.listening;
    await untilReady(url);

    // Hold the tables so that requests stay in flight inside the service until we let go: reads and writes.
    const blocker = await mysql.createConnection({ uri: db.url });
    await blocker.query('LOCK TABLES records WRITE, record_count WRITE');
    const inFlight = [
      ...Array.from({ length: 8 }, () => fetch(`${url}/`)),
      ...Array.from({ length: 4 }, (_, i) =>
        fetch(`${url}/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `in flight ${i}` }) }),
      ),
    ];
    await untilWaitingQueries(db, 10);

    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await sleep(100);
    const readyz = await fetch(`${url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toEqual({ status: 'not ready', reason: 'shutting down' });
    // Still inside SHUTDOWN_DELAY_MS: new requests are served while the endpoints catch up.
    expect((await fetch(`${url}/version`)).status).toBe(200);

    // Past the delay the server no longer listens, while the twelve requests are still waiting on the table.
    await sleep(signalledAt + delayMs + 300 - Date.now());
    await expect(fetch(`${url}/version`)).rejects.toThrow();
    await blocker.query('UNLOCK TABLES');
    await blocker.end();

    const responses = await Promise.all(inFlight);
    expect(responses.map((response) => response.status)).toEqual([...Array(8).fill(200), ...Array(4).fill(201)]);
    const acknowledged = await Promise.all(responses.slice(8).map(async (response) => ((await response.json()) as { id: number }).id));
    const stored = await db.query<unknown[]>('SELECT id FROM records WHERE id IN (?)', [acknowledged]);
    console.info(`SIGTERM: ${acknowledged.length} acknowledged writes in flight, ${stored.length} stored`);
    expect(stored).toHaveLength(acknowledged.length);
    expect(await service.exited).toBe(0);
    expect(service.output.join('\n')).toContain(`SIGTERM received: not ready from now on, closing in ${delayMs} ms`);
  });
});

describe('SIGKILL under write load', () => {
  it('loses no acknowledged write: every 201 is in the table after the kill and a restart', async () => {
    const db = await createTestDatabase('sigkill');
    try {
      const service = start({ DATABASE_URL: db.url, WRITE_RATE_LIMIT_PER_MINUTE: '1000000' });
      const url = await service.listening;
      await untilReady(url);
      const acknowledged: number[] = [];
      let killed = false;
      const writer = async (lane: number) => {
        for (let i = 0; !killed; i++) {
          const response = await fetch(`${url}/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `w${lane}-${i}` }) }).catch(
            () => undefined,
          );
          if (response?.status === 201) acknowledged.push(((await response.json()) as { id: number }).id);
        }
      };
      const writers = Array.from({ length: 6 }, (_, lane) => writer(lane));
      await sleep(1_500);
      service.child.kill('SIGKILL');
      await service.exited;
      killed = true;
      await Promise.all(writers);

      const next = start({ DATABASE_URL: db.url });
      const nextUrl = await next.listening;
      await untilReady(nextUrl);
      const stored = await db.query<unknown[]>('SELECT id FROM records WHERE id IN (?)', [acknowledged]);
      const counted = ((await (await fetch(`${nextUrl}/`)).json()) as { records: number }).records;
      const rows = Number((await db.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM records'))[0]!.n);
      console.info(`SIGKILL: ${acknowledged.length} acknowledged writes, ${stored.length} stored; ${rows} rows, GET / counts ${counted}`);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(stored).toHaveLength(acknowledged.length);
      // The counter commits with each insert: it matches the table even after a kill mid-transaction.
      expect(counted).toBe(rows);
    } finally {
      await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
      await db.drop();
    }
  });
});

/** Waits until `count` queries of the service are blocked on the table lock. */
async function untilWaitingQueries(db: TestDatabase, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const rows = await db.query<unknown[]>("SELECT id FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table%'", [db.name]);
    if (rows.length >= count) return;
    await sleep(20);
  }
  throw new Error(`fewer than ${count} queries waiting on the table lock`);
}

describe('without DATABASE_URL', () => {
  it('starts on an embedded SQLite file in DATA_DIR, says so, migrates and serves', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'records-sqlite-'));
    try {
      const service = start({ DATA_DIR: dataDir });
      const url = await service.listening;
      await untilReady(url);
      const created = await fetch(`${url}/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'local' }) });
      expect(created.status).toBe(201);
      expect(await (await fetch(`${url}/`)).json()).toMatchObject({ records: 1 });
      expect((await stat(join(dataDir, 'records.sqlite'))).isFile()).toBe(true);
      expect(service.output.join('\n')).toContain(`DATABASE_URL is not set: using the embedded SQLite database ${join(dataDir, 'records.sqlite')}`);
    } finally {
      await Promise.all(running.splice(0).map((service) => service.stop()));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('at boot', () => {
  it('logs one line with the address it listens on, 0.0.0.0 when bound to every interface', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'records-url-'));
    try {
      const service = start({ DATA_DIR: dataDir, HOST: '0.0.0.0' });
      const url = await service.listening;
      expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      expect(service.output.filter((line) => line.includes('listening'))).toHaveLength(1);
      expect((await fetch(`${url.replace('0.0.0.0', '127.0.0.1')}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all(running.splice(0).map((service) => service.stop()));
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('logs refused requests at info with method, URL and status, and successful ones only at debug', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'records-log-'));
    try {
      const service = start({ DATA_DIR: dataDir });
      const url = await service.listening;
      await untilReady(url);
      await fetch(`${url}/version`);
      await fetch(`${url}/no/such/thing`);
      await Promise.all(running.splice(0).map((each) => each.stop()));
      const requestLines = service.output.filter((line) => line.includes('"msg":"request '));
      expect(requestLines).toHaveLength(1);
      expect(JSON.parse(requestLines[0]!)).toMatchObject({ level: 30, method: 'GET', url: '/no/such/thing', statusCode: 404, msg: 'request refused' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('masks a DATABASE_URL password containing # in its one-line refusal', async () => {
    const { code, output } = await runToEnd({ DATABASE_URL: 'mysql://app:Sup3r#Passw0rd@127.0.0.1:3306/records' }, serverEntry);
    expect(code).toBe(1);
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(/^records: Invalid configuration: DATABASE_URL is not a valid URL \(got "mysql:\/\/app:\*\*\*@127\.0\.0\.1:3306\/records"\)/);
    expect(output.join('\n')).not.toMatch(/Sup3r|Passw0rd/);
  });

  it('never logs the password of a database that refuses it', async () => {
    const db = await createTestDatabase('masked');
    try {
      // The server's root has no password: one sent is refused, and the service retries and logs its failures.
      const url = new URL(db.url);
      url.password = encodeURIComponent('Sup3r#Passw0rd');
      const service = start({ DATABASE_URL: url.href, LOG_LEVEL: 'debug' });
      const listening = await service.listening;
      const readyz = await fetch(`${listening}/readyz`);
      expect(readyz.status).toBe(503);
      await fetch(`${listening}/`);
      await sleep(1_500);
      const output = service.output.join('\n');
      expect(output).toMatch(/ER_ACCESS_DENIED_ERROR|Access denied/);
      expect(output).not.toMatch(/Sup3r|Passw0rd/);
    } finally {
      await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
      await db.drop();
    }
  });

  it('stops with exit code 1 and one line naming DATA_DIR when the SQLite folder cannot be created', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'records-readonly-'));
    try {
      // A file where a folder must go fails mkdir as a read-only /tmp does, without needing root to set up.
      await writeFile(join(dataDir, 'file'), '');
      const { code, output } = await runToEnd({ DATA_DIR: join(dataDir, 'file', 'data') }, serverEntry);
      expect(code).toBe(1);
      // stdout and stderr arrive through separate pipes: the order of lines between them is not fixed.
      expect(output.filter((line) => line.startsWith('records: '))).toEqual([`records: DATA_DIR ${join(dataDir, 'file', 'data')} cannot be created (ENOTDIR): mount a writable folder there (the chart mounts /tmp) or set DATABASE_URL`]);
      expect(output.join('\n')).not.toMatch(/^\s+at /m);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('stops at once with exit code 1 and names a bad variable', async () => {
    const { code, output } = await runToEnd({ PORT: 'eighty', DATABASE_URL: 'postgres://db/x' }, serverEntry);
    expect(code).toBe(1);
    expect(output.join('\n')).toMatch(/^records: Invalid configuration: DATABASE_URL must match pattern .*; PORT must be integer \(got "eighty"\)$/);
  });
});
