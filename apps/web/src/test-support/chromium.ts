// The Chromium the browser test drives through playwright-core (which ships no browser): the one named
// by CHROMIUM_PATH or PLAYWRIGHT_CHROMIUM_EXECUTABLE, else the usual install paths on Linux and macOS.
// The same lookup as apps/platform-e2e/src/browser.ts, which this app cannot import (e2e depends on web).
import { existsSync } from 'node:fs';

const variables = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE'] as const;

const knownPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

const installHint =
  'install Chromium (Debian/Ubuntu: apt-get install -y chromium; Fedora: dnf install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable';

/** The Chromium executable to drive; an error saying how to install one when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, paths: readonly string[] = knownPaths): string {
  for (const variable of variables) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    if (!existsSync(value)) throw new Error(`${variable}=${value}: no such file; point it at a Chromium executable, or unset it to look in the usual places`);
    return value;
  }
  const found = paths.find((path) => existsSync(path));
  if (!found) throw new Error(`no Chromium for the browser test (looked at ${variables.join(', ')} and ${paths.join(', ')}): ${installHint}`);
  return found;
}
