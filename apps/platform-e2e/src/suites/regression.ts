// regression (writes data; never in prod): a person adds a record through web's page in a real
// browser, records stores and counts it, and bad input is refused by the page and by the API.
import { call, preview, recordCount } from '../http.ts';
import type { Suite } from '../runner.ts';
import { expectNoProblemBanner, openPage, shownCount } from './web-page.ts';

const loads = 'the page loads with the record count and no API-compatibility banner';
const adds = 'a record added through the page raises the count the page shows';

export const regression: Suite = {
  name: 'regression',
  checks: (target) => [
    {
      name: loads,
      async run(context) {
        const page = await context.page();
        await openPage(page, target.urls.web);
        await expectNoProblemBanner(page);
        await shownCount(page);
        if (await page.locator('form fieldset[disabled]').count()) throw new Error('the form to add a record is disabled');
        await context.screenshot(page, 'page');
      },
    },
    {
      name: adds,
      requires: [loads],
      async run(context) {
        const page = await context.page();
        await openPage(page, target.urls.web);
        const before = await shownCount(page);
        const name = `platform-e2e ${target.environment} ${new Date().toISOString()}`;
        await page.getByLabel('Record name').fill(name);
        await Promise.all([page.waitForURL(/\/\?added=1$/, { timeout: 15_000 }), page.getByRole('button', { name: 'Add record' }).click()]);
        const status = ((await page.getByRole('status').textContent()) ?? '').trim();
        if (!status.includes('Record added.')) throw new Error(`after adding "${name}" the page says ${JSON.stringify(status)}, not "Record added."`);
        const after = await shownCount(page);
        // Others may add records meanwhile: the count must have gone up by at least this one.
        if (after < before + 1) throw new Error(`the page showed ${before} records before adding "${name}" and ${after} after`);
        context.state.set('countAfterAdd', after);
        await context.screenshot(page, 'record-added');
      },
    },
    {
      name: 'the records API counts the record added through the page',
      requires: [adds],
      async run(context) {
        const shown = context.state.get('countAfterAdd') as number;
        const counted = await recordCount(target.urls.records);
        if (counted < shown) throw new Error(`the page showed ${shown} records after the add, but GET ${target.urls.records}/ counts ${counted}`);
      },
    },
    {
      name: 'the page refuses an empty record name, in the browser and on the server',
      requires: [loads],
      async run(context) {
        const page = await context.page();
        await openPage(page, target.urls.web);
        const before = await recordCount(target.urls.records);
        const field = page.getByLabel('Record name');
        await field.fill('');
        const missing = await field.evaluate((input) => (input as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing);
        if (!missing) throw new Error('the browser accepts an empty record name (the field is not required)');
        // A client without HTML validation: web itself must refuse it.
        await page.locator('form').evaluate((form) => {
          (form as unknown as { noValidate: boolean }).noValidate = true;
        });
        const [response] = await Promise.all([
          page.waitForResponse((answer) => answer.request().method() === 'POST' && new URL(answer.url()).pathname === '/records', { timeout: 15_000 }),
          page.getByRole('button', { name: 'Add record' }).click(),
        ]);
        if (response.status() !== 400) throw new Error(`web answered ${response.status()} to an empty record name, not 400`);
        await page.waitForLoadState('load');
        const message = ((await page.locator('#name-error').textContent({ timeout: 5_000 })) ?? '').trim();
        if (!message.includes('Enter a record name')) throw new Error(`the page shows ${JSON.stringify(message)} beside the field, not "Enter a record name ..."`);
        if ((await page.getByLabel('Record name').getAttribute('aria-invalid')) !== 'true') throw new Error('the refused field is not marked aria-invalid');
        await context.screenshot(page, 'empty-name-refused');
        const after = await recordCount(target.urls.records);
        if (after !== before) throw new Error(`the record count moved from ${before} to ${after} although the empty name was refused (or someone else wrote meanwhile)`);
      },
    },
    {
      name: 'the records API refuses invalid records with 400 and stores none',
      async run() {
        const before = await recordCount(target.urls.records);
        const invalid = [{ name: '' }, { name: 'x'.repeat(201) }, { title: 'no name' }, { name: 42 }];
        for (const body of invalid) {
          const answer = await call(target.urls.records, '/records', { method: 'POST', json: body });
          if (answer.status !== 400) throw new Error(`POST ${answer.url} ${JSON.stringify(body).slice(0, 60)} answered ${answer.status}, not 400: ${preview(answer.body)}`);
        }
        const after = await recordCount(target.urls.records);
        if (after !== before) throw new Error(`the record count moved from ${before} to ${after} although every record was refused (or someone else wrote meanwhile)`);
      },
    },
  ],
};
