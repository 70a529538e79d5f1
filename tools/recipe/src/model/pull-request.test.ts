import { describe, expect, it } from 'vitest';
import { evaluateGates } from './gates.ts';
import { planPromotion, planRollback } from './promotion.ts';
import { BODY_LIMIT, diffSummary, pullRequestTitle, renderPullRequest, TITLE_LIMIT, type ChangelogEntry, type PullRequestInput } from './pull-request.ts';
import { newSnapshot } from './snapshot.ts';

const OLD = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const NEW = '5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80';
const WEB = '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6';
const snapshot = newSnapshot({
  services: { records: { commit: NEW, version: '1.5.0', image: 'ghcr.io/acme/records' }, web: { commit: WEB, image: 'ghcr.io/acme/web' } },
  verification: {
    environment: 'staging',
    at: '2026-11-20T10:00:00Z',
    recipeCommit: '9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6e5',
    verified: true,
    skipReason: null,
    cluster: { context: 'staging', services: { records: { replicas: { desired: 2, ready: 2 }, images: [], helmRelease: { ready: true, revision: '1.5.0', generation: 3 } } } },
    checks: { e2e: 'https://ci.example.com/runs/123' },
    evidence: [],
  },
});
const current = { services: { records: { commit: OLD, version: '1.4.0' }, web: { commit: WEB } } };
const target = { name: 'prod', from: 'staging', gates: { verified: true, soak: '24h', evidence: ['e2e'] } };
const evaluation = evaluateGates(target, snapshot, new Date('2026-11-22T12:00:00Z'));
const plan = planPromotion({ environment: 'prod', from: 'staging', current, snapshot, unmetGates: evaluation.unmet, knownServices: ['records', 'web'] });

const changelog: ChangelogEntry[] = [
  { service: 'records', sha: 'a'.repeat(40), type: 'fix', scope: 'db', description: 'retry the migration lock', breaking: false },
  { service: 'records', sha: 'b'.repeat(40), type: 'feat', description: 'list records by page', breaking: false },
  { service: 'records', sha: 'c'.repeat(40), type: 'feat', scope: 'api', description: 'drop the v1 routes', breaking: true },
  { service: 'records', sha: 'd'.repeat(40), description: 'Merge something old', breaking: false },
];
const diff = ['diff --git a/releases/prod/flux/records.yaml b/releases/prod/flux/records.yaml', '--- a/releases/prod/flux/records.yaml', '+++ b/releases/prod/flux/records.yaml', '@@ -1,2 +1,2 @@', `-    commit: ${OLD}`, `+    commit: ${NEW}`, '     tag: x'].join('\n');
const input: PullRequestInput = { plan, repository: { webUrl: 'https://github.com/acme/platform', forge: 'github' }, history: { records: { commits: 4, direction: 'forward' } }, changelog, evaluation, manifestDiff: diff };

describe('pullRequestTitle', () => {
  it('names the environment, the snapshot and every service', () => {
    expect(pullRequestTitle(plan)).toBe(`promote(prod): staging snapshot ${snapshot.id.slice(0, 12)}: records 1a2b3c4 -> 5d6e7f8, web unchanged`);
  });

  it('names the target and the revision of a rollback', () => {
    const rollback = planRollback({ environment: 'prod', current, target: { source: { type: 'revision', revision: 'HEAD~2', commit: '9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6e5' }, services: { records: { commit: NEW } } } });
    expect(pullRequestTitle(rollback)).toBe('rollback(prod): to releases 9e8d7c6: records 1a2b3c4 -> 5d6e7f8, web unchanged');
  });

  it('stays within the forge title limit with many services and says what it left out', () => {
    const many = { ...plan, changes: Array.from({ length: 60 }, (_, i) => ({ service: `service-${i}`, current: { commit: OLD }, next: { commit: i < 40 ? NEW : OLD }, changed: i < 40 })) };
    const title = pullRequestTitle(many);
    expect(title.length).toBeLessThanOrEqual(TITLE_LIMIT);
    expect(title).toMatch(/^promote\(prod\): staging snapshot [0-9a-f]{12}: service-0 1a2b3c4 -> 5d6e7f8, .*, \d+ more changed, 20 unchanged$/);
  });
});

