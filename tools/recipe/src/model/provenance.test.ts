import { describe, expect, it } from 'vitest';
import { evaluateGates } from './gates.ts';
import { latestRun, recipeCombination, verificationIssues, type GitFacts, type RecipeRevision } from './provenance.ts';
import { newSnapshot, type Snapshot, type Verification } from './snapshot.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const R1 = '1'.repeat(40);
const R2 = '2'.repeat(40);
const R3 = '3'.repeat(40);
const hour = 3_600_000;
const t0 = Date.parse('2026-11-20T10:00:00Z');

function verification(overrides: Partial<Verification> = {}): Verification {
  return { environment: 'staging', at: '2026-11-20T12:00:00Z', recipeCommit: R2, verified: true, skipReason: null, cluster: { context: 'staging', services: {} }, checks: { e2e: 'passed' }, evidence: [], ...overrides };
}
function snapshotOf(...verifications: Verification[]): Snapshot {
  return { ...newSnapshot({ services: { records: { commit: A, image: 'ghcr.io/acme/records' } }, verification: verifications[0]! }), verifications };
}
// Newest first: R3 moved staging to B, R2 made it run A, R1 ran B before.
const history: RecipeRevision[] = [
  { commit: R3, time: t0 + 30 * hour, services: { records: B } },
  { commit: R2, time: t0, services: { records: A } },
  { commit: R1, time: t0 - 48 * hour, services: { records: B } },
];
const facts: GitFacts = { baseBranch: 'main', histories: { staging: history.slice(1) }, commits: { [R2]: { time: t0, recipes: { staging: { records: A } } }, [R1]: { time: t0 - 48 * hour, recipes: { staging: { records: B } } } } };

describe('recipeCombination', () => {
  it('reads service -> commit from a recipe, and nothing from text that is not one', () => {
    expect(recipeCombination(`---\nenvironment: staging\nservices:\n  records:\n    commit: ${A}   # note\n`)).toEqual({ records: A });
    expect(recipeCombination('services: [')).toBeUndefined();
    expect(recipeCombination('services:\n  records: {}\n')).toBeUndefined();
  });
});

describe('latestRun', () => {
  it('finds the revision that started the latest unbroken run, and the one that ended it', () => {
    expect(latestRun(history, snapshotOf(verification()))).toEqual({ since: history[1], until: history[0] });
    expect(latestRun(history.slice(1), snapshotOf(verification()))).toEqual({ since: history[1] });
  });

  it('keeps a run going through revisions that did not change the services', () => {
    const withComment = [{ commit: 'c'.repeat(40), time: t0 + hour, services: { records: A } }, ...history.slice(1)];
    expect(latestRun(withComment, snapshotOf(verification()))?.since.commit).toBe(R2);
  });

  it('finds nothing when the combination never ran', () => {
    expect(latestRun([history[0]!], snapshotOf(verification()))).toBeUndefined();
  });
});

describe('verificationIssues', () => {
  it('finds nothing in an honest snapshot', () => {
    expect(verificationIssues(snapshotOf(verification()), facts)).toEqual([]);
  });

  it('names a backdated verification, one out of order, a missing commit and a commit that ran something else', () => {
    const backdated = snapshotOf(verification({ at: '2026-11-19T10:00:00Z' }));
    expect(verificationIssues(backdated, facts).map((i) => [i.index, i.field, i.message])).toEqual([[0, 'at', `verified at 2026-11-19T10:00:00Z, before its releases commit 2222222 was made (2026-11-20T10:00:00Z)`]]);
    const unordered = snapshotOf(verification(), verification({ at: '2026-11-21T10:00:00Z' }), verification({ at: '2026-11-20T13:00:00Z' }));
    expect(verificationIssues(unordered, facts).map((i) => [i.index, i.field])).toEqual([[2, 'at']]);
    const missing = snapshotOf(verification(), verification({ at: '2026-11-21T10:00:00Z', recipeCommit: 'f'.repeat(40) }));
    expect(verificationIssues(missing, facts).map((i) => i.message)).toEqual([`releases commit ${'f'.repeat(40)} does not exist in this repository`]);
    const elsewhere = snapshotOf(verification(), verification({ at: '2026-11-21T10:00:00Z', recipeCommit: R1 }));
    expect(verificationIssues(elsewhere, facts).map((i) => i.message)).toEqual([`at releases commit 1111111, staging ran records=bbbbbbb, not this snapshot's records=aaaaaaa`]);
  });
});

describe('gates with git facts', () => {
  const prod = { name: 'prod', from: 'staging', gates: { verified: true, soak: '24h', evidence: ['e2e'] } };

  it('measures the soak from the revision that made staging run it, whatever the verification says', () => {
    const now = new Date(t0 + 10 * hour);
    const honest = evaluateGates(prod, snapshotOf(verification()), now, facts);
    expect(honest.soakedMs).toBe(10 * hour);
    expect(honest.unmet).toEqual(['soak 24h: soaked 10h in staging (measured from git) since releases commit 2222222 made staging run it on main at 2026-11-20T10:00:00Z; ready at 2026-11-21T10:00:00Z']);
    expect(evaluateGates(prod, snapshotOf(verification()), new Date(t0 + 25 * hour), facts).unmet).toEqual([]);
  });

  it('does not count a verification that disagrees with git', () => {
    const forged = snapshotOf(verification({ at: '2026-11-17T10:00:00Z' }));
    const result = evaluateGates(prod, forged, new Date(t0 + 25 * hour), facts);
    expect(result.unmet).toHaveLength(2);
    expect(result.unmet[0]).toMatch(/^from staging: no record of snapshot [0-9a-f]{12} in staging agrees with git \(verifications\[0\]\.at: verified at 2026-11-17T10:00:00Z, before its releases commit 2222222 was made/);
    expect(result.unmet[1]).toMatch(/^evidence e2e: no "e2e" check/);
  });
});
