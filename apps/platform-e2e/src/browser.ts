// The real Chromium the browser suites drive through playwright-core (which ships no browser):
// the one named by CHROMIUM_PATH or PLAYWRIGHT_CHROMIUM_EXECUTABLE, else the usual install paths.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { UsageError } from './target.ts';

const variables = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE'] as const;

const knownPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const installHint =
  'install Chromium (Debian/Ubuntu: apt-get install -y chromium; Fedora: dnf install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable';

/** The Chromium executable to drive; a usage error saying how to install one when there is none. */
export function findChromium(env: NodeJS.ProcessEnv, paths: readonly string[] = knownPaths): string {
  for (const variable of variables) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    if (!existsSync(value)) throw new UsageError(`${variable}=${value}: no such file`, `point ${variable} at a Chromium executable, or unset it to look in the usual places`);
    return value;
  }
  const found = paths.find((path) => existsSync(path));
  if (!found) throw new UsageError(`no Chromium found for the browser suites (looked at ${variables.join(', ')} and ${paths.join(', ')})`, installHint);
  return found;
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
