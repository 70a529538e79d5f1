// The combination as images, as the charts run it: MariaDB, records migrating it on start, web
// pointed at records. What a snapshot vouches for, run here from the bytes that would ship.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, stackImagesFromEnv, type Stack } from './stack.ts';

const images = stackImagesFromEnv();
const commit = process.env.IMAGES_COMMIT;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack(images, { name: 'stack-test' });
});
afterAll(() => stack?.stop());

describe('records, web and MariaDB as images', () => {
  it('migrates the empty database once and becomes ready', () => {
    expect(stack.records.logs()).toMatch(/"msg":"[^"]*migrat[^"]*"/i);
    expect(stack.records.logs()).toMatch(/records listening on http:\/\/0\.0\.0\.0:\d+/);
  });

  it('reports the commit each image was built from', async () => {
    for (const url of [stack.recordsUrl, stack.webUrl]) {
      const version = (await (await fetch(`${url}/version`)).json()) as { commit: string };
      expect(version.commit, url).toBe(commit);
    }
  });

  it('adds a record through the page form, stored in the database container', async () => {
    const before = (await (await fetch(`${stack.recordsUrl}/`)).json()) as { records: number };
    const posted = await fetch(`${stack.webUrl}/records`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=from-the-image-test', redirect: 'manual' });
    expect(posted.status).toBe(303);
    const after = (await (await fetch(`${stack.recordsUrl}/`)).json()) as { records: number; environment: string };
    expect(after).toMatchObject({ records: before.records + 1, environment: 'images' });
    const page = await (await fetch(`${stack.webUrl}/?added=1`)).text();
    expect(page).toContain('Record added.');
    expect(page).toContain(commit!.slice(0, 7));
  });
});
