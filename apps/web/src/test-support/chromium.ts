// The Chromium the browser test drives, found by @platform/chromium (shared with the post-deploy
// suites and the releases board test).
import { chromiumInstallHint, lookUpChromium } from '@platform/chromium';

/** The Chromium executable to drive; an error saying how to install one when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, paths?: readonly string[]): string {
  const lookup = lookUpChromium(env, paths);
  if ('found' in lookup) return lookup.found;
  if ('badVariable' in lookup) {
    const { name, value } = lookup.badVariable;
    throw new Error(`${name}=${value}: no such file; point it at a Chromium executable, or unset it to look in the usual places`);
  }
  throw new Error(`no Chromium for the browser test (looked at ${lookup.lookedAt}): ${chromiumInstallHint}`);
}
