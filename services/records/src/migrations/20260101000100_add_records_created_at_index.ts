import type { Knex } from 'knex';
import { hasIndex } from '../db/schema-guards.ts';

// Guarded: a replica killed after the ALTER and before knex recorded it leaves the index; the next run skips it.
export async function up(knex: Knex): Promise<void> {
  if (await hasIndex(knex, 'records', 'records_created_at_index')) return;
  await knex.schema.alterTable('records', (table) => {
    table.index(['created_at'], 'records_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  if (!(await hasIndex(knex, 'records', 'records_created_at_index'))) return;
  await knex.schema.alterTable('records', (table) => {
    table.dropIndex(['created_at'], 'records_created_at_index');
  });
}
