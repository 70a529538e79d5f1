import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { createKnex, databaseTarget } from '../db/connection.ts';

declare module 'fastify' {
  interface FastifyInstance {
    knex: Knex;
  }
}

/** Decorates `fastify.knex` (MySQL from DATABASE_URL, else embedded SQLite) and destroys its pool on close. */
export default fp(
  async (fastify) => {
    const target = databaseTarget(fastify.config);
    if (target.kind === 'sqlite') {
      fastify.log.warn({ file: target.description }, `DATABASE_URL is not set: using the embedded SQLite database ${target.description}`);
    } else {
      fastify.log.info({ database: target.description }, `using MySQL at ${target.description}`);
    }
    const knex = createKnex(fastify.config, fastify.log);
    fastify.decorate('knex', knex);
    fastify.addHook('onClose', async () => {
      await knex.destroy();
    });
  },
  { name: 'knex', dependencies: ['env'] },
);
