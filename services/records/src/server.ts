import type { AddressInfo } from 'node:net';
import { enableCompileCache } from 'node:module';
import { inspect } from 'node:util';
import type { Config } from './plugins/env.ts';
import { closeGracefully, credentialMasker, listen } from '@platform/service-kit';

// Replicas start together and compete for CPU: V8's code cache (under the OS temp dir) cuts the start-up work.
enableCompileCache();
const { buildApp } = await import('./app.ts');
const { httpServerOptions } = await import('./http-timeouts.ts');
const { ConfigError, loadConfig } = await import('./plugins/env.ts');

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

  closeGracefully(app, {
    shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
    notReady: () => app.readiness.markShuttingDown(),
    onSignal: (signal) => app.log.info({ signal }, `${signal} received: not ready from now on, closing in ${config.SHUTDOWN_DELAY_MS} ms`),
    onError: (err) => app.log.error({ err }, 'closing after an unexpected error'),
  });

  await app.ready();
  await listen(app, { port: config.PORT, host: config.HOST });
  // The address bound (0.0.0.0 in a container), not the loopback URL fastify picks out of it.
  const { address, port } = app.server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  app.log.info({ url }, `records listening on ${url}`);
}

/** A crash before the logger and close-with-grace are in place: one masked report on stderr, exit code 1. */
function crash(error: unknown, config?: Config): void {
  // A configuration the process cannot work with (DATA_DIR not writable) is one line, not a stack trace.
  const report = error instanceof ConfigError ? error.message : `could not start: ${inspect(error)}`;
  process.stderr.write(`records: ${credentialMasker(config?.DATABASE_URL ?? process.env.DATABASE_URL)(report)}\n`);
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
