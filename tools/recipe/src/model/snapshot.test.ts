import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  appendVerification,
  canonicalCombination,
  latestVerification,
  newSnapshot,
  parseSnapshot,
  snapshotFileName,
  snapshotId,
  snapshotsOf,
  snapshotToYaml,
  validateSnapshotFile,
  type Verification,
} from './snapshot.ts';

const RECORDS = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const WEB = '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6';
const services = {
  records: { commit: RECORDS, version: '1.4.0', image: 'ghcr.io/acme/platform/records' },
  web: { commit: WEB, version: '2.0.1', image: 'ghcr.io/acme/platform/web' },
};

function verification(overrides: Partial<Verification> = {}): Verification {
  return {
    environment: 'staging',
    at: '2026-11-22T10:00:00Z',
    recipeCommit: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d',
    verified: true,
    skipReason: null,
    cluster: {
      context: 'staging',
      services: {
        records: { replicas: { desired: 2, ready: 2 }, images: [`ghcr.io/acme/platform/records:${RECORDS}`], helmRelease: { ready: true, revision: '1.4.0+1a2b3c4d5e6f', generation: 3 } },
        web: { replicas: { desired: 1, ready: 1 }, images: [`ghcr.io/acme/platform/web:${WEB}`], helmRelease: { ready: true, revision: '2.0.1+0f1e2d3c4b5a', generation: 1 } },
      },
    },
    checks: { e2e: 'https://ci.example.com/runs/123' },
    evidence: [{ file: 'e2e-report.json', sha256: 'a'.repeat(64) }],
    ...overrides,
  };
}

const snapshot = newSnapshot({ services, verification: verification() });
const text = snapshotToYaml(snapshot);
const file = `releases/snapshots/${snapshotFileName(snapshot.id)}`;

describe('snapshotId', () => {
  test('hashes one sorted "<service>=<image>:<commit>" line per service, each ending in a newline', () => {
    expect(canonicalCombination(services)).toBe(`records=ghcr.io/acme/platform/records:${RECORDS}\nweb=ghcr.io/acme/platform/web:${WEB}\n`);
    expect(snapshotId(services)).toBe(createHash('sha256').update(canonicalCombination(services)).digest('hex'));
  });

  test('is stable across runs: the same combination always has this id', () => {
    // Pinned: a change here would orphan every snapshot ever written.
    expect(snapshotId(services)).toBe('7cd7d8400561e1cc9d612be73073e1da0e13e15680d44a663f6d7ef2568cadd9');
    expect(snapshotId(structuredClone(services))).toBe(snapshotId(services));
  });

  test('does not depend on the order of the services in the file, nor on versions', () => {
    const reversed = { web: { ...services.web, version: '9.9.9' }, records: services.records };
    expect(snapshotId(reversed)).toBe(snapshotId(services));
    const yamlReversed = text.replace(/ {2}records:\n(?: {4}.*\n){3}( {2}web:\n(?: {4}.*\n){3})/, (_all, webBlock: string) => `${webBlock}  records:\n    commit: ${RECORDS}\n    version: 1.4.0\n    image: ghcr.io/acme/platform/records\n`);
    expect(yamlReversed.indexOf('  web:')).toBeLessThan(yamlReversed.indexOf('  records:'));
    expect(validateSnapshotFile(file, yamlReversed)).toEqual([]);
    expect(parseSnapshot(file, yamlReversed).id).toBe(snapshot.id);
  });

  test('changes with any change of a commit or an image', () => {
    const ids = new Set([snapshotId(services)]);
    for (const name of ['records', 'web'] as const) {
      const commit = services[name].commit;
      ids.add(snapshotId({ ...services, [name]: { ...services[name], commit: `${commit.slice(0, 39)}${commit.endsWith('0') ? '1' : '0'}` } }));
      ids.add(snapshotId({ ...services, [name]: { ...services[name], image: `${services[name].image}-next` } }));
    }
    ids.add(snapshotId({ records: services.records }));
    ids.add(snapshotId({ ...services, api: { commit: RECORDS, image: 'ghcr.io/acme/platform/api' } }));
    expect(ids.size).toBe(7);
  });

  test('names the file after the first 12 hex digits of the id', () => {
    expect(snapshotFileName(snapshot.id)).toBe(`${snapshot.id.slice(0, 12)}.yaml`);
  });
});

