import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRecords, type RunningRecords } from '../test-support/records-process.ts';
import { createRecordsClient, RecordsUnreachableError, RecordsValidationError, type RecordsClient } from './client.ts';
import { checkCompatibility } from './compatibility.ts';

// The contract between web and records, exercised against the real records process.
describe('records client against the real records service', () => {
  let records: RunningRecords;
  let client: RecordsClient;

  beforeAll(async () => {
    records = await startRecords({ APP_VERSION: '4.5.6', GIT_COMMIT: 'c0ffee'.padEnd(40, '0'), APP_ENV: 'contract', DEMO_SECRET: 'contract-secret' });
    client = createRecordsClient({ baseUrl: records.url, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await records?.stop();
  });

  it('reads the version and commit records was started with', async () => {
    expect(await client.version()).toMatchObject({ version: '4.5.6', commit: 'c0ffee'.padEnd(40, '0') });
  });

  it('talks to a records API version this web supports', async () => {
    const { apiVersion } = await client.version();
    expect(checkCompatibility(apiVersion)).toEqual({ compatible: true, apiMajor: 1 });
  });

  it('reads the overview: count, environment and demo secret', async () => {
    expect(await client.overview()).toMatchObject({ records: expect.any(Number), version: '4.5.6', environment: 'contract', secret: 'contract-secret' });
  });

  it('creates a record and sees the count go up by one', async () => {
    const before = (await client.overview()).records;
    const created = await client.createRecord('from the contract test');
    expect(created).toMatchObject({ id: expect.anything(), name: 'from the contract test' });
    expect((await client.overview()).records).toBe(before + 1);
  });

  it('keeps a name with markup verbatim, as data', async () => {
    expect((await client.createRecord('<b>bold</b> & "quoted"')).name).toBe('<b>bold</b> & "quoted"');
  });

  it('maps an empty name to a validation error naming the field', async () => {
    const error = await client.createRecord('').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecordsValidationError);
    expect(error).toMatchObject({ field: 'name' });
  });

  it('maps a name longer than 200 characters to a validation error naming the field', async () => {
    const error = await client.createRecord('x'.repeat(201)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecordsValidationError);
    expect(error).toMatchObject({ field: 'name' });
  });

  it('accepts a name of exactly 200 characters', async () => {
    expect((await client.createRecord('y'.repeat(200))).name).toHaveLength(200);
  });

  it('reports a records nobody listens on as unreachable, naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const down = createRecordsClient({ baseUrl: url, timeoutMs: 2_000 });
    await expect(down.version()).rejects.toThrow(RecordsUnreachableError);
    await expect(down.overview()).rejects.toThrow(`records at ${url} is unreachable`);
  });
});
