import { readdir } from 'node:fs/promises';
import type { Knex } from 'knex';
import type { Config } from '../plugins/env.ts';
import { advisoryLockName, withAdvisoryLock } from './advisory-lock.ts';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** knex's bookkeeping table; its lock table is `knex_migrations_lock`. */
export const migrationsTable = 'knex_migrations';

const migrationFile = /^(\d{14}_[a-z0-9_]+)\.(ts|js)$/;

/**
 * The files of src/migrations (dist/migrations once built), named without their extension so that the names
 * recorded in knex_migrations are the same whether the service runs from TypeScript or from the build.
 */
export class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  readonly directory: URL;
  private files: Promise<Map<string, string>> | undefined;

  constructor(directory: URL) {
    this.directory = directory;
  }

  private async byName(): Promise<Map<string, string>> {
    this.files ??= readdir(this.directory).then((entries) => {
      const files = new Map<string, string>();
      for (const entry of entries.sort()) {
        const match = migrationFile.exec(entry);
        if (match?.[1]) files.set(match[1], entry);
      }
      return files;
    });
    return this.files;
  }

  async getMigrations(): Promise<string[]> {
    return [...(await this.byName()).keys()];
  }

  getMigrationName(migration: string): string {
    return migration;
  }

  async getMigration(migration: string): Promise<Migration> {
    const file = (await this.byName()).get(migration);
    if (!file) throw new Error(`Migration ${migration} not found in ${this.directory.pathname}`);
    return (await import(new URL(file, this.directory).href)) as Migration;
  }
}

export const migrationSource = new DirectoryMigrationSource(new URL('../migrations/', import.meta.url));

export interface SchemaStatus {
  applied: string[];
  pending: string[];
}

/**
 * Compares the migrations recorded in the database with the ones this build ships. Read-only on purpose:
 * knex.migrate.list() would create knex's tables, which must only happen under the advisory lock.
 */
export async function schemaStatus(knex: Knex, source: DirectoryMigrationSource = migrationSource): Promise<SchemaStatus> {
  const available = await source.getMigrations();
  const applied = (await knex.schema.hasTable(migrationsTable))
    ? (await knex(migrationsTable).select<{ name: string }[]>('name').orderBy('id')).map((row) => row.name)
    : [];
  const done = new Set(applied);
  return { applied, pending: available.filter((name) => !done.has(name)) };
}

export interface MigrateOptions {
  config: Pick<Config, 'DATABASE_URL' | 'MIGRATION_LOCK_TIMEOUT_S'>;
  source?: DirectoryMigrationSource;
  signal?: AbortSignal;
  log?: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

/**
 * knex's lock row stays set when a migrating process dies, and concurrent creators can leave two rows: either way
 * every later migrate.latest fails with "Migration table is already locked". Only called under the advisory lock.
 */
async function freeWedgedKnexLock(knex: Knex, source: DirectoryMigrationSource, log: MigrateOptions['log']): Promise<void> {
  const lockTable = `${migrationsTable}_lock`;
  if (!(await knex.schema.hasTable(lockTable))) return;
  const rows = await knex(lockTable).select<{ is_locked: number }[]>('is_locked');
  if (rows.length === 1 && Number(rows[0]?.is_locked) === 0) return;
  log?.warn({ rows }, `${lockTable} was left locked (${rows.length} row(s)) by an earlier run: freeing it, the advisory lock is held`);
  await knex.migrate.forceFreeMigrationsLock({ migrationSource: source });
}

/**
 * Brings the schema to the latest migration and returns the names it applied (none when already current).
 * On MySQL the whole of knex's migrate.latest, including the creation of its own tables, runs under an advisory
 * lock: knex's lock table cannot protect its own creation, and MySQL DDL commits implicitly.
 */
export async function migrateToLatest(knex: Knex, { config, source = migrationSource, signal, log }: MigrateOptions): Promise<string[]> {
  const latest = async () => {
    const [, applied] = (await knex.migrate.latest({ migrationSource: source })) as [number, string[]];
    return applied;
  };
  if (!config.DATABASE_URL) return latest();
  // Replicas restarting against a current schema need neither the lock nor knex's tables.
  if ((await schemaStatus(knex, source)).pending.length === 0) return [];
  const name = advisoryLockName('migrate', config.DATABASE_URL);
  return withAdvisoryLock(
    {
      databaseUrl: config.DATABASE_URL,
      name,
      timeoutSeconds: config.MIGRATION_LOCK_TIMEOUT_S,
      signal,
      onWait: (holder) => log?.info({ lock: name, holder }, `waiting for the migration lock "${name}" held by connection ${holder}`),
      onLost: (error) => log?.warn({ err: error }, `lost the connection holding "${name}" while migrating; knex's own lock still guards this run`),
    },
    async () => {
      await freeWedgedKnexLock(knex, source, log);
      return latest();
    },
  );
}
