import { fileURLToPath } from 'node:url';
import { ConfigError, LogLevel, loadEnvConfig, maskCredentials, packageVersion } from '@platform/service-kit';
import fp from 'fastify-plugin';
import { Type, type Static } from 'typebox';

export { ConfigError, quietLogLevel } from '@platform/service-kit';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

// Both src/plugins/env.ts and dist/plugins/env.js sit two levels below the package folder.
const packageRoot = new URL('../../', import.meta.url);

export const configSchema = Type.Object({
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^mysql2?://[^/]+/[^/?]+', description: 'mysql://user:password@host:port/database; absent: embedded SQLite under DATA_DIR' })),
  DATA_DIR: Type.String({ minLength: 1, default: fileURLToPath(new URL('.data', packageRoot)), description: 'folder of the embedded SQLite file when DATABASE_URL is absent' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  APP_ENV: Type.String({ minLength: 1, default: 'development' }),
  DEMO_SECRET: Type.String({ default: '' }),
  LOG_LEVEL: LogLevel,
  SHUTDOWN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 0 }),
  DATABASE_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 5_000,
    description: 'limit for connecting, for waiting for a pooled connection, and for the statements of one request',
  }),
  WRITE_RATE_LIMIT_PER_MINUTE: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    default: 60,
    description: 'POST /records per client address and minute, per replica; more are answered 429',
  }),
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  MIGRATION_LOCK_TIMEOUT_S: Type.Integer({ minimum: 1, maximum: 3600, default: 120 }),
  APP_VERSION: Type.String({ minLength: 1, default: packageVersion(packageRoot) }),
  GIT_COMMIT: Type.String({ minLength: 1, default: 'unknown' }),
});

export type Config = Static<typeof configSchema>;

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config = loadEnvConfig(configSchema, env);
  const parsed = config.DATABASE_URL ? URL.parse(config.DATABASE_URL) : undefined;
  if (config.DATABASE_URL && (!parsed || parsed.hash !== '' || parsed.pathname.length < 2)) {
    // Typically a password with #, / or @ left as it is: the URL parser cuts it there and names the wrong host.
    throw new ConfigError(
      `Invalid configuration: DATABASE_URL is not a valid URL (got ${maskCredentials(JSON.stringify(config.DATABASE_URL))}): ` +
        'percent-encode special characters in the user and password (# as %23, @ as %40, / as %2F, : as %3A)',
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
