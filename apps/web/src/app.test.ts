import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { loadConfig } from './plugins/env.ts';
import { freePort, startRecords, type RunningRecords } from './test-support/records-process.ts';

const webCommit = '1'.repeat(40);
const recordsCommit = '2'.repeat(40);

function countOn(page: string): number {
  const match = /data-testid="record-count">(\d+)</.exec(page);
  if (!match?.[1]) throw new Error(`no record count on the page:\n${page}`);
  return Number(match[1]);
}

function tokenOn(page: string): string {
  const match = /name="token" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error(`no form token on the page:\n${page}`);
  return match[1];
}

async function webFor(recordsUrl: string, supportedRecordsApiMajors?: readonly number[], env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ RECORDS_URL: recordsUrl, APP_ENV: 'test-env', APP_VERSION: '1.0.0', GIT_COMMIT: webCommit, LOG_LEVEL: 'silent', ...env });
  return buildApp({ config, ...(supportedRecordsApiMajors ? { supportedRecordsApiMajors } : {}) });
}

describe('web with records running', () => {
  let records: RunningRecords;
  let app: FastifyInstance;

  beforeAll(async () => {
    records = await startRecords({ APP_VERSION: '2.0.0', GIT_COMMIT: recordsCommit, DEMO_SECRET: '<b>not bold</b>' });
    app = await webFor(records.url);
  });

  afterAll(async () => {
    await app?.close();
    await records?.stop();
  });

  it('answers /healthz with ok', async () => {
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /version with its own version and commit', async () => {
    expect((await app.inject('/version')).json()).toEqual({ version: '1.0.0', commit: webCommit });
  });

  it('shows the environment, both versions and commits, the count and the demo secret', async () => {
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = response.body;
    expect(page).toContain('data-testid="environment" aria-label="Environment: test-env">test-env<');
    expect(page).toContain('data-testid="web-version">1.0.0<');
    expect(page).toContain('data-testid="records-version">2.0.0<');
    expect(page).toContain(`title="${webCommit}"`);
    expect(page).toContain(`title="${recordsCommit}"`);
    expect(countOn(page)).toBeGreaterThanOrEqual(0);
    expect(page).toContain('data-testid="demo-secret">&lt;b&gt;not bold&lt;/b&gt;<');
  });

  it('sends a Content-Security-Policy that allows no script at all', async () => {
    const csp = (await app.inject('/')).headers['content-security-policy'];
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toContain('script-src');
  });

  it('adds a record from a plain form post and redirects back to a page with a higher count', async () => {
    const before = countOn((await app.inject('/')).body);
    const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=from+the+form' });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/?added=1');
    const after = await app.inject(String(post.headers.location));
    expect(countOn(after.body)).toBe(before + 1);
    expect(after.body).toContain('role="status"><p>Record added.</p>');
  });

  it('refuses an empty name with a 400 page that explains the field and adds nothing', async () => {
    const before = countOn((await app.inject('/')).body);
    const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=' });
    expect(post.statusCode).toBe(400);
    expect(post.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(post.body).toContain('id="name-error">Enter a record name of 1 to 200 characters, at least one of them visible.</p>');
    expect(countOn(post.body)).toBe(before);
  });

  it('refuses a name of only spaces or zero-width characters, as records does, and adds nothing', async () => {
    const before = countOn((await app.inject('/')).body);
    for (const name of ['%20%20%20', '%E2%80%8B%E2%80%8D']) {
      const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `name=${name}` });
      expect(post.statusCode).toBe(400);
      expect(post.body).toContain('at least one of them visible');
    }
    expect(countOn((await app.inject('/')).body)).toBe(before);
  });

  it.each([
    ['application/json', '{"name":"json"}'],
    ['text/plain', 'name=text'],
  ])('answers a %s post with 415, as records does, and adds nothing', async (contentType, payload) => {
    const before = countOn((await app.inject('/')).body);
    const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': contentType }, payload });
    expect(post.statusCode).toBe(415);
    expect(post.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect(countOn((await app.inject('/')).body)).toBe(before);
  });

  it.each([
    ['an Origin of another site', { origin: 'http://evil.example' }],
    ['Origin null (a sandboxed page)', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', origin: 'http://localhost:80' }],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a form post with %s with 403, and adds nothing', async (_case, headers) => {
    const before = countOn((await app.inject('/')).body);
    const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: 'name=forged' });
    expect(post.statusCode).toBe(403);
    expect(post.body).toMatch(/^Cross-origin form posts are refused/);
    expect(countOn((await app.inject('/')).body)).toBe(before);
  });

  it('accepts a form post from its own page (same Origin, Sec-Fetch-Site same-origin)', async () => {
    const post = await app.inject({
      method: 'POST',
      url: '/records',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' },
      payload: 'name=own+page',
    });
    expect(post.statusCode).toBe(303);
  });

  it('puts a refused over-long name back into the field, escaped', async () => {
    const name = `"><script>${'x'.repeat(200)}`;
    const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name }).toString() });
    expect(post.statusCode).toBe(400);
    expect(post.body).toContain(`value="&quot;&gt;&lt;script&gt;${'x'.repeat(200)}"`);
    expect(post.body).not.toContain('<script>');
  });

  it('exposes a request duration histogram by method, route and status, and process metrics', async () => {
    await app.inject('/');
    const metrics = await app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/",status_code="200"\} [1-9]/);
    expect(metrics.body).toMatch(/web_records_call_duration_seconds_count\{operation="overview",outcome="ok"\} [1-9]/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    expect(metrics.body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('labels unknown paths as one route so metrics cardinality stays bounded', async () => {
    await app.inject('/no/such/page/123');
    expect((await app.inject('/metrics')).body).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} [1-9]/);
  });

  it('shows the incompatibility banner and disables the form when records speaks an API it does not support', async () => {
    const picky = await webFor(records.url, [2]);
    try {
      const response = await picky.inject('/');
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('records API is incompatible');
      expect(response.body).toContain('records speaks API v1; this web supports records API v2.');
      expect(response.body).toContain('<fieldset disabled>');
      const post = await picky.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=refused' });
      expect(post.statusCode).toBe(409);
      expect(post.body).toContain('The record was not added: records speaks an API version this web does not support.');
    } finally {
      await picky.close();
    }
  });
});

