import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';

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

/** JSON errors everywhere: 400 naming the wrong field, 404 for unknown routes, 500 without internals. */
export default fp(
  async (fastify) => {
    fastify.setNotFoundHandler((request, reply) => {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method} ${request.url} not found` });
    });
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.validation) {
        const field = fieldOf(error.validation[0] as ValidationIssue | undefined);
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message, ...(field ? { field } : {}) });
      }
      const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (statusCode === 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
      }
      return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message, ...(error.code ? { code: error.code } : {}) });
    });
  },
  { name: 'errors' },
);
