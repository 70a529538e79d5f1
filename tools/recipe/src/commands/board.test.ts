import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFixtureRepo, renderFixture, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';
import { findChromium } from '../test-support/chromium.ts';
import { junitReport } from '../test-support/junit-reports.ts';

let repo: FixtureRepo;
let out: string;
let browser: Browser;
const artifacts = path.join(process.env.ARTIFACTS_DIR ?? path.join(import.meta.dirname, '../../.artifacts'), 'board');

function write(file: string, text: string) {
  mkdirSync(path.dirname(path.join(repo.root, file)), { recursive: true });
  writeFileSync(path.join(repo.root, file), text);
}

function commitAll(message: string) {
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', message]);
}

const recipeText = (env: string, records: string, web: string, extra = '') => `---
environment: ${env}
${extra}services:
  records:
    commit: ${records}
    version: 1.0.${records.charCodeAt(0) % 10}
  web:
    commit: ${web}
`;

/**
 * The fixture's three environments plus a fan-out (prod-eu, also promoted from staging), a dev
 * snapshot with passed evidence, a staging snapshot with failed evidence, an override in staging,
 * a hold on prod-eu and a rollback in prod.
 */
async function scenario() {
  const { records, web } = repo.commits;
  const environments = readFileSync(path.join(repo.root, 'releases/environments.yaml'), 'utf8').replace(
    /services:\n {2}records:/,
    `  - name: prod-eu\n    namespace: platform-prod-eu\n    context: prod-eu\n    from: staging\n    gates:\n      verified: true\n      evidence: [e2e]\nservices:\n  records:`,
  );
  write('releases/environments.yaml', environments);
  write('releases/prod-eu/recipe.yaml', recipeText('prod-eu', records[0]!, web[0]!));
  renderFixture(repo.root);
  commitAll('chore(releases): add prod-eu, promoted from staging');

  const reports = mkdtempSync(path.join(tmpdir(), 'recipe-board-reports-'));
  writeFileSync(path.join(reports, 'passed.xml'), junitReport());
  writeFileSync(path.join(reports, 'failed.xml'), junitReport({ failing: ['health: records answers /readyz'] }));
  const snapshotDev = await runRecipe(repo.root, ['snapshot', 'dev', '--skip-verify', 'no dev cluster in the test', '--evidence', `e2e=${path.join(reports, 'passed.xml')}`, '--commit']);
  expect(snapshotDev.stderr).toBe('');
  expect(snapshotDev.code).toBe(0);
  const devSnapshot = / as ([0-9a-f]{12})/.exec(repo.git(['log', '-1', '--format=%s']))![1]!;

  write('releases/staging/recipe.yaml', recipeText('staging', records[3]!, web[1]!, 'override: "hotfix for INC-7, dev evidence accepted by the on-call"\n'));
  renderFixture(repo.root);
  commitAll(`promote(staging): dev snapshot ${devSnapshot}: records ${records[1]!.slice(0, 7)} -> ${records[3]!.slice(0, 7)} (#41)`);
  expect((await runRecipe(repo.root, ['snapshot', 'staging', '--skip-verify', 'no staging cluster in the test', '--evidence', `e2e=${path.join(reports, 'failed.xml')}`, '--commit'])).code).toBe(0);
  rmSync(reports, { recursive: true, force: true });

  write('releases/prod/recipe.yaml', recipeText('prod', records[1]!, web[0]!));
  renderFixture(repo.root);
  commitAll(`promote(prod): staging: records ${records[0]!.slice(0, 7)} -> ${records[1]!.slice(0, 7)} (#42)`);
  write('releases/prod/recipe.yaml', recipeText('prod', records[0]!, web[0]!));
  renderFixture(repo.root);
  commitAll(`rollback(prod): to ${records[0]!.slice(0, 7)}: records ${records[1]!.slice(0, 7)} -> ${records[0]!.slice(0, 7)} (#43)`);

  expect((await runRecipe(repo.root, ['hold', 'prod-eu', '--reason', 'EU freeze until the audit ends', '--commit'])).code).toBe(0);
}

