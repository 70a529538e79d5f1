import type { Knex } from 'knex';
import mysql, { type Connection } from 'mysql2/promise';

export interface DatabaseProbe {
  /** Resolves when the database answers `SELECT 1` within the timeout; rejects with the reason otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Readiness asks the database on a connection of its own, outside the pool: a pool busy with slow requests must
 * not turn every replica unready at once (the balancer would then have nowhere to send anything), and a dead
 * database must be noticed within the probe's short timeout. One check at a time; a failed connection is dropped.
 */
export function createDatabaseProbe(knex: Knex, databaseUrl: string | undefined, timeoutMs: number): DatabaseProbe {
  if (!databaseUrl) {
    return { check: async () => void (await knex.raw('select 1')), close: async () => undefined };
  }
  let connection: Connection | undefined;
  let running: Promise<void> | undefined;
  const drop = () => {
    connection?.destroy();
    connection = undefined;
  };
  const probe = async () => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          if (!connection) {
            connection = await mysql.createConnection({ uri: databaseUrl, connectTimeout: timeoutMs, enableKeepAlive: true });
            connection.on('error', drop);
          }
          await connection.query('SELECT 1');
        })(),
        deadline,
      ]);
    } catch (error) {
      drop();
      const { code, message } = error as { code?: string; message: string };
      throw new Error(code ?? message, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    check() {
      running ??= probe().finally(() => {
        running = undefined;
      });
      return running;
    },
    async close() {
      await running?.catch(() => undefined);
      await connection?.end().catch(() => undefined);
      drop();
    },
  };
}
