import { inspect } from 'node:util';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './plugins/env.ts';
import { closeGracefully, listen, maskCredentials } from '@platform/service-kit';

let config;
try {
  config = loadConfig();
} catch (error) {
  // One line for a bad variable; anything else is a crash, reported once and masked, never with a URL's password.
  console.error(error instanceof ConfigError ? `web: ${error.message}` : `web: could not start: ${maskCredentials(inspect(error))}`);
  process.exit(1);
}

const app = await buildApp({
  config,
  fastify: {
    // Slow or idle clients must not hold sockets forever; keep-alive outlives a typical load balancer's idle timeout.
    connectionTimeout: 30_000,
    keepAliveTimeout: 65_000,
    requestTimeout: 30_000,
    forceCloseConnections: 'idle',
  },
});

const shutdownDelayMs = config.SHUTDOWN_DELAY_MS;
closeGracefully(app, {
  shutdownDelayMs,
  // Readiness first, so endpoints are removed from the Service before the server stops accepting.
  notReady: () => {
    app.readiness.ready = false;
  },
  onSignal: (signal) => app.log.info({ signal, shutdownDelayMs }, 'web is stopping: readiness false, draining'),
  onError: (err) => app.log.error({ err }, 'web is stopping after an error'),
});

try {
  const url = await listen(app, { port: config.PORT, host: config.HOST });
  app.log.info({ url, recordsUrl: config.RECORDS_URL, environment: config.APP_ENV, version: config.APP_VERSION, commit: config.GIT_COMMIT }, `web listening on ${url}`);
} catch (error) {
  app.log.error({ err: error }, 'web could not start');
  process.exit(1);
}
