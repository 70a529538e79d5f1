import type { Knex } from 'knex';
import { classifyDatabaseError, DatabaseUnavailableError } from './errors.ts';

interface PooledConnection {
  destroy?: () => void;
  __knex__disposed?: unknown;
}

/**
 * Runs `work` on one pooled connection and gives it `timeoutMs` to finish. Past that, the request gets a
 * DatabaseUnavailableError and the connection is destroyed and evicted: a connection whose packets vanish (a
 * black-holed network) would otherwise hold its pool slot until the kernel gives up, about 15 minutes later.
 * Acquiring the connection has its own limit (knex's acquireConnectionTimeout), so a full pool fails fast too.
 */
export async function onConnection<T>(knex: Knex, timeoutMs: number, work: (connection: unknown) => Promise<T>): Promise<T> {
  let connection: PooledConnection;
  try {
    connection = (await knex.client.acquireConnection()) as PooledConnection;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`no answer from the database within ${timeoutMs} ms`, 'QUERY_TIMEOUT')), timeoutMs);
  });
  try {
    return await Promise.race([work(connection), deadline]);
  } catch (error) {
    const failure = classifyDatabaseError(error);
    if (failure instanceof DatabaseUnavailableError) {
      // knex's pool checks this mark when the connection comes back and destroys it instead of lending it again.
      connection.__knex__disposed = failure;
      connection.destroy?.();
    }
    throw failure;
  } finally {
    clearTimeout(timer);
    await knex.client.releaseConnection(connection);
  }
}
