import { describe, expect, it } from 'vitest';
import { lookUpChromium } from './index.ts';

describe('lookUpChromium', () => {
  it('takes CHROMIUM_PATH, then PLAYWRIGHT_CHROMIUM_EXECUTABLE, before the usual paths', () => {
    expect(lookUpChromium({ CHROMIUM_PATH: process.execPath }, ['/nowhere'])).toEqual({ found: process.execPath });
    expect(lookUpChromium({ CHROMIUM_PATH: '', PLAYWRIGHT_CHROMIUM_EXECUTABLE: process.execPath }, ['/nowhere'])).toEqual({ found: process.execPath });
  });

  it('names a variable that points at nothing instead of looking elsewhere', () => {
    expect(lookUpChromium({ CHROMIUM_PATH: '/nonexistent/chromium' }, [process.execPath])).toEqual({ badVariable: { name: 'CHROMIUM_PATH', value: '/nonexistent/chromium' } });
  });

  it('falls back to the first usual path that exists, and says where it looked when none does', () => {
    expect(lookUpChromium({}, ['/nowhere/chromium', process.execPath])).toEqual({ found: process.execPath });
    expect(lookUpChromium({}, ['/nowhere/chromium'])).toEqual({ lookedAt: 'CHROMIUM_PATH, PLAYWRIGHT_CHROMIUM_EXECUTABLE and /nowhere/chromium' });
  });
});
