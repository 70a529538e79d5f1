import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { loadConfig } from './plugins/env.ts';
import { findChromium } from './test-support/chromium.ts';
import { freePort, startRecords, type RunningRecords } from './test-support/records-process.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const artifactsDir = join(process.env.ARTIFACTS_DIR || join(repoRoot, '.artifacts'), 'web');

async function startWeb(recordsUrl: string): Promise<{ app: FastifyInstance; url: string }> {
  const config = loadConfig({ RECORDS_URL: recordsUrl, APP_ENV: 'browser-test', APP_VERSION: '1.0.0', GIT_COMMIT: 'abcdef0123456789abcdef0123456789abcdef01', LOG_LEVEL: 'silent' });
  const app = await buildApp({ config });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

async function countOn(page: Page): Promise<number> {
  const text = (await page.getByTestId('record-count').textContent())?.trim() ?? '';
  if (!/^\d+$/.test(text)) throw new Error(`the record count is not a number: ${JSON.stringify(text)}`);
  return Number(text);
}

describe('the page in headless Chromium', () => {
  let records: RunningRecords;
  let web: { app: FastifyInstance; url: string };
  let downWeb: { app: FastifyInstance; url: string };
  let userDataDir: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    const chromiumPath = findChromium();
    await mkdir(artifactsDir, { recursive: true });
    records = await startRecords({ APP_VERSION: '2.0.0', GIT_COMMIT: '0123456789abcdef0123456789abcdef01234567', APP_ENV: 'browser-test', DEMO_SECRET: 'browser-demo-secret' });
    web = await startWeb(records.url);
    downWeb = await startWeb(`http://127.0.0.1:${await freePort()}`);
    userDataDir = await mkdtemp(join(tmpdir(), 'web-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1024, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.app.close();
    await downWeb?.app.close();
    await records?.stop();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('loads the page with the environment, both versions and the record count', async () => {
    const page = await browser.newPage();
    const response = await page.goto(web.url);
    expect(response?.status()).toBe(200);
    expect(await page.getByTestId('environment').textContent()).toBe('browser-test');
    expect(await page.getByTestId('web-version').textContent()).toBe('1.0.0');
    expect(await page.getByTestId('records-version').textContent()).toBe('2.0.0');
    expect(await countOn(page)).toBeGreaterThanOrEqual(0);
    expect(await page.getByTestId('demo-secret').textContent()).toBe('browser-demo-secret');
    await page.close();
  });

  it('gives every form control an accessible name', async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    expect(await page.getByRole('textbox', { name: 'Record name' }).count()).toBe(1);
    expect(await page.getByLabel('Record name').getAttribute('name')).toBe('name');
    expect(await page.getByRole('button', { name: 'Add record' }).count()).toBe(1);
    // Hidden inputs (the submission token) are not presented to anyone, so they need no name.
    const unnamed = await page.locator('input:not([type=hidden]), select, textarea, button').evaluateAll((controls) =>
      controls
        .filter((control) => {
          const labels = 'labels' in control ? (control as { labels: { length: number } | null }).labels : null;
          const labelled = labels !== null && labels.length > 0;
          const named = control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') || (control.tagName === 'BUTTON' && control.textContent?.trim());
          return !labelled && !named;
        })
        .map((control) => control.outerHTML),
    );
    expect(unnamed).toEqual([]);
    await page.close();
  });

  it('adds a record using only the keyboard, and the count goes up by one', async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    const before = await countOn(page);
    let focusedId = '';
    for (let tab = 0; tab < 10 && focusedId !== 'name'; tab += 1) {
      await page.keyboard.press('Tab');
      focusedId = (await page.locator(':focus').getAttribute('id')) ?? '';
    }
    expect(focusedId).toBe('name');
    await page.keyboard.type('typed in the browser');
    await Promise.all([page.waitForURL(/\/\?added=1$/), page.keyboard.press('Enter')]);
    expect(await countOn(page)).toBe(before + 1);
    expect(await page.getByRole('status').textContent()).toContain('Record added.');
    await page.screenshot({ path: join(artifactsDir, 'page.png'), fullPage: true });
    await page.close();
  });

  it('shows the degraded state, not an error page, when records is down', async () => {
    const page = await browser.newPage();
    const response = await page.goto(downWeb.url);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('alert').textContent()).toContain('records is unreachable');
    expect(await page.getByTestId('record-count').textContent()).toBe('unknown');
    expect(await page.getByRole('textbox', { name: 'Record name' }).isEditable()).toBe(true);
    await page.screenshot({ path: join(artifactsDir, 'page-records-unreachable.png'), fullPage: true });
    await page.close();
  });
});
