import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app.ts';
import { buildTestApp, untilAppReady } from '../test-support/app.ts';
import { createTestDatabase, type TestDatabase } from '../test-support/database.ts';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase('routes');
  app = await buildTestApp({
    DATABASE_URL: database.url,
    APP_ENV: 'staging',
    DEMO_SECRET: 's3cr3t',
    APP_VERSION: '1.4.2',
    GIT_COMMIT: 'a'.repeat(40),
    // The write limit has a test of its own below.
    WRITE_RATE_LIMIT_PER_MINUTE: '10000',
  });
  await untilAppReady(app);
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

const rowCount = async () => Number((await database.query<{ count: number }[]>('SELECT COUNT(*) AS count FROM records'))[0]?.count);

describe('GET /', () => {
  it('answers the record count, version, commit, environment and demo secret', async () => {
    const before = (await app.inject('/')).json<{ records: number }>().records;
    await post({ name: 'x' });
    await post({ name: 'y' });
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ records: before + 2, version: '1.4.2', commit: 'a'.repeat(40), environment: 'staging', secret: 's3cr3t' });
  });

  it('counts exactly what concurrent writes stored, without counting the table', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ name: `concurrent ${i}` })));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(201));
    expect((await app.inject('/')).json<{ records: number }>().records).toBe(await rowCount());
  });
});

describe('POST /records', () => {
  it('stores a record and answers 201 with its id and name', async () => {
    const response = await post({ name: 'first' });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ id: number; name: string }>();
    expect(body).toEqual({ id: expect.any(Number), name: 'first' });
    const rows = await database.query<{ name: string }[]>('SELECT name FROM records WHERE id = ?', [body.id]);
    expect(rows).toEqual([{ name: 'first' }]);
  });

  it('accepts a name of exactly 200 characters', async () => {
    expect((await post({ name: 'n'.repeat(200) })).statusCode).toBe(201);
  });

  it.each([
    ['a missing name', {}, 'name', /required property 'name'/],
    ['an empty name', { name: '' }, 'name', /fewer than 1 characters/],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name', /more than 200 characters/],
    ['a number as name', { name: 42 }, 'name', /must be string/],
    ['null as name', { name: null }, 'name', /must be string/],
    ['an unknown field', { name: 'ok', colour: 'red' }, 'colour', /additional properties/],
  ])('rejects %s with a 400 that names the field', async (_case, payload, field, message) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', field, message: expect.stringMatching(message) });
  });

  it.each([
    ['only spaces', '   ', /must contain a visible character/],
    ['only no-break and ideographic spaces', '\u00a0\u3000', /must contain a visible character/],
    ['only zero-width characters', '\u200b\u200c\u200d\u2060\ufeff', /must contain a visible character/],
    ['only a Hangul filler', '\u3164', /must contain a visible character/],
    ['a NUL', 'a\u0000b', /must not contain control characters/],
    ['only NUL', '\u0000', /must not contain control characters/],
    ['a line break', 'a\nb', /must not contain control characters/],
  ])('refuses a name of %s with a 400 naming the field, and stores nothing', async (_case, name, message) => {
    const before = await rowCount();
    const response = await post({ name });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, field: 'name', message: expect.stringMatching(message) });
    expect(await rowCount()).toBe(before);
  });

  it('refuses a lone surrogate (escaped in the JSON) rather than storing U+FFFD', async () => {
    const response = await post('{"name":"a\\ud800b"}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'name', message: expect.stringMatching(/valid Unicode/) });
  });

  it('refuses a body that is not valid UTF-8 rather than storing U+FFFD', async () => {
    const payload = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('b"}')]);
    const response = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_UTF8', message: 'body is not valid UTF-8' });
  });

  it('accepts names with visible characters beyond ASCII, spaces inside included', async () => {
    for (const name of ['Zoë Ångström', '数据 记录', '🙂', ' padded ']) {
      const response = await post({ name });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ name });
    }
  });

  it('rejects a body that is not an object with a 400 about the body', async () => {
    const response = await post(['name']);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'Bad Request', message: 'body must be object' });
  });

  it('rejects malformed JSON with a 400 JSON answer', async () => {
    const response = await post('{"name": ');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  });

  it('rejects an empty body with a 400 JSON answer', async () => {
    const response = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
  });

  it('rejects a text/plain body with a 415 JSON answer, as any other type that is not JSON', async () => {
    const response = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'text/plain' }, payload: '{"name":"x"}' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('rejects a body that is not JSON with a 415 JSON answer', async () => {
    const response = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/xml' }, payload: '<name>x</name>' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('stores nothing when the input is rejected', async () => {
    const before = await rowCount();
    await post({ name: '' });
    expect(await rowCount()).toBe(before);
  });

  it('refuses a body over 2 KiB with 413 before reading it', async () => {
    const response = await post({ name: 'n'.repeat(3_000) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });
});

describe('POST /records with an Idempotency-Key', () => {
  const key = () => `key-${Math.random().toString(36).slice(2)}`;

  it('stores the record once: a retry with the same key answers the same record, marked as replayed', async () => {
    const sent = key();
    const before = await rowCount();
    const first = await post({ name: 'once' }, { 'idempotency-key': sent });
    const retry = await post({ name: 'once' }, { 'idempotency-key': sent });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await rowCount()).toBe(before + 1);
    expect((await app.inject('/')).json<{ records: number }>().records).toBe(before + 1);
  });

  it('stores one record when ten requests with the same key arrive at once', async () => {
    const sent = key();
    const before = await rowCount();
    const responses = await Promise.all(Array.from({ length: 10 }, () => post({ name: 'racing' }, { 'idempotency-key': sent })));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((response) => response.json<{ id: number }>().id)).size).toBe(1);
    expect(await rowCount()).toBe(before + 1);
  });

  it('answers 422 and stores nothing when the key comes back with another name', async () => {
    const sent = key();
    expect((await post({ name: 'first name' }, { 'idempotency-key': sent })).statusCode).toBe(201);
    const before = await rowCount();
    const reused = await post({ name: 'second name' }, { 'idempotency-key': sent });
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ statusCode: 422, message: expect.stringMatching(/already used/) });
    expect(await rowCount()).toBe(before);
  });

  it.each([
    ['with a space', 'a b'],
    ['of 129 characters', 'k'.repeat(129)],
  ])('refuses a key %s with a 400 naming the header', async (_case, sent) => {
    const response = await post({ name: 'x' }, { 'idempotency-key': sent });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'idempotency-key' });
  });
});

