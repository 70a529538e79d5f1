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

/** Stores a record and counts it in the same transaction, and returns its id. */
export function recordInserter(knex: Knex, timeoutMs: number): (name: string) => Promise<number> {
  return (name) =>
    onConnection(knex, timeoutMs, (connection) =>
      knex.transaction(
        async (trx) => {
          const [id] = await trx('records').insert({ name });
          await trx('record_count').where({ id: 1 }).increment('count', 1);
          return Number(id);
        },
        { connection },
      ),
    );
}
