import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex } from '../db/connection.ts';
import { migrationSource } from '../db/migrator.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/database.ts';
import { schemaSnapshot } from '../test-support/schema.ts';

const migrations = await migrationSource.getMigrations();
const ddl = /^\s*(create|alter|drop|rename|truncate)\b/i;

/** Runs one migration's `up` and returns the DDL statements it sent. */
async function ddlOf(knex: Knex, name: string): Promise<string[]> {
  const statements: string[] = [];
  const listener = (query: { sql: string }) => {
    if (ddl.test(query.sql)) statements.push(query.sql);
  };
  knex.on('query', listener);
  try {
    await (await migrationSource.getMigration(name)).up(knex);
  } finally {
    knex.off('query', listener);
  }
  return statements;
}

/**
 * The README's rule for migrations, checked for every file in the folder on both dialects: at most one DDL
 * statement, and guarded, so that running it again (what the next replica does after a kill -9 between the DDL and
 * knex's record of it) sends no DDL and leaves the schema and data as they were.
 */
describe.each(['mysql', 'sqlite'] as const)('every migration in src/migrations on %s', (dialect) => {
  let knex: Knex;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (dialect === 'mysql') {
      const db: TestDatabase = await createTestDatabase('rules');
      knex = createKnex({ DATABASE_URL: db.url, DATA_DIR: tmpdir() });
      cleanup = () => db.drop();
    } else {
      const folder = await mkdtemp(join(tmpdir(), 'records-rules-'));
      knex = createKnex({ DATA_DIR: folder });
      cleanup = () => rm(folder, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await knex?.destroy();
    await cleanup?.();
  });

  it.each(migrations)('%s holds at most one DDL statement and re-runs as a no-op', async (name) => {
    // Runs in file order: each migration meets the schema its predecessors left.
    const first = await ddlOf(knex, name);
    expect(first.length, `${name} sends ${first.length} DDL statements: ${first.join('; ')}`).toBeLessThanOrEqual(1);
    const after = await schemaSnapshot(knex);
    expect(await ddlOf(knex, name), `${name} is not guarded: a re-run sends DDL`).toEqual([]);
    expect(await schemaSnapshot(knex)).toEqual(after);
  });
});
