import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-support/database.ts';
import { AdvisoryLockError, advisoryLockName } from './advisory-lock.ts';
import { createKnex } from './connection.ts';
import { DirectoryMigrationSource, migrateToLatest, migrationSource, schemaStatus } from './migrator.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  cleanups.push(() => db.drop());
  return db;
}

/** Each replica has its own knex instance and pool, as separate processes would. */
function replicas(url: string, count: number): Knex[] {
  const instances = Array.from({ length: count }, () => createKnex({ DATABASE_URL: url, DATA_DIR: tmpdir() }));
  cleanups.push(() => Promise.all(instances.map((knex) => knex.destroy())));
  return instances;
}

const config = (url: string, timeout = 30) => ({ DATABASE_URL: url, MIGRATION_LOCK_TIMEOUT_S: timeout });

async function holdLock(url: string, name: string) {
  const connection = await mysql.createConnection({ uri: url });
  const [[row]] = (await connection.query('SELECT GET_LOCK(?, 5) AS acquired', [name])) as unknown as [[{ acquired: number }]];
  expect(row.acquired).toBe(1);
  cleanups.push(() => connection.end());
  return { release: () => connection.query('SELECT RELEASE_LOCK(?)', [name]) };
}

describe('migrateToLatest', () => {
  it('lets five replicas migrate an empty database at once: one applies each migration, the others find nothing to do', async () => {
    const db = await database('migr_five');
    const results = await Promise.all(replicas(db.url, 5).map((knex) => migrateToLatest(knex, { config: config(db.url) })));
    const available = await migrationSource.getMigrations();
    expect(results.flat().sort()).toEqual(available);
    const recorded = await db.query<{ name: string }[]>('SELECT name FROM knex_migrations ORDER BY id');
    expect(recorded.map((row) => row.name)).toEqual(available);
    expect(await db.query('SELECT is_locked FROM knex_migrations_lock')).toEqual([{ is_locked: 0 }]);
  });

  it('does nothing on a current schema', async () => {
    const db = await database('migr_current');
    const [knex] = replicas(db.url, 1);
    await migrateToLatest(knex!, { config: config(db.url) });
    expect(await migrateToLatest(knex!, { config: config(db.url) })).toEqual([]);
  });

  it('waits for the lock, then finds the schema current', async () => {
    const db = await database('migr_wait');
    const [first, second] = replicas(db.url, 2);
    const lock = await holdLock(db.url, advisoryLockName('migrate', db.url));
    const waiting = migrateToLatest(second!, { config: config(db.url) });
    await knexMigrateWithoutLock(first!);
    await lock.release();
    expect(await waiting).toEqual([]);
  });

  it('fails with a clear error when the lock is not free within MIGRATION_LOCK_TIMEOUT_S', async () => {
    const db = await database('migr_timeout');
    const name = advisoryLockName('migrate', db.url);
    await holdLock(db.url, name);
    const [knex] = replicas(db.url, 1);
    const attempt = migrateToLatest(knex!, { config: config(db.url, 1) });
    await expect(attempt).rejects.toThrow(AdvisoryLockError);
    await expect(attempt).rejects.toThrow(`Timed out after 1 s waiting for the lock "${name}"`);
    await expect(attempt).rejects.toThrow(/Raise MIGRATION_LOCK_TIMEOUT_S/);
    expect(await db.query('SHOW TABLES')).toEqual([]);
  });

  it('releases the lock when a migration fails', async () => {
    const db = await database('migr_fail');
    const folder = await mkdtemp(join(tmpdir(), 'records-migrations-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await writeFile(join(folder, '20260101000000_broken.js'), "export async function up(knex) { await knex.raw('CREATE TABLE broken ('); }\nexport async function down() {}\n");
    const source = new DirectoryMigrationSource(pathToFileURL(`${folder}/`));
    const [knex] = replicas(db.url, 1);
    await expect(migrateToLatest(knex!, { config: config(db.url), source })).rejects.toThrow(/SQL syntax/);
    const name = advisoryLockName('migrate', db.url);
    expect(await db.query('SELECT IS_FREE_LOCK(?) AS free', [name])).toEqual([{ free: 1 }]);
  });

  it.each([
    ['left locked by a process that died mid-migration', 'UPDATE knex_migrations_lock SET is_locked = 1', 1],
    ['wedged with two rows by concurrent creators', 'INSERT INTO knex_migrations_lock (is_locked) VALUES (0)', 2],
  ])("frees knex's lock table %s", async (_case, damage, rowCount) => {
    const db = await database('migr_wedged');
    const [knex] = replicas(db.url, 1);
    const empty = await mkdtemp(join(tmpdir(), 'records-no-migrations-'));
    cleanups.push(() => rm(empty, { recursive: true, force: true }));
    await knex!.migrate.latest({ migrationSource: new DirectoryMigrationSource(pathToFileURL(`${empty}/`)) });
    await db.query(damage);
    await expect(knexMigrateWithoutLock(knex!)).rejects.toThrow('Migration table is already locked');

    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (_: object, message: string) => void warnings.push(message) };
    expect(await migrateToLatest(knex!, { config: config(db.url), log })).toEqual(await migrationSource.getMigrations());
    expect(warnings).toEqual([`knex_migrations_lock was left locked (${rowCount} row(s)) by an earlier run: freeing it, the advisory lock is held`]);
    expect(await db.query('SELECT is_locked FROM knex_migrations_lock')).toEqual([{ is_locked: 0 }]);
  });

  it('stops waiting for the lock when aborted', async () => {
    const db = await database('migr_abort');
    await holdLock(db.url, advisoryLockName('migrate', db.url));
    const [knex] = replicas(db.url, 1);
    const stop = new AbortController();
    const attempt = migrateToLatest(knex!, { config: config(db.url), signal: stop.signal });
    setTimeout(() => stop.abort(), 100);
    await expect(attempt).rejects.toThrow(/aborted/i);
  });
});

/** knex's migrate.latest with nothing but knex's own lock table, as a service without the advisory lock would run it. */
function knexMigrateWithoutLock(knex: Knex) {
  return knex.migrate.latest({ migrationSource });
}

describe("knex's own migration lock", () => {
  it('is not enough: replicas migrating an empty database at once fail', async () => {
    const failures: string[] = [];
    // Nearly every round fails; a few rounds make the demonstration certain without making the suite slow.
    for (let round = 0; round < 5 && failures.length === 0; round++) {
      const db = await database(`migr_knex${round}`);
      const outcomes = await Promise.allSettled(replicas(db.url, 5).map(knexMigrateWithoutLock));
      for (const outcome of outcomes) if (outcome.status === 'rejected') failures.push((outcome.reason as Error).message);
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.join('\n')).toMatch(/already exists|already locked|Duplicate entry/);
  });
});

describe('schemaStatus', () => {
  it('lists every migration as pending on an empty database without creating any table', async () => {
    const db = await database('migr_status');
    const [knex] = replicas(db.url, 1);
    expect(await schemaStatus(knex!)).toEqual({ applied: [], pending: await migrationSource.getMigrations() });
    expect(await db.query('SHOW TABLES')).toEqual([]);
  });
});
