import { describe, expect, it } from 'vitest';
import { findChromium } from './chromium.ts';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first when it names a file', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath }, ['/nowhere/chromium'])).toBe(process.execPath);
  });

  it('refuses a CHROMIUM_PATH that does not exist, naming it', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow('CHROMIUM_PATH=/nonexistent/chromium: no such file');
  });

  it('looks in the usual places, and says how to install Chromium when none has it', () => {
    expect(findChromium({}, ['/nowhere/chromium', process.execPath])).toBe(process.execPath);
    expect(() => findChromium({}, ['/nowhere/chromium'])).toThrow(/no Chromium for the browser test .*apt-get install -y chromium.*brew install --cask chromium/);
  });
});
