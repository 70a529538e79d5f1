// Runs suites of checks in order, times each one and keeps its outcome. A check fails by throwing;
// a check whose prerequisite failed is skipped, saying which. Nothing here knows what is tested.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { SuiteName } from './suites/catalogue.ts';
import type { Deployable, Target } from './target.ts';

export interface SeenVersion {
  version: string;
  commit: string;
  apiVersion?: number;
}

export interface CheckContext {
  target: Target;
  /** A new page in the shared browser; the runner screenshots it if the check fails, then closes it. */
  page(): Promise<Page>;
  /** Saves a full-page screenshot under screenshots/ and attaches it to the running check. */
  screenshot(page: Page, name: string): Promise<void>;
  /** What each deployable answered on /version, for the summary. */
  versions: Partial<Record<Deployable, SeenVersion>>;
  /** Values a suite's checks hand to later checks of the same suite (e.g. a count read earlier). */
  state: Map<string, unknown>;
}

export interface Check {
  name: string;
  /** Names of earlier checks of the same suite that must have passed. */
  requires?: string[];
  run(context: CheckContext): Promise<void>;
}

export interface Suite {
  name: SuiteName;
  checks(target: Target): Check[];
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  durationMs: number;
  /** Why it failed or was skipped. */
  message?: string;
  /** Paths relative to the output folder. */
  screenshots: string[];
}

export interface SuiteResult {
  name: SuiteName;
  startedAt: Date;
  durationMs: number;
  checks: CheckResult[];
}

export interface RunOptions {
  target: Target;
  /** Starts the browser on first use; null when no selected suite needs one. */
  browser: () => Promise<BrowserContext>;
  onResult?: (suite: SuiteName, result: CheckResult) => void;
}

export async function runSuites(suites: Suite[], options: RunOptions): Promise<{ results: SuiteResult[]; versions: CheckContext['versions'] }> {
  const { target } = options;
  const screenshotsDir = join(target.out, 'screenshots');
  const versions: CheckContext['versions'] = {};
  const results: SuiteResult[] = [];
  for (const suite of suites) {
    const startedAt = new Date();
    const state = new Map<string, unknown>();
    const checks: CheckResult[] = [];
    for (const check of suite.checks(target)) {
      const failed = (check.requires ?? []).filter((name) => checks.find((done) => done.name === name)?.status !== 'passed');
      if (failed.length) {
        const result: CheckResult = { name: check.name, status: 'skipped', durationMs: 0, message: `skipped: needs "${failed.join('", "')}", which did not pass`, screenshots: [] };
        checks.push(result);
        options.onResult?.(suite.name, result);
        continue;
      }
      const pages: Page[] = [];
      const screenshots: string[] = [];
      const shoot = async (page: Page, name: string) => {
        await mkdir(screenshotsDir, { recursive: true });
        const file = `screenshots/${suite.name}-${name}.png`;
        await page.screenshot({ path: join(target.out, file), fullPage: true });
        screenshots.push(file);
      };
      const context: CheckContext = {
        target,
        versions,
        state,
        page: async () => {
          const page = await (await options.browser()).newPage();
          pages.push(page);
          return page;
        },
        screenshot: shoot,
      };
      const started = performance.now();
      let result: CheckResult;
      try {
        await check.run(context);
        result = { name: check.name, status: 'passed', durationMs: performance.now() - started, screenshots };
      } catch (error) {
        const durationMs = performance.now() - started;
        // The page as the failing check left it is the first thing a person looks at.
        for (const [index, page] of pages.entries()) await shoot(page, `${slug(check.name)}-failed${index ? `-${index}` : ''}`).catch(() => undefined);
        result = { name: check.name, status: 'failed', durationMs, message: (error as Error).message ?? String(error), screenshots };
      }
      for (const page of pages) await page.close().catch(() => undefined);
      checks.push(result);
      options.onResult?.(suite.name, result);
    }
    results.push({ name: suite.name, startedAt, durationMs: Date.now() - startedAt.getTime(), checks });
  }
  return { results, versions };
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
