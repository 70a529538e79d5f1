import { enableCompileCache } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import closeWithGrace from 'close-with-grace';
import type { Config } from './plugins/env.ts';
import { credentialMasker } from '@platform/service-kit';

// Replicas start together and compete for CPU: V8's code cache (under the OS temp dir) cuts the start-up work.
enableCompileCache();
const { buildApp } = await import('./app.ts');
const { httpServerOptions } = await import('./http-timeouts.ts');
const { ConfigError, loadConfig } = await import('./plugins/env.ts');

/** Time the service gets to finish in-flight requests once it stops listening. */
const drainTimeoutMs = 10_000;

function configOrExit(): Config | undefined {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`records: ${error.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

async function main(config: Config) {
  const app = await buildApp({ config, server: httpServerOptions() });

  // podinfo's order: readiness false, wait for the endpoints to drop this pod, then stop listening and drain.
  closeWithGrace({ delay: config.SHUTDOWN_DELAY_MS + drainTimeoutMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error');
    else app.log.info({ signal }, `${signal} received: not ready from now on, closing in ${config.SHUTDOWN_DELAY_MS} ms`);
    app.readiness.markShuttingDown();
    if (!err) await sleep(config.SHUTDOWN_DELAY_MS);
    await app.close();
    app.log.info('closed');
  });

  await app.ready();
  // fastify logs one line per network interface for 0.0.0.0; people and scripts want one line with one URL.
  const level = app.log.level;
  app.log.level = 'warn';
  const address = await app.listen({ port: config.PORT, host: config.HOST }).finally(() => {
    app.log.level = level;
  });
  const url = new URL(address);
  app.log.info({ url: url.origin }, `records listening on ${url.origin}`);
}

/** A crash before the logger and close-with-grace are in place: one masked report on stderr, exit code 1. */
function crash(error: unknown, config?: Config): void {
  process.stderr.write(`records: could not start: ${credentialMasker(config?.DATABASE_URL ?? process.env.DATABASE_URL)(inspect(error))}\n`);
  // Background work (a migration retry timer) must not keep a process that failed to start alive.
  process.exit(1);
}

let config: Config | undefined;
try {
  config = configOrExit();
  if (config) await main(config);
} catch (error) {
  crash(error, config);
}
