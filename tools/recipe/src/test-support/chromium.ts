// The Chromium the board's browser test drives, found by @platform/chromium (shared with web's
// browser test and the post-deploy suites).
import { chromiumInstallHint, lookUpChromium } from '@platform/chromium';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const lookup = lookUpChromium(env);
  if ('found' in lookup) return lookup.found;
  if ('badVariable' in lookup) throw new Error(`${lookup.badVariable.name}=${lookup.badVariable.value} does not exist: point it at a Chromium or Chrome binary`);
  throw new Error(`no Chromium found for the browser tests (looked at ${lookup.lookedAt}): ${chromiumInstallHint}`);
}
