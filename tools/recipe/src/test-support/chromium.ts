// The Chromium the browser tests drive: CHROMIUM_PATH when set, else the usual install locations.
import { existsSync } from 'node:fs';

const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist: point it at a Chromium or Chrome binary`);
    return given;
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error('no Chromium found for the browser tests: install it (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to its binary');
  }
  return found;
}
