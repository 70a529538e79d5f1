import { createRegistry, httpMetrics } from '@platform/service-kit';
import fp from 'fastify-plugin';
import { Histogram, type Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export interface Metrics {
  registry: Registry;
  recordsCallDuration: Histogram<'operation' | 'outcome'>;
}

/** Decorates `fastify.metrics`, times every request by route pattern (@platform/service-kit), and serves `/metrics`. */
export default fp(
  async (fastify) => {
    const registry = createRegistry();
    const metrics: Metrics = {
      registry,
      recordsCallDuration: new Histogram({
        name: 'web_records_call_duration_seconds',
        help: 'Duration of calls from web to the records service, by operation and outcome (ok, unreachable, rejected, bad_response).',
        labelNames: ['operation', 'outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    };
    fastify.decorate('metrics', metrics);
    await fastify.register(httpMetrics, {
      registry,
      help: 'Duration of HTTP requests served by web, by method, route pattern and status code.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });

    fastify.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
