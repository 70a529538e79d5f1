// Reading web's page the way a person does, through the browser: what it shows, which banners.
import type { Page } from 'playwright-core';

/** The banners web shows when records is unreachable, failing or speaks an API it does not support. */
const problemBanners = { 'records-unreachable': 'records is unreachable', 'records-failing': 'records answered with an error', 'records-incompatible': 'the records API is incompatible' } as const;

export async function openPage(page: Page, webUrl: string): Promise<void> {
  const response = await page.goto(`${webUrl}/`, { waitUntil: 'load', timeout: 15_000 });
  if (!response) throw new Error(`${webUrl}/ gave the browser no response`);
  if (response.status() !== 200) throw new Error(`${webUrl}/ answered ${response.status()} in the browser, not 200`);
}

/** The record count the page shows; fails when it shows "unknown" or anything but a number. */
export async function shownCount(page: Page): Promise<number> {
  const text = ((await page.getByTestId('record-count').textContent({ timeout: 5_000 })) ?? '').trim();
  if (!/^\d+$/.test(text)) throw new Error(`the page shows the record count as ${JSON.stringify(text)}, not a number`);
  return Number(text);
}

/** Fails naming every problem banner on the page (none is expected when both services are well). */
export async function expectNoProblemBanner(page: Page): Promise<void> {
  const shown: string[] = [];
  for (const [id, what] of Object.entries(problemBanners)) if ((await page.locator(`#${id}`).count()) > 0) shown.push(`${what} (#${id}: ${((await page.locator(`#${id}`).textContent()) ?? '').replace(/\s+/g, ' ').trim()})`);
  if (shown.length) throw new Error(`the page shows ${shown.join('; ')}`);
}

export async function shownVersions(page: Page): Promise<{ web: string; records: string }> {
  const web = ((await page.getByTestId('web-version').textContent({ timeout: 5_000 })) ?? '').trim();
  const records = ((await page.getByTestId('records-version').textContent({ timeout: 5_000 })) ?? '').trim();
  return { web, records };
}
