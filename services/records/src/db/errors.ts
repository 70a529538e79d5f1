/**
 * The database could not answer in time or at all (timeout, connection refused or lost, pool exhausted, lock wait):
 * the request may succeed later, so the service answers 503 with Retry-After rather than 500.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** Any other database error, reduced to its code: driver messages quote the statement's values, i.e. user input. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  readonly code: string | undefined;
  constructor(code: string | undefined) {
    super(`database error ${code ?? 'without a code'}`);
    this.code = code;
  }
}

// Server-side conditions that pass: lock waits, deadlocks, a server going away or refusing connections.
const transientCodes = new Set([
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/** What the service may say and log about a failed database call: never the statement or its values. */
export function classifyDatabaseError(error: unknown): DatabaseUnavailableError | DatabaseError {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseError) return error;
  const { code, fatal, name } = error as { code?: string; fatal?: boolean; name?: string };
  if (name === 'KnexTimeoutError') return new DatabaseUnavailableError('no database connection free within the acquire timeout', 'ACQUIRE_TIMEOUT');
  if (fatal || (code && (transientCodes.has(code) || /^(E[A-Z]+|PROTOCOL_[A-Z_]+)$/.test(code)))) {
    return new DatabaseUnavailableError(`the database connection failed (${code ?? 'fatal error'})`, code);
  }
  return new DatabaseError(code);
}
