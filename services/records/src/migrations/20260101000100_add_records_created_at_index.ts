import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('records', (table) => {
    table.index(['created_at'], 'records_created_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('records', (table) => {
    table.dropIndex(['created_at'], 'records_created_at_index');
  });
}
