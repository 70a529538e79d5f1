import { isUtf8 } from 'node:buffer';
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

// A name must show something: not only spaces, zero-width or other invisible characters; and no control characters.
const visibleCharacter = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Z}\p{M}\p{Default_Ignorable_Code_Point}]/u;
const controlCharacter = /\p{Cc}/u;

/** Why a name that passed the schema is still refused, or undefined. */
function nameProblem(name: string): string | undefined {
  if (!name.isWellFormed()) return 'body/name must be valid Unicode (it holds a lone surrogate)';
  if (controlCharacter.test(name)) return 'body/name must not contain control characters (NUL, line breaks, ...)';
  if (!visibleCharacter.test(name)) return 'body/name must contain a visible character';
  return undefined;
}

const records: FastifyPluginAsyncTypebox = async (fastify) => {
  const { knex, config } = fastify;

  // JSON only: fastify also takes text/plain by default, which made a wrong content type a 400 rather than a 415.
  fastify.removeContentTypeParser('text/plain');
  // Invalid UTF-8 would be decoded to U+FFFD and stored as a name nobody typed: refuse the body instead.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(Object.assign(new Error('body is not valid UTF-8'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_UTF8' }), undefined);
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
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
    const problem = nameProblem(name);
    // Shaped as a schema validation error, so it is answered like one: 400 naming the field.
    if (problem) throw Object.assign(new Error(problem), { statusCode: 400, validation: [{ instancePath: '/name', keyword: 'visible', params: {} }] });
    const stored = await insertRecord(name, request.headers['idempotency-key']);
    if (stored.name !== name) {
      return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: 'This Idempotency-Key was already used for a record with another name.' });
    }
    if (stored.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).send({ id: stored.id, name });
  });
};

export default records;