describe('renderPullRequest', () => {
  const { body, labels, truncated } = renderPullRequest(input);

  it('labels a promotion with promotion and the environment', () => {
    expect(labels).toEqual(['promotion', 'env:prod']);
  });

  it('has a row per service with the compare link and the number of commits', () => {
    expect(body).toContain(`| records | \`1a2b3c4\` 1.4.0 | \`5d6e7f8\` 1.5.0 | [1a2b3c4...5d6e7f8](https://github.com/acme/platform/compare/${OLD}...${NEW}) | 4 |`);
    expect(body).toContain('| web | `0f1e2d3` | unchanged |  | 0 |');
  });

  it('groups the changelog by type with breaking changes first', () => {
    const order = ['### ⚠ Breaking changes', 'drop the v1 routes', '### Features', 'list records by page', '### Bug fixes', 'db: retry the migration lock', '### Other changes', 'Merge something old'].map((text) => body.indexOf(text));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('states the evidence: where and when verified, the soak time and the checks', () => {
    expect(body).toContain('Verified against the **staging** cluster (context `staging`) at 2026-11-20T10:00:00Z');
    expect(body).toContain('Soak time in staging: 2d 2h (gate: 1d).');
    expect(body).toContain('e2e: https://ci.example.com/runs/123');
  });

  it('links a stored test report at the base branch on the forge, with its verdict and counts', () => {
    const file = `releases/snapshots/evidence/${'e'.repeat(64)}.xml`;
    const report = { check: 'e2e', file, sha256: 'e'.repeat(64), status: 'passed' as const, tests: 12, failures: 0, errors: 0, skipped: 1 };
    const withReport = { ...evaluation, verification: { ...evaluation.verification!, evidence: [report] } };
    const github = renderPullRequest({ ...input, evaluation: withReport, repository: { ...input.repository, baseBranch: 'trunk' } }).body;
    expect(github).toContain(`- e2e report [\`${file}\`](https://github.com/acme/platform/blob/trunk/${file}): **passed**, 12 tests, 0 failed, 0 errored, 1 skipped.`);
    const gitlab = renderPullRequest({ ...input, evaluation: withReport, repository: { webUrl: 'https://gitlab.com/acme/platform', forge: 'gitlab', baseBranch: 'main' } }).body;
    expect(gitlab).toContain(`(https://gitlab.com/acme/platform/-/blob/main/${file})`);
  });

  it('summarises and includes the manifest diff', () => {
    expect(body).toContain('1 file changed, +1 -1:');
    expect(body).toContain(`+    commit: ${NEW}`);
    expect(truncated).toBe(false);
  });

  it('records an override and the gates it overrode', () => {
    const overridden = planPromotion({ environment: 'prod', from: 'staging', current, snapshot, unmetGates: ['soak 1d: soaked 3h'], override: 'hotfix INC-42', knownServices: ['records', 'web'] });
    const text = renderPullRequest({ ...input, plan: overridden }).body;
    expect(text).toContain('> **Gates overridden**: hotfix INC-42\n> - soak 1d: soaked 3h');
  });

  it('truncates a huge manifest diff to stay under the limit and says so', () => {
    const huge = [diff, ...Array.from({ length: 20_000 }, (_, i) => `+  line ${i} ${'x'.repeat(20)}`)].join('\n');
    const result = renderPullRequest({ ...input, manifestDiff: huge });
    expect(result.body.length).toBeLessThan(BODY_LIMIT);
    expect(result.truncated).toBe(true);
    expect(result.body).toMatch(/The manifest diff was truncated to fit the pull request body: \d+ of 20007 lines shown/);
    expect(result.body).toContain('## Changelog');
    expect(result.body).toMatch(/```\n\n> The manifest diff/);
  });

  it('cuts even the changelog when thousands of commits do not fit', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...changelog[1]!, description: `change number ${i} ${'y'.repeat(30)}` }));
    const result = renderPullRequest({ ...input, changelog: many });
    expect(result.body.length).toBeLessThan(BODY_LIMIT);
    expect(result.body).toContain('This description was truncated');
  });
});

describe('diffSummary', () => {
  it('reads the hunks of a diff without git headers and counts a removed document separator as content', () => {
    const patch = ['===================================================================', '--- prod/records\tabc', '+++ prod/records\tdef', '@@ -1,3 +1,2 @@', '----', ' kind: ConfigMap', '-  a: 1', '+  a: 2'].join('\n');
    expect(diffSummary(patch)).toBe('1 file changed, +1 -2:\n\n- `prod/records` +1 -2');
  });

  it('counts added and removed lines per file', () => {
    const two = `${diff}\ndiff --git a/releases/prod/recipe.yaml b/releases/prod/recipe.yaml\n--- a/releases/prod/recipe.yaml\n+++ b/releases/prod/recipe.yaml\n@@ -1 +1,2 @@\n+a\n+b\n-c`;
    expect(diffSummary(two)).toBe('2 files changed, +3 -2:\n\n- `releases/prod/flux/records.yaml` +1 -1\n- `releases/prod/recipe.yaml` +2 -1');
  });
});
