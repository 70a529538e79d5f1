import { describe, expect, test } from 'vitest';
import { clusterEvidence, buildReport, compareService, parseImage, rolloutProblems, type DeploymentState, type ServiceState } from './verification.ts';

const COMMIT = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const expected = { service: 'records', commit: COMMIT, image: 'ghcr.io/acme/platform/records', release: 'records' };

function rolledOut(overrides: Partial<DeploymentState> = {}): DeploymentState {
  return { name: 'records', generation: 2, observedGeneration: 2, desired: 2, current: 2, updated: 2, ready: 2, available: 2, images: [`ghcr.io/acme/platform/records:${COMMIT}`], conditions: [], ...overrides };
}

function state(overrides: Partial<ServiceState> = {}): ServiceState {
  return {
    deployments: [rolledOut()],
    helmRelease: { name: 'records', generation: 3, observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 3 }], revision: '0.1.0+1a2b3c4d5e6f' },
    ...overrides,
  };
}

describe('parseImage', () => {
  test('splits repository, tag and digest, including registries with a port', () => {
    expect(parseImage(`ghcr.io/acme/records:${COMMIT}`)).toEqual({ repository: 'ghcr.io/acme/records', tag: COMMIT });
    expect(parseImage('localhost:5000/records:abc@sha256:0123')).toEqual({ repository: 'localhost:5000/records', tag: 'abc', digest: 'sha256:0123' });
    expect(parseImage('localhost:5000/records')).toEqual({ repository: 'localhost:5000/records' });
    expect(parseImage('records@sha256:0123')).toEqual({ repository: 'records', digest: 'sha256:0123' });
  });
});

describe('compareService', () => {
  test('matches a rolled-out Deployment on the commit with a Ready HelmRelease', () => {
    const verdict = compareService(expected, state(), 'ns');
    expect(verdict).toMatchObject({ ok: true, problems: [], seenTags: [COMMIT], replicas: { desired: 2, ready: 2 }, helmRelease: { ready: true, revision: '0.1.0+1a2b3c4d5e6f', generation: 3 } });
  });

  test('accepts an image pinned by digest as well as by the commit tag', () => {
    const verdict = compareService(expected, state({ deployments: [rolledOut({ images: [`ghcr.io/acme/platform/records:${COMMIT}@sha256:abcd`] })] }), 'ns');
    expect(verdict.ok).toBe(true);
  });

  test('names an image from another repository even when its tag is the commit', () => {
    const verdict = compareService(expected, state({ deployments: [rolledOut({ images: [`docker.io/evil/records:${COMMIT}`] })] }), 'ns');
    expect(verdict.problems).toEqual([`Deployment records runs docker.io/evil/records:${COMMIT} (repository docker.io/evil/records, expected ghcr.io/acme/platform/records), not ghcr.io/acme/platform/records:${COMMIT}`]);
  });

  test('names a HelmRelease whose chart came from another commit', () => {
    const verdict = compareService(expected, state({ helmRelease: { name: 'records', generation: 1, observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }], revision: '0.1.0+ffffffffffff' } }), 'ns');
    expect(verdict.problems).toEqual(["HelmRelease records installed chart 0.1.0+ffffffffffff, from commit ffffffffffff, not the recipe's 1a2b3c4d5e6f"]);
  });

  test('a chart version without a revision suffix is not compared', () => {
    const verdict = compareService(expected, state({ helmRelease: { name: 'records', generation: 1, observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }], revision: '0.1.0' } }), 'ns');
    expect(verdict.ok).toBe(true);
  });

  test('a HelmRelease without a Ready condition is not ready', () => {
    const verdict = compareService(expected, state({ helmRelease: { name: 'records', generation: 1, conditions: [] } }), 'ns');
    expect(verdict.problems).toEqual(['HelmRelease records has no Ready condition yet (generation 1)']);
    expect(verdict.helmRelease).toEqual({ ready: false, revision: null, generation: 1 });
  });

  test('a Ready condition that carries no generation at all does not count as current', () => {
    const verdict = compareService(expected, state({ helmRelease: { name: 'records', generation: 1, conditions: [{ type: 'Ready', status: 'True' }] } }), 'ns');
    expect(verdict.ok).toBe(false);
  });
});

describe('rolloutProblems', () => {
  test('old replicas still terminating mean the rollout is not complete', () => {
    expect(rolloutProblems(rolledOut({ current: 3 }))).toEqual(['Deployment records rollout in progress: 1 old replica(s) pending termination (desired 2, updated 2, ready 2, available 2, total 3)']);
  });

  test('updated but not yet available replicas mean the rollout is not complete', () => {
    expect(rolloutProblems(rolledOut({ available: 1 }))).toEqual(['Deployment records rollout in progress: 1 of 2 replicas ready and available (desired 2, updated 2, ready 2, available 1, total 2)']);
  });

  test('a Deployment scaled to zero is rolled out', () => {
    expect(rolloutProblems(rolledOut({ desired: 0, current: 0, updated: 0, ready: 0, available: 0 }))).toEqual([]);
  });
});

describe('the report', () => {
  test('is ok only when every service is, and its evidence lists what was seen per service', () => {
    const good = compareService(expected, state(), 'ns');
    const bad = compareService({ ...expected, service: 'web', release: 'web', image: 'ghcr.io/acme/platform/web' }, state({ helmRelease: null }), 'ns');
    const report = buildReport({ environment: 'staging', namespace: 'ns', context: 'staging', server: 'https://k8s', verdicts: [bad, good] });
    expect(report.ok).toBe(false);
    expect(report.services.map((s) => s.service)).toEqual(['records', 'web']);
    expect(clusterEvidence(report).services.records).toEqual({ replicas: { desired: 2, ready: 2 }, images: [`ghcr.io/acme/platform/records:${COMMIT}`], helmRelease: { ready: true, revision: '0.1.0+1a2b3c4d5e6f', generation: 3 } });
  });
});
