import { createHash } from 'node:crypto';
import mysql, { type RowDataPacket } from 'mysql2/promise';

export class AdvisoryLockError extends Error {
  override name = 'AdvisoryLockError';
}

/** MySQL lock names are server-wide and at most 64 characters: one per database, hashed when too long. */
export function advisoryLockName(purpose: string, databaseUrl: string): string {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const name = `${purpose}:${database}`;
  return name.length <= 64 ? name : `${purpose}:${createHash('sha256').update(database).digest('hex').slice(0, 63 - purpose.length)}`;
}

export interface AdvisoryLockOptions {
  databaseUrl: string;
  name: string;
  timeoutSeconds: number;
  /** Aborting stops the wait for the lock; once held, `fn` runs to its end. */
  signal?: AbortSignal;
  onWait?: (holderConnectionId: number) => void;
  /** The lock's connection failed while `fn` ran: the server has released the lock. */
  onLost?: (error: Error) => void;
}

/**
 * Runs `fn` while holding the MySQL advisory lock `name` (GET_LOCK). The lock lives on a connection of its own,
 * opened here and closed afterwards: a pooled connection could be handed to other work or recycled while held.
 */
export async function withAdvisoryLock<T>(options: AdvisoryLockOptions, fn: () => Promise<T>): Promise<T> {
  const { databaseUrl, name, timeoutSeconds, signal } = options;
  const where = `${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}`;
  signal?.throwIfAborted();
  const connection = await mysql.createConnection({ uri: databaseUrl, connectTimeout: 5_000 });
  let lost: Error | undefined;
  let held = false;
  connection.on('error', (error: Error) => {
    lost = error;
    if (held) options.onLost?.(error);
  });
  const abort = () => connection.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const [holders] = await connection.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS holder', [name]);
    const holder = holders[0]?.holder as number | null | undefined;
    if (holder != null) options.onWait?.(holder);
    let acquired: unknown;
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [name, timeoutSeconds]);
      acquired = rows[0]?.acquired;
    } catch (error) {
      signal?.throwIfAborted();
      throw new AdvisoryLockError(`Could not take the lock "${name}" on ${where}: ${(error as Error).message}`, { cause: error });
    }
    // Closing the connection interrupts GET_LOCK (the server answers 0 or the socket fails): an abort, not a timeout.
    signal?.throwIfAborted();
    if (acquired !== 1) {
      throw new AdvisoryLockError(
        acquired === 0
          ? `Timed out after ${timeoutSeconds} s waiting for the lock "${name}" on ${where}: another process holds it ` +
              `(a migration still running, or a stuck session: SELECT IS_USED_LOCK('${name}') gives its connection id). ` +
              `Raise MIGRATION_LOCK_TIMEOUT_S if migrations legitimately take longer.`
          : `The server refused the lock "${name}" on ${where} (GET_LOCK returned ${String(acquired)}): the session was killed or ran out of memory.`,
      );
    }
    signal?.removeEventListener('abort', abort);
    held = true;
    try {
      return await fn();
    } finally {
      held = false;
      if (!lost) await connection.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    if (lost) connection.destroy();
    else await connection.end().catch(() => connection.destroy());
  }
}
