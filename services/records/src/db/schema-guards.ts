import type { Knex } from 'knex';

/**
 * Whether `table` has an index named `index`. knex has hasTable and hasColumn but no hasIndex; migrations need it
 * to guard an index's creation, so that a run killed after the DDL and before knex recorded it re-runs as a no-op.
 */
export async function hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
  if (knex.client.config.client === 'mysql2') {
    const [rows] = (await knex.raw('SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? LIMIT 1', [
      table,
      index,
    ])) as [unknown[]];
    return rows.length > 0;
  }
  const rows = (await knex.raw("SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?", [table, index])) as unknown[];
  return rows.length > 0;
}
