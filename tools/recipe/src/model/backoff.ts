// How long to wait between polls of something that is expected to converge (a rollout): doubling
// from a first delay up to a ceiling, never past the deadline. Pure; the caller sleeps.

export interface Backoff {
  /** The delay after the first poll. */
  initialMs: number;
  /** The longest delay between two polls. */
  maxMs: number;
}

/** `recipe verify --wait`: 1 s, 2 s, 4 s ... 30 s between polls. */
export const VERIFY_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };

/** The delay after poll number `poll` (1-based), bounded by the ceiling and by what is left of the wait. */
export function pollDelay(poll: number, remainingMs: number, backoff: Backoff = VERIFY_BACKOFF): number {
  const doubled = backoff.initialMs * 2 ** Math.min(poll - 1, 30);
  return Math.max(0, Math.min(doubled, backoff.maxMs, remainingMs));
}
