import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` leaves the route out of `http_request_duration_seconds` (probes and scrapes are not traffic). */
    metrics?: boolean;
  }
}

/** A registry per app (tests build many apps in one process), not prom-client's global one, with the process metrics. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface HttpMetricsOptions {
  registry: Registry;
  /** The histogram's help text, as each deployable words it. */
  help: string;
  buckets: number[];
}

/**
 * `http_request_duration_seconds` by method, route pattern (never the raw URL; `unmatched` for 404s) and status,
 * for every route registered after this plugin unless its config says `metrics: false`.
 */
export const httpMetrics = fp<HttpMetricsOptions>(
  async (fastify, { registry, help, buckets }) => {
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help,
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets,
      registers: [registry],
    });

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
  { name: 'http-metrics' },
);
