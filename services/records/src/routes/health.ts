import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { quietLogLevel } from '@platform/service-kit';

const Alive = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({ status: Type.Literal('ready') });
const NotReady = Type.Object({ status: Type.Literal('not ready'), reason: Type.String() });

const health: FastifyPluginAsyncTypebox = async (fastify) => {
  // Probes arrive every few seconds from every kubelet: their request lines are not worth logging.
  const logLevel = quietLogLevel(fastify.config.LOG_LEVEL);

  /** Liveness: the process serves HTTP. Never touches the database, so an outage does not restart every pod. */
  fastify.get('/healthz', { logLevel, config: { metrics: false }, schema: { response: { 200: Alive } } }, async () => ({ status: 'ok' as const }));

  /** Readiness: the database answers and the schema is current, and the process is not shutting down. */
  fastify.get('/readyz', { logLevel, config: { metrics: false }, schema: { response: { 200: Ready, 503: NotReady } } }, async (request, reply) => {
    const result = await fastify.readiness.check();
    if (result.ready) return reply.send({ status: 'ready' as const });
    request.log.warn({ reason: result.reason }, 'not ready');
    return reply.code(503).send({ status: 'not ready' as const, reason: result.reason });
  });
};

export default health;
