import { ConfigError, LogLevel, loadEnvConfig, maskCredentials, packageVersion } from '@platform/service-kit';
import fp from 'fastify-plugin';
import { Type, type Static } from 'typebox';

export { ConfigError } from '@platform/service-kit';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

// Both src/plugins/env.ts and dist/plugins/env.js sit two levels below the package folder.
const packageRoot = new URL('../../', import.meta.url);

export const configSchema = Type.Object({
  RECORDS_URL: Type.String({ pattern: '^https?://[^/?#]+(/[^?#]*)?$', default: 'http://127.0.0.1:3000', description: 'base URL of the records service, e.g. http://records:8080' }),
  RECORDS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 3_000, description: 'how long one call to records may take before the page shows it as unreachable' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  APP_ENV: Type.String({ minLength: 1, default: 'development' }),
  LOG_LEVEL: LogLevel,
  SHUTDOWN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 0 }),
  APP_VERSION: Type.String({ minLength: 1, default: packageVersion(packageRoot) }),
  GIT_COMMIT: Type.String({ minLength: 1, default: 'unknown' }),
});

export type Config = Static<typeof configSchema>;

const hints: Partial<Record<keyof Config, string>> = {
  RECORDS_URL: 'set it to the records base URL, e.g. http://127.0.0.1:3000',
  PORT: 'set it to a port number between 0 and 65535',
  SHUTDOWN_DELAY_MS: 'set it to a whole number of milliseconds',
  RECORDS_TIMEOUT_MS: 'set it to a whole number of milliseconds between 100 and 60000',
};

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config = loadEnvConfig(configSchema, env, { hints });
  const recordsUrl = URL.parse(config.RECORDS_URL);
  if (recordsUrl?.username || recordsUrl?.password) {
    // fetch refuses URLs with credentials, and records asks for none: say so at boot instead of failing every call.
    throw new ConfigError(
      `Invalid configuration: RECORDS_URL must not contain a user or password (got ${maskCredentials(JSON.stringify(config.RECORDS_URL))}): ${hints.RECORDS_URL}`,
    );
  }
  return config;
}

/** Decorates `fastify.config` with configuration validated by loadConfig. */
export default fp<{ config: Config }>(
  async (fastify, { config }) => {
    fastify.decorate('config', config);
  },
  { name: 'env' },
);