describe('snapshot files', () => {
  test('a new snapshot round-trips through its YAML and validates', () => {
    expect(text.startsWith('---\n')).toBe(true);
    expect(validateSnapshotFile(file, text)).toEqual([]);
    expect(parseSnapshot(file, text)).toEqual(snapshot);
    expect(snapshot.createdAt).toBe('2026-11-22T10:00:00Z');
  });

  test('a stored report round-trips with its check, verdict and counts; counts without a check or a check without counts are refused', () => {
    const report = { check: 'e2e', file: `releases/snapshots/evidence/${'c'.repeat(64)}.xml`, sha256: 'c'.repeat(64), status: 'failed' as const, tests: 3, failures: 1, errors: 0, skipped: 0 };
    const withReport = snapshotToYaml(newSnapshot({ services, verification: verification({ evidence: [report] }) }));
    expect(parseSnapshot(file, withReport).verifications[0]!.evidence).toEqual([report]);
    const noCounts = withReport.replace(/\n\s+tests: 3/, '');
    expect(validateSnapshotFile(file, noCounts).map((p) => p.message)).toEqual(['the report of check e2e lacks tests']);
    const noCheck = withReport.replace(/- check: e2e\n(\s+)file:/, '- file:');
    expect(validateSnapshotFile(file, noCheck).map((p) => p.message)).toEqual(['counts and status belong to the report of a check']);
  });

  test('a file whose services were edited no longer hashes to its id, and says where', () => {
    const edited = text.replace(WEB, 'b'.repeat(40));
    const problems = validateSnapshotFile(file, edited);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, line: 3, column: 5, field: 'id', exitCode: 2 });
    expect(problems[0]!.message).toBe(`content does not hash to the id: the services hash to ${snapshotId({ ...services, web: { ...services.web, commit: 'b'.repeat(40) } })}`);
  });

  test('a file not named after its id is rejected with the name to use', () => {
    const problems = validateSnapshotFile('releases/snapshots/latest.yaml', text);
    expect(problems.map((p) => p.message)).toEqual(['file name "latest.yaml" is not the id\'s first 12 hex digits']);
    expect(problems[0]!.hint).toBe(`rename the file to ${snapshotFileName(snapshot.id)}`);
  });

  test('every problem is listed at once, each with its line, column, field and fix', () => {
    const broken = text
      .replace('commit: 0f1e', 'commit: 0F1E')
      .replace('verified: true', 'verified: yes')
      .replace('at: 2026-11-22T10:00:00Z', 'at: yesterday');
    const problems = validateSnapshotFile('releases/snapshots/wrong.yaml', broken);
    expect(problems.map((p) => p.field)).toEqual(['services.web.commit', 'verifications[0].at', 'verifications[0].verified']);
    for (const problem of problems) {
      expect(problem.line).toBeGreaterThan(0);
      expect(problem.column).toBeGreaterThan(0);
      expect(problem.hint).toBeTruthy();
    }
    expect(problems[0]!.format()).toMatch(/^releases\/snapshots\/wrong\.yaml:\d+:13: services\.web\.commit: "0F1E[0-9a-f]+" must match pattern "\^\[0-9a-f\]\{40\}\$"\n {2}fix: expected a full 40-hex lowercase commit SHA/);
  });

  test('the id checks still run when only a verification is malformed', () => {
    const broken = text.replace('verified: true', 'verified: maybe');
    const problems = validateSnapshotFile('releases/snapshots/x.yaml', broken);
    expect(problems.map((p) => p.field)).toEqual(['verifications[0].verified', 'id']);
  });

  test('a YAML syntax error is reported at its line', () => {
    const problems = validateSnapshotFile(file, `${text}services: [\n`);
    expect(problems[0]!.message).toMatch(/^invalid YAML: /);
    expect(problems[0]!.line).toBeGreaterThan(20);
  });

  test('an unverified entry must give its reason, a verified one must record the cluster', () => {
    const skipped = snapshotToYaml(newSnapshot({ services, verification: verification({ verified: false, skipReason: '', cluster: undefined }) }));
    expect(validateSnapshotFile(file, skipped).map((p) => p.message)).toEqual(['an unverified entry must say why verification was skipped']);
    const noCluster = snapshotToYaml(newSnapshot({ services, verification: verification({ cluster: undefined }) }));
    expect(validateSnapshotFile(file, noCluster).map((p) => p.field)).toEqual(['verifications[0].cluster']);
  });

  test('a time that matches the pattern but is not a real date is rejected', () => {
    expect(validateSnapshotFile(file, text.replace('createdAt: 2026-11-22T10:00:00Z', 'createdAt: 2026-13-45T10:00:00Z')).map((p) => p.message)).toEqual(['"2026-13-45T10:00:00Z" is not a real time']);
  });

  test('an image with a tag is rejected: the tag is the commit', () => {
    const tagged = text.replace('image: ghcr.io/acme/platform/web\n', 'image: ghcr.io/acme/platform/web:latest\n');
    expect(validateSnapshotFile(file, tagged)[0]).toMatchObject({ field: 'services.web.image' });
  });
});

