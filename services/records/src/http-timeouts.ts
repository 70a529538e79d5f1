import type { FastifyServerOptions } from 'fastify';

/**
 * The HTTP server's limits, owned by the process (server.ts) and used as they are by the test that checks them.
 * `requestTimeout` also bounds the body (requestBody of @platform/service-kit): Node itself stops counting once the
 * headers are in.
 */
export function httpServerOptions(requestTimeoutMs = 30_000): Omit<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  return {
    // Longer than the usual load balancer idle timeout (60 s), so the balancer closes idle connections first.
    keepAliveTimeout: 65_000,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
  };
}