beforeAll(async () => {
  repo = createFixtureRepo();
  await scenario();
  out = mkdtempSync(path.join(tmpdir(), 'recipe-board-'));
  browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  repo?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('recipe board', () => {
  test('renders the repository into a folder and says what it wrote', async () => {
    const { code, stdout, stderr } = await runRecipe(repo.root, ['board', '--out', path.join(out, 'site')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/wrote .*site\/index\.html in \d+ ms: 4 environments, 2 services, 1 snapshot$/m);
    for (const file of ['index.html', 'board.css', 'board.js']) expect(existsSync(path.join(out, 'site', file))).toBe(true);
  });

  test('a person sees the readiness of each promotion, the hold, the override, the behind counts and the rollback', async () => {
    await runRecipe(repo.root, ['board', '--out', path.join(out, 'site')]);
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(path.join(out, 'site', 'index.html')).href);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'board.png'), fullPage: true });

    // Nothing is loaded from outside the folder.
    const folder = pathToFileURL(path.join(out, 'site')).href;
    expect(requests.filter((url) => !url.startsWith(folder))).toEqual([]);

    const readiness = async (env: string) => (await page.locator(`#env-${env} .readiness-text`).textContent())?.trim();
    // staging runs the override, its dev snapshot has no verification: the "verified" gate is unmet.
    expect(await readiness('staging')).toBe('needs a verified snapshot');
    // prod needs verified e2e evidence from staging; staging's was recorded as failed.
    expect(await readiness('prod')).toMatch(/^needs /);
    expect(await readiness('prod-eu')).toBe('held: EU freeze until the audit ends');
    expect(await page.locator('#env-dev .readiness').count()).toBe(0);

    await expect.poll(() => page.locator('#env-prod-eu h3 .badge-held').count()).toBe(1);
    expect(await page.locator('#env-staging h3 .badge-override').getAttribute('title')).toContain('INC-7');

    // records in prod runs records[0]; staging runs records[3]: three records commits behind.
    const prodRecords = page.locator('#matrix tr[data-service="records"] td').nth(2);
    expect(await prodRecords.locator('.behind').textContent()).toBe('3 behind staging');
    expect(await prodRecords.locator('.behind a').getAttribute('href')).toBe(`https://example.test/acme/platform/compare/${repo.commits.records[0]}...${repo.commits.records[3]}`);

    // Each check shows its result and links its stored report, which the site carries.
    await page.locator('#snapshots summary').first().click();
    expect(await page.locator('#snapshots .badge-failed').first().textContent()).toBe('e2e: failed');
    expect(await page.locator('#env-dev .checks li').textContent()).toContain('e2e: passed (2 tests, 0 failed, 0 skipped)');
    const report = await page.locator('#env-staging .checks a[aria-label="e2e report"]').getAttribute('href');
    expect(report).toMatch(/^evidence\/[0-9a-f]{64}\.xml$/);
    expect(readFileSync(path.join(out, 'site', report!), 'utf8')).toContain('GET /readyz answered 503');

    // The rollback is marked in prod's history, newest first.
    const prodHistory = page.locator('#history-prod + table tbody tr');
    expect(await prodHistory.first().locator('.badge').textContent()).toBe('rollback');
    expect(await prodHistory.first().textContent()).toContain('#43');
    await page.close();
  });

  test('the keyboard reaches the skip link first, then the sections, and the filter narrows the services', async () => {
    await runRecipe(repo.root, ['board', '--out', path.join(out, 'site')]);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(out, 'site', 'index.html')).href);
    const focused = async () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent?.trim() ?? '');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to the services matrix');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    expect(order).toEqual(['Environments', 'Services', 'Snapshots', 'History']);

    await page.locator('#service-filter').focus();
    await page.keyboard.type('web');
    expect(await page.locator('#matrix tbody tr:not([hidden])').count()).toBe(1);
    expect(await page.locator('#filter-count').textContent()).toBe('1 of 2 services');
    // Every form control has a label, every table a caption.
    expect(await page.locator('label[for="service-filter"]').count()).toBe(1);
    expect(await page.locator('table:not(:has(caption))').count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'board-filtered.png') });
    await page.close();
  });

  test('axe-core finds no WCAG 2 A or AA violation, contrast included', async () => {
    await runRecipe(repo.root, ['board', '--out', path.join(out, 'site')]);
    // The page's content security policy refuses injected scripts (as it should): axe runs with it bypassed.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(out, 'site', 'index.html')).href);
    // Injected as content, not loaded from a URL: the page itself still requests nothing outside its folder.
    await page.addScriptTag({ content: readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') });
    await page.locator('#snapshots summary').first().click();
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> } }).axe;
      const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });

  test('an unknown option or a bad --history is refused with exit 2 and writes nothing', async () => {
    const target = path.join(out, 'refused');
    const bad = await runRecipe(repo.root, ['board', '--out', target, '--history', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--history must be a positive whole number');
    expect(existsSync(target)).toBe(false);
  });

  test('--serve serves the site on localhost, re-renders it when releases/ changes, and stops on SIGTERM', async () => {
    const bin = path.join(import.meta.dirname, '../../bin/recipe.js');
    const child = spawn(process.execPath, [bin, 'board', '--serve', '--port', '0', '--out', path.join(out, 'served')], { cwd: repo.root, env: { ...process.env, RECIPE_ROOT: '' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1], { timeout: 30_000, interval: 100 }).toBeTruthy();
      const url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)![1]!;
      const first = await fetch(url);
      expect(first.status).toBe(200);
      expect(await first.text()).not.toContain('on call for the weekend');
      expect((await fetch(`${url}..%2f..%2f..%2fetc%2fpasswd`)).status).toBe(404);
      expect((await fetch(url, { method: 'POST' })).status).toBe(405);

      expect((await runRecipe(repo.root, ['hold', 'dev', '--reason', 'on call for the weekend'])).code).toBe(0);
      await expect.poll(async () => (await (await fetch(url)).text()).includes('on call for the weekend'), { timeout: 30_000, interval: 200 }).toBe(true);
      // The page is written before the line is printed: wait for the line too.
      await expect.poll(() => output, { timeout: 10_000, interval: 100 }).toMatch(/re-rendered in \d+ ms/);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      repo.git(['checkout', '-q', '--', 'releases']);
    }
  });
});
