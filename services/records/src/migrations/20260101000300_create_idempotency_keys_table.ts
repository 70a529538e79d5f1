import type { Knex } from 'knex';

/** The Idempotency-Key of each POST /records that sent one, and the record it created: a retry answers that record. */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('idempotency_keys')) return;
  await knex.schema.createTable('idempotency_keys', (table) => {
    table.string('key', 128).primary();
    table.integer('record_id').unsigned().notNullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('idempotency_keys');
}
