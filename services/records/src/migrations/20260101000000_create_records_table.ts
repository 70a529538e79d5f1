import type { Knex } from 'knex';

// Guarded: a replica killed after the CREATE and before knex recorded it leaves the table; the next run skips it.
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('records')) return;
  await knex.schema.createTable('records', (table) => {
    table.increments('id');
    table.string('name', 200).notNullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('records');
}
