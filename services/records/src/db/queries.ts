import type { Knex } from 'knex';
import { onConnection } from './deadline.ts';

/** Rows of a `knex.raw` select: mysql2 answers `[rows, fields]`, better-sqlite3 the rows themselves. */
function rowsOf<Row>(knex: Knex, result: unknown): Row[] {
  return (knex.client.config.client === 'mysql2' ? (result as [Row[]])[0] : result) as Row[];
}

/**
 * The number of records: one row of `record_count`, kept exact by recordInserter, so the cost does not grow with
 * the table. The hot path of `GET /`: compiled once by the dialect and run raw, because building and compiling a
 * query per request costs about a quarter of the service's throughput (see README).
 */
export function recordCounter(knex: Knex, timeoutMs: number): () => Promise<number> {
  const { sql, bindings } = knex('record_count').select('count').where({ id: 1 }).toSQL().toNative();
  return () =>
    onConnection(knex, timeoutMs, async (connection) => {
      const [row] = rowsOf<{ count: number | string }>(knex, await knex.raw(sql, bindings).connection(connection));
      return Number(row?.count ?? 0);
    });
}

export interface StoredRecord {
  id: number;
  name: string;
  /** True when an earlier request with the same Idempotency-Key stored it: nothing was written this time. */
  replayed: boolean;
}

/** The record an Idempotency-Key stored, if any. */
async function recordOfKey(knex: Knex, connection: unknown, key: string): Promise<StoredRecord | undefined> {
  const row = await knex('idempotency_keys')
    .join('records', 'records.id', 'idempotency_keys.record_id')
    .where('idempotency_keys.key', key)
    .first<{ id: number; name: string } | undefined>('records.id', 'records.name')
    .connection(connection);
  return row ? { id: Number(row.id), name: row.name, replayed: true } : undefined;
}

const duplicateKeyCodes = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);

/**
 * Stores a record, counts it and, with an Idempotency-Key, remembers the key, all in one transaction; a key seen
 * before answers the record it stored instead. Two requests with the same key at once: the second's key insert
 * waits on the first's row lock, fails as a duplicate when the first commits, and answers the first's record.
 */
export function recordInserter(knex: Knex, timeoutMs: number): (name: string, key?: string) => Promise<StoredRecord> {
  const insert = (connection: unknown, name: string, key: string | undefined) =>
    knex.transaction(
      async (trx) => {
        const [id] = await trx('records').insert({ name });
        if (key !== undefined) await trx('idempotency_keys').insert({ key, record_id: id });
        await trx('record_count').where({ id: 1 }).increment('count', 1);
        return { id: Number(id), name, replayed: false };
      },
      { connection },
    );
  return (name, key) =>
    onConnection(knex, timeoutMs, async (connection) => {
      if (key === undefined) return insert(connection, name, key);
      const earlier = await recordOfKey(knex, connection, key);
      if (earlier) return earlier;
      try {
        return await insert(connection, name, key);
      } catch (error) {
        const again = duplicateKeyCodes.has((error as { code?: string }).code ?? '') ? await recordOfKey(knex, connection, key) : undefined;
        if (again) return again;
        throw error;
      }
    });
}
