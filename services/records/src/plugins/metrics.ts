import { createRegistry, httpMetrics } from '@platform/service-kit';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** The process metrics and `http_request_duration_seconds` (@platform/service-kit), decorated as `fastify.metrics`. */
export default fp(
  async (fastify) => {
    const registry = createRegistry();
    fastify.decorate('metrics', registry);
    await fastify.register(httpMetrics, {
      registry,
      help: 'Duration of HTTP requests in seconds, by method, route and status code',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  },
  { name: 'metrics' },
);