describe('appendVerification', () => {
  test('keeps every existing byte and adds the new entry at the end', () => {
    const next = appendVerification(file, text, verification({ environment: 'prod', at: '2026-11-23T10:00:00Z', checks: {}, evidence: [] }), services);
    expect(next.startsWith(text.trimEnd())).toBe(true);
    const parsed = parseSnapshot(file, next);
    expect(parsed.services).toEqual(snapshot.services);
    expect(parsed.verifications.map((v) => v.environment)).toEqual(['staging', 'prod']);
    expect(parsed.createdAt).toBe(snapshot.createdAt);
  });

  test('refuses to add to a snapshot of another combination', () => {
    expect(() => appendVerification(file, text, verification(), { ...services, web: { ...services.web, commit: 'c'.repeat(40) } })).toThrow(/records another combination/);
  });

  test('refuses to add to an invalid file', () => {
    expect(() => appendVerification(file, text.replace(WEB, 'd'.repeat(40)), verification())).toThrow(/does not hash to the id/);
  });
});

describe('choosing snapshots', () => {
  const older = newSnapshot({ services, verification: verification({ at: '2026-11-20T10:00:00Z' }) });
  const other = newSnapshot({ services: { records: services.records }, verification: verification({ at: '2026-11-21T10:00:00Z' }) });
  const skipped = newSnapshot({ services: { web: services.web }, verification: verification({ at: '2026-11-22T12:00:00Z', verified: false, skipReason: 'cluster down', cluster: undefined }) });

  test('snapshotsOf lists an environment\'s snapshots newest verification first, optionally only verified ones', () => {
    expect(snapshotsOf([older, other, skipped], 'staging').map((s) => s.id)).toEqual([skipped.id, other.id, older.id]);
    expect(snapshotsOf([older, other, skipped], 'staging', { verifiedOnly: true }).map((s) => s.id)).toEqual([other.id, older.id]);
    expect(snapshotsOf([older, other, skipped], 'prod')).toEqual([]);
  });

  test('latestVerification picks the newest entry of the environment', () => {
    const twice = parseSnapshot(file, appendVerification(file, text, verification({ at: '2026-11-24T00:00:00Z', recipeCommit: 'f'.repeat(40) })));
    expect(latestVerification(twice, 'staging')?.recipeCommit).toBe('f'.repeat(40));
  });
});
