import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

// Only the fields web reads; records may add more without breaking web.
export const recordsVersionSchema = Type.Object({
  version: Type.String(),
  commit: Type.String(),
  apiVersion: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
});
export type RecordsVersion = Static<typeof recordsVersionSchema>;

export const recordsOverviewSchema = Type.Object({
  records: Type.Integer({ minimum: 0 }),
  version: Type.String(),
  commit: Type.String(),
  environment: Type.String(),
  secret: Type.String(),
});
export type RecordsOverview = Static<typeof recordsOverviewSchema>;

export const createdRecordSchema = Type.Object({
  id: Type.Union([Type.Integer(), Type.String()]),
  name: Type.String(),
});
export type CreatedRecord = Static<typeof createdRecordSchema>;

export type RecordsOperation = 'version' | 'overview' | 'create';

/** records could not be reached at all: connection refused, DNS failure, timeout. */
export class RecordsUnreachableError extends Error {
  override name = 'RecordsUnreachableError';
  /** Why, in a few words: `ECONNREFUSED`, `no answer in time`. */
  readonly detail: string;
  /** False when the request cannot have reached records (no connection was made): a write surely did not happen. */
  readonly mayHaveArrived: boolean;
  constructor(message: string, detail: string, options?: ErrorOptions & { mayHaveArrived?: boolean }) {
    super(message, options);
    this.detail = detail;
    this.mayHaveArrived = options?.mayHaveArrived ?? true;
  }
}

/** records answered, but not with what the contract promises (status or body). */
export class RecordsResponseError extends Error {
  override name = 'RecordsResponseError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** records refused the input; `field` names the offending field when records said which. */
export class RecordsValidationError extends Error {
  override name = 'RecordsValidationError';
  readonly field: string | undefined;
  constructor(message: string, field: string | undefined) {
    super(message);
    this.field = field;
  }
}

export interface RecordsClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Called once per call with its outcome, e.g. to feed a metric. */
  onCall?: (operation: RecordsOperation, outcome: 'ok' | 'unreachable' | 'rejected' | 'bad_response', seconds: number) => void;
}

export interface RecordsClient {
  readonly baseUrl: string;
  version(): Promise<RecordsVersion>;
  overview(): Promise<RecordsOverview>;
  /** With an idempotency key, a retry of the same submission never stores the record twice. */
  createRecord(name: string, idempotencyKey?: string): Promise<CreatedRecord>;
}

// records answers 400 with a JSON body naming the field: `field` when it says so, else fastify's `body/name ...` message.
function validationErrorFrom(body: unknown): RecordsValidationError {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message = typeof record.message === 'string' ? record.message : 'records rejected the input';
  const field =
    typeof record.field === 'string'
      ? record.field
      : (/(?:^|\s)body\/([\w-]+)/.exec(message)?.[1] ?? /(?:^|\s)body must have required property '([\w-]+)'/.exec(message)?.[1]);
  return new RecordsValidationError(message, field);
}

// Failures while connecting: the request was never sent.
const connectFailures = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** A client for the records HTTP API, checking every answer against the contract. */
export function createRecordsClient(options: RecordsClientOptions): RecordsClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function call<S extends TSchema>(operation: RecordsOperation, path: string, schema: S, init: RequestInit, expectedStatus: number): Promise<Static<S>> {
    const started = performance.now();
    const report = (outcome: 'ok' | 'unreachable' | 'rejected' | 'bad_response') => options.onCall?.(operation, outcome, (performance.now() - started) / 1000);
    const url = `${baseUrl}${path}`;
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers }, signal: AbortSignal.timeout(options.timeoutMs) });
      const text = await response.text();
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        report('bad_response');
        throw new RecordsResponseError(`records answered ${init.method ?? 'GET'} ${path} with ${response.status} and a body that is not JSON`, response.status);
      }
    } catch (error) {
      if (error instanceof RecordsResponseError) throw error;
      report('unreachable');
      const detail = describeCause(error);
      throw new RecordsUnreachableError(`records at ${baseUrl} is unreachable (${detail})`, detail, { cause: error, mayHaveArrived: !connectFailures.has(detail) });
    }
    if (response.status === 400) {
      report('rejected');
      throw validationErrorFrom(body);
    }
    if (response.status !== expectedStatus) {
      report('bad_response');
      throw new RecordsResponseError(`records answered ${init.method ?? 'GET'} ${path} with ${response.status}, expected ${expectedStatus}`, response.status);
    }
    if (!Value.Check(schema, body)) {
      report('bad_response');
      const first = Value.Errors(schema, body)[0];
      const where = first ? `${first.instancePath || '/'} ${first.message}` : 'unexpected shape';
      throw new RecordsResponseError(`records answered ${init.method ?? 'GET'} ${path} with a body web does not understand: ${where}`, response.status);
    }
    report('ok');
    return body;
  }

  return {
    baseUrl,
    version: () => call('version', '/version', recordsVersionSchema, { method: 'GET' }, 200),
    overview: () => call('overview', '/', recordsOverviewSchema, { method: 'GET' }, 200),
    createRecord: (name, idempotencyKey) =>
      call(
        'create',
        '/records',
        createdRecordSchema,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
          body: JSON.stringify({ name }),
        },
        201,
      ),
  };
}
