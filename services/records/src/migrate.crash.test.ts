import { tmpdir } from 'node:os';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKnex } from './db/connection.ts';
import { migrateToLatest, migrationSource } from './db/migrator.ts';
import { createTestDatabase, type TestDatabase } from './test-support/database.ts';
import { schemaSnapshot } from './test-support/schema.ts';
import { startService, untilReady, type ServiceProcess } from './test-support/service-process.ts';
import { startTcpProxy, type TcpProxy } from './test-support/tcp-proxy.ts';

// Its own file, so that Vitest runs these process starts beside the other files.
const ddl = /^\s*(create|alter|drop|rename|truncate)\b/i;
const running: ServiceProcess[] = [];
const knexes: Knex[] = [];
const proxies: TcpProxy[] = [];
let reference: Awaited<ReturnType<typeof schemaSnapshot>>;
/** Every DDL statement of a first start, in order: knex's own tables, then each migration's. */
const statements: string[] = [];

function knexFor(db: TestDatabase): Knex {
  const knex = createKnex({ DATABASE_URL: db.url, DATA_DIR: tmpdir() });
  knexes.push(knex);
  return knex;
}

beforeAll(async () => {
  const db = await createTestDatabase('crash_ref');
  try {
    const knex = knexFor(db);
    knex.on('query', (query: { sql: string }) => {
      if (ddl.test(query.sql)) statements.push(query.sql);
    });
    await migrateToLatest(knex, { config: { DATABASE_URL: db.url, MIGRATION_LOCK_TIMEOUT_S: 30 } });
    reference = await schemaSnapshot(knex);
  } finally {
    await db.drop();
  }
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
});

afterAll(async () => {
  await Promise.all(knexes.map((knex) => knex.destroy()));
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

/** A proxy of the round's own: a database 20 ms away each way, as across zones; holdAnswerTo places the kill, not timing. */
async function proxyTo(db: TestDatabase): Promise<TcpProxy> {
  const server = new URL(db.url);
  const proxy = await startTcpProxy(server.hostname, Number(server.port || 3306), { latencyMs: 20 });
  proxies.push(proxy);
  return proxy;
}

function start(db: TestDatabase, proxy: TcpProxy): ServiceProcess {
  const url = new URL(db.url);
  url.host = `127.0.0.1:${proxy.port}`;
  const service = startService({ DATABASE_URL: url.href });
  running.push(service);
  return service;
}

describe('a replica killed with SIGKILL during its first-start migrations', () => {
  it('finds every DDL statement of the migration sequence to kill after', async () => {
    // knex_migrations, knex_migrations_lock, then one per migration file (the rule in README.md).
    expect(statements).toHaveLength(2 + (await migrationSource.getMigrations()).length);
  });

  it('leaves a database the next replica completes to the exact schema, each migration recorded once', async () => {
    const available = await migrationSource.getMigrations();
    // The rounds are independent (a database and a proxy each) and mostly wait on the network: run them together.
    const rounds = await Promise.all(
      statements.map(async (statement, index) => {
        const step = `after DDL ${index + 1}/${statements.length} (${statement.slice(0, 60)})`;
        const db = await createTestDatabase(`crash${index}`);
        try {
          const proxy = await proxyTo(db);
          const held = proxy.holdAnswerTo(statement);
          const victim = start(db, proxy);
          await held;
          victim.child.kill('SIGKILL');
          expect(await victim.exited, step).toBe('SIGKILL');
          // The statement ran and the replica died before learning it: the state the finding wedged on.
          expect(await schemaSnapshot(knexFor(db)), step).not.toEqual(reference);

          const next = start(db, proxy);
          await untilReady(await next.listening, 30_000);
          const knex = knexFor(db);
          expect(await schemaSnapshot(knex), step).toEqual(reference);
          const recorded = (await knex('knex_migrations').select('name').orderBy('id')).map((row: { name: string }) => row.name);
          expect(recorded, step).toEqual(available);
          expect((await knex('knex_migrations_lock').select('is_locked')).map((row: { is_locked: number }) => row.is_locked), step).toEqual([0]);
          return step;
        } finally {
          await db.drop();
        }
      }),
    );
    expect(rounds).toHaveLength(statements.length);
  }, 180_000);
});
