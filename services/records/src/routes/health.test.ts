import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app.ts';
import { buildTestApp, untilAppReady } from '../test-support/app.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/database.ts';
import { startTcpProxy, type TcpProxy } from '../test-support/tcp-proxy.ts';

let database: TestDatabase;
let proxy: TcpProxy;
const apps: App[] = [];

beforeAll(async () => {
  database = await createTestDatabase('health');
  const server = new URL(database.url);
  proxy = await startTcpProxy(server.hostname, Number(server.port || 3306));
});

afterEach(async () => {
  proxy.restore();
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await proxy?.close();
  await database?.drop();
});

/** An app whose database traffic goes through the proxy. */
async function appBehindProxy(env: Record<string, string> = {}): Promise<App> {
  const url = new URL(database.url);
  url.host = `127.0.0.1:${proxy.port}`;
  const app = await buildTestApp({ DATABASE_URL: url.href, ...env });
  apps.push(app);
  return app;
}

describe('GET /healthz', () => {
  it('answers 200 without a database connection', async () => {
    proxy.cut();
    const app = await appBehindProxy();
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('answers 200 once the database answers and the schema is current', async () => {
    const app = await appBehindProxy();
    await untilAppReady(app);
    const response = await app.inject('/readyz');
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('answers 503 with the reason while the database is gone, and 200 again when it returns, without a restart', async () => {
    const app = await appBehindProxy();
    await untilAppReady(app);

    proxy.cut();
    const down = await app.inject('/readyz');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not ready', reason: expect.stringMatching(/^database unavailable: /) });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/')).statusCode).toBe(503);

    proxy.restore();
    await untilAppReady(app, 10_000);
    expect((await app.inject('/')).statusCode).toBe(200);
  });

  it('answers 503 until migrations have run when the database is unreachable at start', async () => {
    const fresh = await createTestDatabase('health_late');
    try {
      proxy.cut();
      const url = new URL(fresh.url);
      url.host = `127.0.0.1:${proxy.port}`;
      const app = await buildTestApp({ DATABASE_URL: url.href });
      apps.push(app);
      await sleep(100);
      const down = await app.inject('/readyz');
      expect(down.statusCode).toBe(503);
      expect((await app.inject('/healthz')).statusCode).toBe(200);
      proxy.restore();
      // The first retry comes one second after the failed attempt.
      await untilAppReady(app, 10_000);
      const rows = await fresh.query<{ name: string }[]>('SELECT name FROM knex_migrations');
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await fresh.drop();
    }
  });

  it('answers 503 "shutting down" once shutdown has begun, even with the database up', async () => {
    const app = await appBehindProxy();
    await untilAppReady(app);
    app.readiness.markShuttingDown();
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not ready', reason: 'shutting down' });
  });
});
