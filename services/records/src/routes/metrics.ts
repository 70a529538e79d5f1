import type { FastifyPluginAsync } from 'fastify';
import { quietLogLevel } from '@platform/service-kit';

const metrics: FastifyPluginAsync = async (fastify) => {
  fastify.get('/metrics', { logLevel: quietLogLevel(fastify.config.LOG_LEVEL), config: { metrics: false } }, async (_request, reply) => {
    return reply.type(fastify.metrics.contentType).send(await fastify.metrics.metrics());
  });
};

export default metrics;
