import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import env, { type Config } from './plugins/env.ts';
import metrics from './plugins/metrics.ts';
import records from './plugins/records.ts';
import health from './routes/health.ts';
import { credentialMasker, requestBody } from '@platform/service-kit';
import page from './routes/page.ts';

export interface BuildAppOptions {
  config: Config;
  /** The records API majors web declares; defaults to supportedRecordsApiMajors. */
  supportedRecordsApiMajors?: readonly number[];
  /** Server options the process owns (timeouts, logger destination); app.ts knows nothing of the process. */
  fastify?: FastifyServerOptions;
}

/** Builds the web app: configuration, metrics, health, the records client and the page. No port, no signals. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Every log line passes the masker: no URL password ever reaches the log, whatever an error quotes.
    logger: { level: options.config.LOG_LEVEL, hooks: { streamWrite: credentialMasker(options.config.RECORDS_URL) } },
    ...options.fastify,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(env, { config: options.config });
  await app.register(requestBody, { timeoutMs: options.fastify?.requestTimeout ?? 0 });
  await app.register(metrics);
  await app.register(health);
  await app.register(records, { supportedApiMajors: options.supportedRecordsApiMajors });
  await app.register(page);
  return app;
}
