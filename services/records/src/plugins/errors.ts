import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseUnavailableError } from '../db/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The error a 5xx answer stands for, for the one log line of the request (src/access-log.ts). */
    failure: Error | undefined;
  }
}

/** Seconds a client should wait before retrying after a database outage: about one readiness period. */
export const retryAfterSeconds = 5;

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** The field a validation error is about: `name` for both `{}` and `{ "name": "" }`. */
function fieldOf(issue: ValidationIssue | undefined): string | undefined {
  if (!issue) return undefined;
  if (issue.keyword === 'required') return String(issue.params.missingProperty);
  if (issue.keyword === 'additionalProperties') return String(issue.params.additionalProperty);
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return path || undefined;
}

/**
 * JSON errors everywhere: 400 naming the wrong field, 404 for unknown routes, 503 with Retry-After while the
 * database is unavailable, 500 without internals. Nothing is logged here: the access log writes one line per request.
 */
export default fp(
  async (fastify) => {
    fastify.decorateRequest('failure', undefined);
    fastify.setNotFoundHandler((request, reply) => {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method} ${request.url} not found` });
    });
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.validation) {
        const field = fieldOf(error.validation[0] as ValidationIssue | undefined);
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message, ...(field ? { field } : {}) });
      }
      if (error instanceof DatabaseUnavailableError) {
        request.failure = error;
        return reply
          .code(503)
          .header('retry-after', String(retryAfterSeconds))
          .send({ statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable; try again shortly.' });
      }
      const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (statusCode === 500) {
        request.failure = error;
        return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
      }
      return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message, ...(error.code ? { code: error.code } : {}) });
    });
  },
  { name: 'errors' },
);
