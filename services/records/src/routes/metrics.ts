import type { FastifyPluginAsync } from 'fastify';

const metrics: FastifyPluginAsync = async (fastify) => {
  fastify.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    return reply.type(fastify.metrics.contentType).send(await fastify.metrics.metrics());
  });
};

export default metrics;
