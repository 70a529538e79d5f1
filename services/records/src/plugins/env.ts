import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import envSchema from 'env-schema';
import fp from 'fastify-plugin';
import { Type, type Static } from 'typebox';
import { maskCredentials } from '../secrets.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

// Both src/plugins/env.ts and dist/plugins/env.js sit two levels below the package folder.
const packageRoot = new URL('../../', import.meta.url);
const packageVersion = (JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string }).version;

export const configSchema = Type.Object({
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^mysql2?://[^/]+/[^/?]+', description: 'mysql://user:password@host:port/database; absent: embedded SQLite under DATA_DIR' })),
  DATA_DIR: Type.String({ minLength: 1, default: fileURLToPath(new URL('.data', packageRoot)), description: 'folder of the embedded SQLite file when DATABASE_URL is absent' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  APP_ENV: Type.String({ minLength: 1, default: 'development' }),
  DEMO_SECRET: Type.String({ default: '' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
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
  APP_VERSION: Type.String({ minLength: 1, default: packageVersion }),
  GIT_COMMIT: Type.String({ minLength: 1, default: 'unknown' }),
});

export type Config = Static<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

// One line per variable, e.g. `PORT must be integer (got "abc")`, so the fix is obvious from the log.
function describe(errors: AjvError[], env: Record<string, string | undefined>): string {
  return errors
    .map((error) => {
      const variable = error.keyword === 'required' ? String(error.params.missingProperty) : error.instancePath.replace(/^\//, '');
      const got = env[variable];
      return `${variable} ${error.message ?? 'is invalid'}${got === undefined ? '' : ` (got ${maskCredentials(JSON.stringify(got))})`}`;
    })
    .join('; ');
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable counts as unset, so `PORT=` in a manifest means the default rather than 0.
  const data = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  let config: Config;
  try {
    config = envSchema<Config>({ schema: structuredClone(configSchema), data, env: false });
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (!errors) throw error;
    throw new ConfigError(`Invalid configuration: ${describe(errors, env)}`);
  }
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

const levelValues = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

/** The log level for chatty routes (probes, scrapes): `warn`, or LOG_LEVEL when that is quieter still. */
export function quietLogLevel(configured: Config['LOG_LEVEL']): Config['LOG_LEVEL'] {
  return levelValues[configured] > levelValues.warn ? configured : 'warn';
}
