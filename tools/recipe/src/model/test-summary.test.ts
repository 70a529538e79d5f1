import { describe, expect, it } from 'vitest';
import { parseTestSummary, summaryMismatches } from './test-summary.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const services = { records: { commit: A }, web: { commit: B } };

describe('test summaries', () => {
  it('reads versions given as commits, as { commit, version } or as a list', () => {
    expect(parseTestSummary('s.json', JSON.stringify({ environment: 'dev', versions: { records: A, web: { commit: B, version: '2.0.0' } } }))).toEqual({
      environment: 'dev',
      versions: [{ deployable: 'records', commit: A }, { deployable: 'web', commit: B }],
    });
    expect(parseTestSummary('s.json', JSON.stringify({ versions: [{ name: 'records', commit: A }] })).versions).toEqual([{ deployable: 'records', commit: A }]);
  });

  it('finds nothing wrong when the run saw the recorded commits (a short SHA is the same commit)', () => {
    expect(summaryMismatches({ environment: 'dev', versions: [{ deployable: 'records', commit: A.slice(0, 7) }, { deployable: 'web', commit: B }] }, 'dev', services)).toEqual([]);
  });

  it('names another environment, another commit and an unknown deployable', () => {
    const mismatches = summaryMismatches({ environment: 'staging', versions: [{ deployable: 'records', commit: B }, { deployable: 'billing', commit: A }] }, 'dev', services);
    expect(mismatches).toEqual([`it ran against staging, not dev`, `it saw records at ${B}, the snapshot records ${A}`, `it saw billing at ${A}, a service dev's recipe does not list`]);
  });

  it('refuses a summary that is not JSON or names a version without a commit', () => {
    expect(() => parseTestSummary('out/summary.json', '{ nope')).toThrow(expect.objectContaining({ file: 'out/summary.json', message: expect.stringMatching(/^is not JSON/) }));
    expect(() => parseTestSummary('out/summary.json', '{"versions":{"web":{"version":"1.0.0"}}}')).toThrow(expect.objectContaining({ field: 'versions.web' }));
  });
});
