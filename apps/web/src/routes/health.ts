import fp from 'fastify-plugin';
import { Type } from 'typebox';

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

export interface Readiness {
  /** False once shutdown begins, so the load balancer stops sending traffic before the server closes. */
  ready: boolean;
}

const versionSchema = Type.Object({ version: Type.String(), commit: Type.String() });

/**
 * Liveness (`/healthz`), readiness (`/readyz`) and `/version`.
 * Readiness deliberately ignores records: when records is down, web still serves a page that says so.
 */
export default fp(
  async (fastify) => {
    const readiness: Readiness = { ready: true };
    fastify.decorate('readiness', readiness);
    fastify.addHook('preClose', async () => {
      readiness.ready = false;
    });

    fastify.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

    fastify.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      if (!readiness.ready) return reply.code(503).send({ status: 'shutting down' });
      return { status: 'ready' };
    });

    fastify.get('/version', { schema: { response: { 200: versionSchema } } }, async () => ({
      version: fastify.config.APP_VERSION,
      commit: fastify.config.GIT_COMMIT,
    }));
  },
  { name: 'health', dependencies: ['env'] },
);
