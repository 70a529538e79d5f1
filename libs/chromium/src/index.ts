// The one lookup of the Chromium that playwright-core drives (it ships no browser): the executable
// named by CHROMIUM_PATH or PLAYWRIGHT_CHROMIUM_EXECUTABLE, else the usual install paths. Callers
// turn a miss into their own error type; the words of the hint are shared.
import { existsSync } from 'node:fs';

export const chromiumVariables = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE'] as const;

export const knownChromiumPaths: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const chromiumInstallHint =
  'install Chromium (Debian/Ubuntu: apt-get install -y chromium; Fedora: dnf install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable';

export type ChromiumLookup =
  | { found: string }
  /** A variable names a file that does not exist: said, never skipped over. */
  | { badVariable: { name: string; value: string } }
  /** Nothing anywhere; `lookedAt` lists the variables and the paths tried. */
  | { lookedAt: string };

export function lookUpChromium(env: NodeJS.ProcessEnv, paths: readonly string[] = knownChromiumPaths): ChromiumLookup {
  for (const name of chromiumVariables) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    return existsSync(value) ? { found: value } : { badVariable: { name, value } };
  }
  const found = paths.find((path) => existsSync(path));
  return found ? { found } : { lookedAt: `${chromiumVariables.join(', ')} and ${paths.join(', ')}` };
}
