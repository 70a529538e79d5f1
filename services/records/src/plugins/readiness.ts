import fp from 'fastify-plugin';
import { createDatabaseProbe } from '../db/probe.ts';

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

export type ReadinessCheck = { ready: true } | { ready: false; reason: string };

export interface Readiness {
  /** First step of a graceful shutdown: from now on the service reports not ready. */
  markShuttingDown(): void;
  check(): Promise<ReadinessCheck>;
}

/** A probe must answer before the kubelet gives up on it (1 s by default), even when the database hangs. */
export const readinessTimeoutMs = 800;

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Ready means: not shutting down, the database answers, and the schema is current. */
export default fp(
  async (fastify) => {
    let shuttingDown = false;
    const database = createDatabaseProbe(fastify.knex, fastify.config.DATABASE_URL, readinessTimeoutMs);
    fastify.addHook('onClose', () => database.close());
    // Keep-alive connections would otherwise stay open after their last response and hold the drain until they time out.
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (shuttingDown) reply.header('connection', 'close');
      done(null, payload);
    });
    fastify.decorate('readiness', {
      markShuttingDown() {
        shuttingDown = true;
      },
      async check(): Promise<ReadinessCheck> {
        if (shuttingDown) return { ready: false, reason: 'shutting down' };
        try {
          const probe = async () => {
            await database.check();
            return fastify.migrations.check();
          };
          const schema = await withTimeout(probe(), readinessTimeoutMs, `no answer within ${readinessTimeoutMs} ms`);
          return schema.current ? { ready: true } : { ready: false, reason: schema.reason };
        } catch (error) {
          return { ready: false, reason: `database unavailable: ${(error as Error).message}` };
        }
      },
    } satisfies Readiness);
  },
  { name: 'readiness', dependencies: ['knex', 'migrations'] },
);
