import type { Knex } from 'knex';

/**
 * Every table's definition and row count, comparable between two databases: what "the exact schema" means in the
 * migration tests. AUTO_INCREMENT counters are left out (they move with rolled-back inserts, not with the schema).
 */
export async function schemaSnapshot(knex: Knex): Promise<Record<string, { definition: string; rows: number }>> {
  const snapshot: Record<string, { definition: string; rows: number }> = {};
  if (knex.client.config.client === 'mysql2') {
    const [tables] = (await knex.raw('SHOW TABLES')) as [Record<string, string>[]];
    for (const table of tables.map((row) => Object.values(row)[0]!).sort()) {
      const [[created]] = (await knex.raw('SHOW CREATE TABLE ??', [table])) as [Record<string, string>[]];
      const [[counted]] = (await knex.raw('SELECT COUNT(*) AS n FROM ??', [table])) as [{ n: number }[]];
      snapshot[table] = { definition: created!['Create Table']!.replace(/ AUTO_INCREMENT=\d+/, ''), rows: Number(counted!.n) };
    }
    return snapshot;
  }
  const objects = (await knex.raw("SELECT name, tbl_name, type, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")) as {
    name: string;
    tbl_name: string;
    type: string;
    sql: string | null;
  }[];
  for (const object of objects) {
    const rows = object.type === 'table' ? Number(((await knex.raw('SELECT COUNT(*) AS n FROM ??', [object.name])) as { n: number }[])[0]!.n) : 0;
    snapshot[`${object.type} ${object.name}`] = { definition: object.sql ?? '', rows };
  }
  return snapshot;
}
