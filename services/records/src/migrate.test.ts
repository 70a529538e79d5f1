import { afterEach, describe, expect, it } from 'vitest';
import type { App } from './app.ts';
import { migrationSource } from './db/migrator.ts';
import { buildTestApp, untilAppReady } from './test-support/app.ts';
import { createTestDatabase, type TestDatabase } from './test-support/database.ts';
import { migrateEntry, runToEnd } from './test-support/service-process.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  cleanups.push(() => db.drop());
  return db;
}

describe('node src/migrate.ts', () => {
  it('migrates an empty database and exits 0, then finds nothing to do', async () => {
    const db = await database('job');
    const first = await runToEnd({ DATABASE_URL: db.url }, migrateEntry);
    expect(first.code).toBe(0);
    const recorded = await db.query<{ name: string }[]>('SELECT name FROM knex_migrations ORDER BY id');
    expect(recorded.map((row) => row.name)).toEqual(await migrationSource.getMigrations());

    const second = await runToEnd({ DATABASE_URL: db.url }, migrateEntry);
    expect(second.code).toBe(0);
    expect(second.output.join('\n')).toContain('schema is already current');
  });

  it('exits 1 naming the variable when the configuration is bad', async () => {
    const { code, output } = await runToEnd({ DATABASE_URL: 'mysql:/nohost' }, migrateEntry);
    expect(code).toBe(1);
    expect(output.join('\n')).toMatch(/^records migrate: Invalid configuration: DATABASE_URL must match pattern/);
  });

  it('exits 1 with the reason when the database cannot be reached', async () => {
    const { code, output } = await runToEnd({ DATABASE_URL: 'mysql://root@127.0.0.1:1/nothing' }, migrateEntry);
    expect(code).toBe(1);
    expect(output.join('\n')).toMatch(/migration failed: .*ECONNREFUSED/);
  });
});

describe('MIGRATE_ON_START=false', () => {
  it('leaves the database alone and stays not ready until a migrate Job has made the schema current', async () => {
    const db = await database('nomigrate');
    const app: App = await buildTestApp({ DATABASE_URL: db.url, MIGRATE_ON_START: 'false' });
    cleanups.push(() => app.close());

    const waiting = await app.inject('/readyz');
    expect(waiting.statusCode).toBe(503);
    expect(waiting.json<{ reason: string }>().reason).toMatch(/pending migration.*waiting for a migrate Job \(MIGRATE_ON_START=false\)/);
    expect(await db.query('SHOW TABLES')).toEqual([]);

    expect((await runToEnd({ DATABASE_URL: db.url }, migrateEntry)).code).toBe(0);
    await untilAppReady(app, 5_000);
  });
});
