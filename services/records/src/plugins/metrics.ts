import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
  interface FastifyContextConfig {
    /** `false` leaves the route out of `http_request_duration_seconds` (probes and scrapes are not traffic). */
    metrics?: boolean;
  }
}

/**
 * A registry per app (tests build many apps in one process) with the process metrics and
 * `http_request_duration_seconds` by method, route pattern (never the raw URL; `unmatched` for 404s) and status.
 */
export default fp(
  async (fastify) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests in seconds, by method, route and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    fastify.decorate('metrics', registry);

    const observer =
      (route: string) =>
      (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
        duration.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000);
        done();
      };

    // Each route gets a hook that knows its pattern: reading request.routeOptions per request builds an object.
    fastify.addHook('onRoute', (route) => {
      if (route.config?.metrics === false) return;
      const hooks = route.onResponse ? [route.onResponse].flat() : [];
      route.onResponse = [...hooks, observer(route.url)];
    });
    const unmatched = observer('unmatched');
    fastify.addHook('onResponse', (request, reply, done) => {
      if (request.is404) unmatched(request, reply, done);
      else done();
    });
  },
  { name: 'metrics' },
);
