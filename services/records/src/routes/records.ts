import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordCounter, recordInserter } from '../db/queries.ts';

const Summary = Type.Object({
  records: Type.Integer({ description: 'number of records stored' }),
  version: Type.String(),
  commit: Type.String(),
  environment: Type.String({ description: 'APP_ENV' }),
  secret: Type.String({ description: 'DEMO_SECRET, shown on purpose to prove configuration reaches each environment' }),
});

const NewRecord = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const StoredRecord = Type.Object({ id: Type.Integer(), name: Type.String() });
const WriteHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', description: 'a client-chosen key: a retry with the same key answers the first record' }),
  ),
});
const KeyReused = Type.Object({ statusCode: Type.Literal(422), error: Type.String(), message: Type.String() });

const records: FastifyPluginAsyncTypebox = async (fastify) => {
  const { knex, config } = fastify;
  const countRecords = recordCounter(knex, config.DATABASE_TIMEOUT_MS);
  const insertRecord = recordInserter(knex, config.DATABASE_TIMEOUT_MS);

  fastify.get('/', { schema: { response: { 200: Summary } } }, async () => {
    return {
      records: await countRecords(),
      version: config.APP_VERSION,
      commit: config.GIT_COMMIT,
      environment: config.APP_ENV,
      secret: config.DEMO_SECRET,
    };
  });

  // Anyone may write to the demo: a bounded rate per client and small bodies keep the table from being flooded.
  await fastify.register(rateLimit, { global: false });
  const writeLimit = { max: config.WRITE_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 };

  fastify.post('/records', { bodyLimit: 2_048, config: { rateLimit: writeLimit }, schema: { body: NewRecord, headers: WriteHeaders, response: { 201: StoredRecord, 422: KeyReused } } }, async (request, reply) => {
    const { name } = request.body;
    const stored = await insertRecord(name, request.headers['idempotency-key']);
    if (stored.name !== name) {
      return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: 'This Idempotency-Key was already used for a record with another name.' });
    }
    if (stored.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).send({ id: stored.id, name });
  });
};

export default records;
