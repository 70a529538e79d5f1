import { describe, expect, it } from 'vitest';
import { findChromium, installHint } from './browser.ts';
import { UsageError } from './target.ts';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH, then PLAYWRIGHT_CHROMIUM_EXECUTABLE, before the usual paths', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath }, ['/nonexistent'])).toBe(process.execPath);
    expect(findChromium({ CHROMIUM_PATH: '', PLAYWRIGHT_CHROMIUM_EXECUTABLE: process.execPath }, ['/nonexistent'])).toBe(process.execPath);
  });

  it('falls back to the first usual path that exists', () => {
    expect(findChromium({}, ['/nonexistent/chromium', process.execPath])).toBe(process.execPath);
  });

  it('says how to install Chromium when there is none', () => {
    let error: unknown;
    try {
      findChromium({}, ['/nonexistent/chromium']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('no Chromium found for the browser suites (looked at CHROMIUM_PATH, PLAYWRIGHT_CHROMIUM_EXECUTABLE and /nonexistent/chromium)');
    expect((error as UsageError).hint).toBe(installHint);
    expect(installHint).toContain('apt-get install -y chromium');
    expect(installHint).toContain('brew install --cask chromium');
  });
});