describe('the write rate limit', () => {
  it('answers 429 with Retry-After past WRITE_RATE_LIMIT_PER_MINUTE from one client, and stores nothing more', async () => {
    const limited = await buildTestApp({ DATABASE_URL: database.url, WRITE_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      await untilAppReady(limited);
      const write = () => limited.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/json' }, payload: '{"name":"r"}' });
      for (let i = 0; i < 3; i++) expect((await write()).statusCode).toBe(201);
      const before = await rowCount();
      const refused = await write();
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(await rowCount()).toBe(before);
      expect((await limited.inject('/')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('GET /version', () => {
  it('answers the version, the commit and the API major version', async () => {
    const response = await app.inject('/version');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ version: '1.4.2', commit: 'a'.repeat(40), apiVersion: 1 });
  });
});

describe('unknown routes', () => {
  it('answer 404 JSON naming the route', async () => {
    const response = await app.inject('/no/such/thing');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Route GET /no/such/thing not found' });
  });

  it('answer 404 JSON for a known path with another method', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/records' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'Not Found' });
  });
});

describe('GET /metrics', () => {
  it('has a request duration histogram labelled by method, route pattern and status', async () => {
    await app.inject('/');
    await post({ name: '' });
    await app.inject('/no/such/thing');
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/",status_code="200"\} \d+/);
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/records",status_code="400"\} \d+/);
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} \d+/);
    expect(response.body).not.toContain('/no/such/thing');
  });

  it('leaves probes and scrapes out of the request histogram', async () => {
    await app.inject('/healthz');
    await app.inject('/readyz');
    const body = (await app.inject('/metrics')).body;
    expect(body).not.toMatch(/route="\/(healthz|readyz|metrics)"/);
  });

  it('has the process metrics', async () => {
    const body = (await app.inject('/metrics')).body;
    for (const metric of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(body).toContain(`# TYPE ${metric} `);
    }
  });
});
