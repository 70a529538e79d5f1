import type { Knex } from 'knex';
import { onConnection } from './deadline.ts';

/** Rows of a `knex.raw` select: mysql2 answers `[rows, fields]`, better-sqlite3 the rows themselves. */
function rowsOf<Row>(knex: Knex, result: unknown): Row[] {
  return (knex.client.config.client === 'mysql2' ? (result as [Row[]])[0] : result) as Row[];
}

/**
 * Counts the records. The hot path of `GET /`: the statement is compiled once by the dialect and run raw, because
 * building and compiling a query per request costs about a quarter of the service's throughput (see README).
 */
export function recordCounter(knex: Knex, timeoutMs: number): () => Promise<number> {
  const { sql, bindings } = knex('records').count({ count: '*' }).toSQL().toNative();
  return () =>
    onConnection(knex, timeoutMs, async (connection) => {
      const [row] = rowsOf<{ count: number | string }>(knex, await knex.raw(sql, bindings).connection(connection));
      return Number(row?.count ?? 0);
    });
}

/** Stores a record and returns its id. */
export function recordInserter(knex: Knex, timeoutMs: number): (name: string) => Promise<number> {
  return (name) =>
    onConnection(knex, timeoutMs, async (connection) => {
      const [id] = await knex('records').insert({ name }).connection(connection);
      return Number(id);
    });
}
