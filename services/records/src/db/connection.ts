import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ConfigError, type Config } from '../plugins/env.ts';

export const sqliteFileName = 'records.sqlite';

export interface DatabaseTarget {
  /** `mysql` with DATABASE_URL, else `sqlite`. */
  kind: 'mysql' | 'sqlite';
  /** Where the data lives, safe to log (no password). */
  description: string;
}

export function databaseTarget(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): DatabaseTarget {
  if (config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    return { kind: 'mysql', description: `mysql://${url.host}${url.pathname}` };
  }
  return { kind: 'sqlite', description: join(config.DATA_DIR, sqliteFileName) };
}

export interface KnexLogger {
  warn(object: unknown): void;
  error(object: unknown): void;
  debug(object: unknown): void;
}

/** knex prints its warnings (a failed connection attempt, a deprecation) with console.log unless given a logger. */
function knexLog(logger: KnexLogger | undefined): Knex.Config['log'] {
  if (!logger) return undefined;
  const wrap = (write: (object: unknown) => void) => (message: unknown) => write(message instanceof Error ? { err: message } : { msg: String(message) });
  // knex failing to connect or evicting a broken connection: the request that met it logs the failure, once.
  const warn = (message: unknown) => (/^(Connection Error|Acquire connection error)/.test(String(message)) ? logger.debug({ msg: String(message) }) : wrap((o) => logger.warn(o))(message));
  return { warn, error: wrap((o) => logger.error(o)), deprecate: wrap((o) => logger.warn(o)), debug: wrap((o) => logger.debug(o)) };
}

/** A knex instance for DATABASE_URL (MySQL through mysql2) or, without it, an SQLite file in DATA_DIR. */
export function createKnex(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & Partial<Pick<Config, 'DATABASE_TIMEOUT_MS'>>, logger?: KnexLogger): Knex {
  const log = knexLog(logger);
  const timeoutMs = config.DATABASE_TIMEOUT_MS ?? 5_000;
  if (config.DATABASE_URL) {
    return knexFactory({
      log,
      client: 'mysql2',
      connection: {
        uri: config.DATABASE_URL,
        connectTimeout: timeoutMs,
        // A peer that vanished without a FIN or RST is found by keepalive probes, not left in the pool for good.
        enableKeepAlive: true,
        keepAliveInitialDelay: 10_000,
      } as Knex.MySql2ConnectionConfig,
      // Idle connections are closed after 30 s and checked every second, so a dead one is not lent for long.
      pool: { min: 0, max: 10, idleTimeoutMillis: 30_000, reapIntervalMillis: 1_000 },
      // Fail a request without a connection rather than queueing behind a dead database for a minute.
      acquireConnectionTimeout: timeoutMs,
    });
  }
  try {
    mkdirSync(config.DATA_DIR, { recursive: true });
  } catch (error) {
    // A read-only root filesystem without a writable /tmp: say what to change, not a stack trace.
    throw new ConfigError(`DATA_DIR ${config.DATA_DIR} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): mount a writable folder there (the chart mounts /tmp) or set DATABASE_URL`);
  }
  return knexFactory({
    log,
    client: 'better-sqlite3',
    connection: { filename: join(config.DATA_DIR, sqliteFileName) },
    useNullAsDefault: true,
  });
}