describe('web with records down', () => {
  let app: FastifyInstance;
  let recordsUrl: string;

  beforeAll(async () => {
    recordsUrl = `http://127.0.0.1:${await freePort()}`;
    app = await webFor(recordsUrl);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('still answers the page with 200 and says clearly that records is unreachable', async () => {
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<strong>records is unreachable</strong>');
    expect(response.body).toContain(`<code>${recordsUrl}</code>`);
    expect(response.body).toContain('data-testid="record-count">unknown<');
    expect(response.body).toContain('data-testid="web-version">1.0.0<');
  });

  it('stays ready, because readiness does not depend on records', async () => {
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('answers a form post with the degraded page and a 503, not an error page', async () => {
    const post = await app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=kept' });
    expect(post.statusCode).toBe(503);
    expect(post.body).toContain('The record was not added: records is unreachable.');
    expect(post.body).toContain('value="kept"');
  });

  it('counts calls to records that found it unreachable', async () => {
    await app.inject('/');
    expect((await app.inject('/metrics')).body).toMatch(/web_records_call_duration_seconds_count\{operation="version",outcome="unreachable"\} [1-9]/);
  });
});

describe('a record that records stores without confirming it in time', () => {
  let records: RunningRecords;
  let app: FastifyInstance;

  beforeAll(async () => {
    records = await startRecords();
    app = await webFor(records.url, undefined, { RECORDS_TIMEOUT_MS: '500' });
  });

  afterAll(async () => {
    await app?.close();
    await records?.stop();
  });

  const submit = (payload: string) => app.inject({ method: 'POST', url: '/records', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
  const storedCount = async () => ((await (await fetch(`${records.url}/`)).json()) as { records: number }).records;

  it('is reported as "not sure, check the count", and submitting the same form again does not store it twice', async () => {
    const page = await app.inject('/');
    const token = tokenOn(page.body);
    const before = countOn(page.body);
    // Holding SQLite's write lock keeps records' insert waiting past web's 500 ms, as a locked table did on MySQL.
    const lock = new DatabaseSync(join(records.dataDir, 'records.sqlite'));
    lock.exec('BEGIN EXCLUSIVE');
    const release = setTimeout(() => lock.exec('COMMIT'), 1_500);
    let answer;
    try {
      answer = await submit(`name=slow&token=${token}`);
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      clearTimeout(release);
      lock.close();
    }
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain('Not sure whether the record was added');
    expect(answer.body).toContain('Check the record count before adding it again');
    expect(answer.body).not.toContain('The record was not added');
    // The page offers the same submission again: same token, same name.
    expect(tokenOn(answer.body)).toBe(token);
    expect(answer.body).toContain('value="slow"');

    // records did store it once the lock was gone.
    expect(await storedCount()).toBe(before + 1);
    const retry = await submit(`name=slow&token=${token}`);
    expect(retry.statusCode).toBe(303);
    expect(await storedCount()).toBe(before + 1);
  });

  it('gives every page a new token, so a new submission is a new record', async () => {
    const first = tokenOn((await app.inject('/')).body);
    const second = tokenOn((await app.inject('/')).body);
    expect(first).not.toBe(second);
    const before = await storedCount();
    expect((await submit(`name=twin&token=${first}`)).statusCode).toBe(303);
    expect((await submit(`name=twin&token=${second}`)).statusCode).toBe(303);
    expect(await storedCount()).toBe(before + 2);
  });
});

describe('web shutting down', () => {
  it('marks itself not ready when the server closes', async () => {
    const app = await webFor('http://127.0.0.1:9');
    await app.close();
    expect(app.readiness.ready).toBe(false);
  });

  it('answers /readyz with 503 once shutdown has marked it not ready', async () => {
    const app = await webFor('http://127.0.0.1:9');
    app.readiness.ready = false;
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'shutting down' });
    await app.close();
  });
});
