// The real Chromium the browser suites drive through playwright-core (which ships no browser),
// found by @platform/chromium, and a throwaway profile to run it with.
import { chromiumInstallHint, lookUpChromium } from '@platform/chromium';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { UsageError } from './target.ts';

export const installHint = chromiumInstallHint;

/** The Chromium executable to drive; a usage error saying how to install one when there is none. */
export function findChromium(env: NodeJS.ProcessEnv, paths?: readonly string[]): string {
  const lookup = lookUpChromium(env, paths);
  if ('found' in lookup) return lookup.found;
  if ('badVariable' in lookup) {
    const { name, value } = lookup.badVariable;
    throw new UsageError(`${name}=${value}: no such file`, `point ${name} at a Chromium executable, or unset it to look in the usual places`);
  }
  throw new UsageError(`no Chromium found for the browser suites (looked at ${lookup.lookedAt})`, installHint);
}

export interface RunningBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(executablePath: string): Promise<RunningBrowser> {
  // A throwaway profile: no state from an earlier run, nothing left behind.
  const userDataDir = await mkdtemp(join(tmpdir(), 'platform-e2e-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1024, height: 900 },
    });
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
