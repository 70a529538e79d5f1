import { describe, expect, it } from 'vitest';
import { pollDelay } from './backoff.ts';

describe('pollDelay', () => {
  it('doubles from the first delay up to the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 60].map((poll) => pollDelay(poll, Infinity))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('never sleeps past the deadline', () => {
    expect(pollDelay(5, 2500)).toBe(2500);
    expect(pollDelay(1, -10)).toBe(0);
  });

  it('takes another schedule', () => {
    expect([1, 2, 3].map((poll) => pollDelay(poll, Infinity, { initialMs: 10, maxMs: 25 }))).toEqual([10, 20, 25]);
  });
});
