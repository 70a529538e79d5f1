import Fastify, { type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AccessLog } from './access-log.ts';
import { credentialMasker, requestBody } from '@platform/service-kit';
import env, { type Config } from './plugins/env.ts';
import errors from './plugins/errors.ts';
import knex from './plugins/knex.ts';
import metrics from './plugins/metrics.ts';
import migrations from './plugins/migrations.ts';
import readiness from './plugins/readiness.ts';
import healthRoutes from './routes/health.ts';
import metricsRoutes from './routes/metrics.ts';
import recordsRoutes from './routes/records.ts';
import versionRoutes from './routes/version.ts';

export interface AppOptions {
  config: Config;
  /** Server-level options owned by the process (timeouts); server.ts passes them. */
  server?: Omit<FastifyServerOptions, 'logger' | 'loggerInstance'>;
}

/** The records service as a fastify instance, knowing nothing of the process: tests call `inject` on it. */
export async function buildApp({ config, server = {} }: AppOptions) {
  const mask = credentialMasker(config.DATABASE_URL);
  const app = Fastify({
    // Every log line passes the masker: whatever an error message quotes, the database password never reaches the log.
    logger: { level: config.LOG_LEVEL, hooks: { streamWrite: mask } },
    logController: new AccessLog(),
    // Reject rather than silently fix bad bodies: no coercion of 42 into "42", no dropping unknown fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    ...server,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(env, { config });
  await app.register(errors);
  await app.register(requestBody, { timeoutMs: server.requestTimeout ?? 0 });
  await app.register(metrics);
  await app.register(knex);
  await app.register(migrations);
  await app.register(readiness);

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(versionRoutes);
  await app.register(recordsRoutes);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
