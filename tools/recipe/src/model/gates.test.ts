import { describe, expect, it } from 'vitest';
import { chooseSnapshot, evaluateGates, formatDuration, parseDuration, type GateTarget } from './gates.ts';
import { newSnapshot, type Snapshot, type Verification } from './snapshot.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function verification(overrides: Partial<Verification> = {}): Verification {
  return {
    environment: 'staging',
    at: '2026-11-20T10:00:00Z',
    recipeCommit: C,
    verified: true,
    skipReason: null,
    cluster: { context: 'staging', services: {} },
    checks: {},
    evidence: [],
    ...overrides,
  };
}

function snapshot(commit: string, ...verifications: Verification[]): Snapshot {
  const s = newSnapshot({ services: { records: { commit, image: 'ghcr.io/acme/records' } }, verification: verifications[0]! });
  return { ...s, verifications };
}

const prod: GateTarget = { name: 'prod', from: 'staging', gates: { verified: true, soak: '24h', evidence: ['e2e'] } };
const now = new Date('2026-11-22T10:00:00Z');

describe('durations', () => {
  it('parses seconds, minutes, hours and days', () => {
    expect([parseDuration('90s'), parseDuration('30m'), parseDuration('24h'), parseDuration('7d'), parseDuration('1.5h')]).toEqual([90_000, 1_800_000, 86_400_000, 604_800_000, 5_400_000]);
  });

  it('rejects a duration without a unit', () => {
    expect(parseDuration('24')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('formats a duration with its two largest units', () => {
    expect(formatDuration(26 * 3_600_000 + 3 * 60_000 + 5000)).toBe('1d 2h');
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000)).toBe('3h 12m');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('evaluateGates', () => {
  it('passes a verified, soaked snapshot of the previous environment with the named evidence', () => {
    const result = evaluateGates(prod, snapshot(A, verification({ checks: { e2e: 'https://ci/runs/1' } })), now);
    expect(result.unmet).toEqual([]);
    expect(result.soakedMs).toBe(48 * 3_600_000);
  });

  it('refuses a snapshot that was never recorded in the previous environment', () => {
    const result = evaluateGates(prod, snapshot(A, verification({ environment: 'dev' })), now);
    expect(result.unmet).toHaveLength(1);
    expect(result.unmet[0]).toMatch(/^from staging: .* never recorded in staging \(only in dev\)/);
  });

  it('lists every unmet gate of a skipped, fresh snapshot without evidence', () => {
    const fresh = verification({ at: '2026-11-22T09:00:00Z', verified: false, skipReason: 'no cluster yet', cluster: undefined });
    const result = evaluateGates(prod, snapshot(A, fresh), now);
    expect(result.unmet.map((u) => u.split(':')[0])).toEqual(['verified', 'soak 24h', 'evidence e2e']);
    expect(result.unmet[0]).toContain('"no cluster yet"');
  });

  it('says how long a snapshot soaked and when it will be ready', () => {
    const result = evaluateGates({ ...prod, gates: { soak: '24h' } }, snapshot(A, verification({ at: '2026-11-22T07:00:00Z' })), now);
    expect(result.unmet).toEqual(['soak 24h: soaked 3h in staging since 2026-11-22T07:00:00Z; ready at 2026-11-23T07:00:00Z']);
  });

  it('measures the soak from the first verification that counts', () => {
    const result = evaluateGates({ ...prod, gates: { soak: '24h' } }, snapshot(A, verification({ at: '2026-11-20T10:00:00Z' }), verification({ at: '2026-11-22T09:00:00Z' })), now);
    expect(result.unmet).toEqual([]);
    expect(result.verification?.at).toBe('2026-11-22T09:00:00Z');
  });

  it('accepts a skipped verification where the environment does not ask for verification', () => {
    const result = evaluateGates({ name: 'staging', from: 'dev' }, snapshot(A, verification({ environment: 'dev', verified: false, skipReason: 'kind cluster', cluster: undefined })), now);
    expect(result.unmet).toEqual([]);
  });

  it('refuses a snapshot whose e2e report failed, naming the check and the report', () => {
    const report = { check: 'e2e', file: `releases/snapshots/evidence/${'f'.repeat(64)}.xml`, sha256: 'f'.repeat(64), status: 'failed' as const, tests: 5, failures: 1, errors: 1, skipped: 0 };
    const result = evaluateGates(prod, snapshot(A, verification({ checks: { e2e: 'https://ci/runs/9' }, evidence: [report] })), now);
    expect(result.unmet).toEqual([expect.stringMatching(/^evidence e2e: the "e2e" check of snapshot [0-9a-f]{12} in staging failed \(report releases\/snapshots\/evidence\/f{64}\.xml: 1 failed, 1 errored of 5 tests\)/)]);
  });

  it('counts a check recorded with a failing status as failed, and the newest run of a check decides', () => {
    expect(evaluateGates(prod, snapshot(A, verification({ checks: { e2e: 'failed' } })), now).unmet).toEqual([expect.stringContaining('recorded as "failed"')]);
    const fixed = snapshot(A, verification({ checks: { e2e: 'failed' } }), verification({ at: '2026-11-21T10:00:00Z', checks: { e2e: 'passed' } }));
    expect(evaluateGates(prod, fixed, now).unmet).toEqual([]);
    const regressed = snapshot(A, verification({ checks: { e2e: 'passed' } }), verification({ at: '2026-11-21T10:00:00Z', checks: { e2e: 'error' } }));
    expect(evaluateGates(prod, regressed, now).unmet).toHaveLength(1);
  });

  it('rejects a soak that is not a duration, naming the field', () => {
    expect(() => evaluateGates({ ...prod, gates: { soak: 'a day' } }, snapshot(A, verification()), now)).toThrow(/soak "a day" is not a duration/);
  });
});

describe('chooseSnapshot', () => {
  const old = snapshot(A, verification({ at: '2026-11-19T10:00:00Z', checks: { e2e: 'passed' } }));
  const newer = snapshot(B, verification({ at: '2026-11-22T08:00:00Z', checks: { e2e: 'passed' } }));

  it('takes the newest snapshot of the previous environment whose gates hold', () => {
    expect(chooseSnapshot(prod, [newer, old], now).snapshot.id).toBe(old.id);
    expect(chooseSnapshot({ ...prod, gates: {} }, [old, newer], now).snapshot.id).toBe(newer.id);
  });

  it('returns the newest snapshot with what it misses when none passes', () => {
    const result = chooseSnapshot(prod, [newer], now);
    expect(result.snapshot.id).toBe(newer.id);
    expect(result.unmet[0]).toMatch(/^soak/);
  });

  it('finds a snapshot by a prefix of its id', () => {
    expect(chooseSnapshot(prod, [old, newer], now, newer.id.slice(0, 12)).snapshot.id).toBe(newer.id);
  });

  it('refuses an id that matches no snapshot', () => {
    expect(() => chooseSnapshot(prod, [old], now, 'deadbeef00')).toThrow(/no snapshot deadbeef00/);
  });

  it('refuses when the previous environment has no snapshot at all, with exit 1', () => {
    expect(() => chooseSnapshot(prod, [snapshot(A, verification({ environment: 'dev' }))], now)).toThrow(expect.objectContaining({ message: 'no snapshot of staging to promote to prod', exitCode: 1 }));
  });
});
