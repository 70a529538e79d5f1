import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { newSnapshot, snapshotFileName, snapshotToYaml } from '../model/snapshot.ts';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
beforeEach(() => {
  repo = createFixtureRepo();
});
afterEach(() => repo.cleanup());

const file = (rel: string) => path.join(repo.root, rel);
const edit = (rel: string, change: (text: string) => string) => writeFileSync(file(rel), change(readFileSync(file(rel), 'utf8')));

async function lint() {
  const result = await runRecipe(repo.root, ['lint', '--json']);
  const report = JSON.parse(result.stdout) as { errors: number; warnings: number; problems: Array<{ severity: string; message: string; file: string; line?: number; field?: string }> };
  return { code: result.code, ...report };
}

/** Writes a snapshot of what staging runs and points staging's recipe at it. */
function snapshotStaging(): string {
  const text = readFileSync(file('releases/staging/recipe.yaml'), 'utf8');
  const [records, web] = [...text.matchAll(/commit: ([0-9a-f]{40})/g)].map((m) => m[1]!);
  const snapshot = newSnapshot({
    services: { records: { commit: records!, version: '1.0.0', image: 'ghcr.io/acme/platform/records' }, web: { commit: web!, version: '2.0.0', image: 'ghcr.io/acme/platform/web' } },
    verification: {
      environment: 'staging',
      at: '2026-11-22T10:00:00Z',
      recipeCommit: repo.head,
      verified: true,
      skipReason: null,
      cluster: { context: 'staging', services: {} },
      checks: {},
      evidence: [],
    },
  });
  mkdirSync(file('releases/snapshots'), { recursive: true });
  writeFileSync(file(`releases/snapshots/${snapshotFileName(snapshot.id)}`), snapshotToYaml(snapshot));
  edit('releases/staging/recipe.yaml', (t) => t.replace('environment: staging\n', `environment: staging\nsnapshot: ${snapshot.id}\n`));
  return snapshot.id;
}

describe('recipe lint', () => {
  test('a consistent repository has no errors; promoted environments without a snapshot are warnings', async () => {
    const report = await lint();
    expect([report.code, report.errors, report.warnings]).toEqual([0, 0, 2]);
    expect(report.problems.map((p) => [p.severity, p.file, p.message])).toEqual([
      ['warning', 'releases/staging/recipe.yaml', 'no snapshot vouches for the combination staging runs'],
      ['warning', 'releases/prod/recipe.yaml', 'no snapshot vouches for the combination prod runs'],
    ]);
  });

  test('every problem is listed, not just the first, and nothing is written', async () => {
    edit('releases/dev/recipe.yaml', (t) => t.replace(repo.commits.web[1]!, 'not-a-sha').replace('  records:', '  recrods:'));
    edit('releases/prod/recipe.yaml', (t) => t.replace(repo.commits.records[0]!, 'e'.repeat(40)));
    mkdirSync(file('releases/qa'));
    writeFileSync(file('releases/prod/values/web.yaml'), 'replicaCount: 4\n');
    writeFileSync(file('releases/prod/secret.yaml'), '---\napiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: hunter2 }\n');
    const tree = treeDigest(repo.root);
    const report = await lint();
    expect(report.code).toBe(1);
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => [p.file, p.line, p.field, p.message])).toEqual([
      ['releases/dev/recipe.yaml', 5, 'services.recrods', 'unknown service "recrods"'],
      ['releases/dev/recipe.yaml', 9, 'services.web.commit', '"not-a-sha" must match pattern "^[0-9a-f]{40}$"'],
      ['releases/prod/secret.yaml', 6, 'kind', 'a plaintext Kubernetes Secret is committed under releases/'],
      ['releases/qa', undefined, undefined, 'folder for unknown environment "qa"'],
      ['releases/prod/recipe.yaml', 6, 'services.records.commit', `commit ${'e'.repeat(40)} of records does not exist in this repository`],
      ['releases/prod/flux/records.yaml', undefined, undefined, 'stale render: out of date'],
      ['releases/prod/flux/web.yaml', undefined, undefined, 'stale render: out of date'],
    ]);
    expect(treeDigest(repo.root)).toEqual(tree);
  });

  test('a recipe filled from a valid snapshot that matches it is clean', async () => {
    snapshotStaging();
    const report = await lint();
    expect(report.errors).toBe(0);
    expect(report.problems.map((p) => p.file)).toEqual(['releases/prod/recipe.yaml']);
  });

  test('a recipe whose snapshot does not match the services it runs is rejected', async () => {
    snapshotStaging();
    edit('releases/staging/recipe.yaml', (t) => t.replace(repo.commits.records[1]!, repo.commits.records[2]!));
    await runRecipe(repo.root, ['render']);
    const report = await lint();
    expect(report.code).toBe(1);
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => [p.file, p.line, p.field])).toEqual([['releases/staging/recipe.yaml', 4, 'snapshot']]);
    expect(report.problems[0]!.message).toMatch(/the services do not match snapshot [0-9a-f]{12}/);
  });

  test('a snapshot whose content does not hash to its id is rejected', async () => {
    const id = snapshotStaging();
    edit(`releases/snapshots/${snapshotFileName(id)}`, (t) => t.replace('version: 2.0.0', 'version: 2.0.0').replace(/commit: [0-9a-f]{40}/, `commit: ${'1'.repeat(40)}`));
    const report = await lint();
    expect(report.code).toBe(1);
    const files = report.problems.filter((p) => p.severity === 'error').map((p) => p.file);
    expect(files).toContain(`releases/snapshots/${snapshotFileName(id)}`);
    expect(report.problems.find((p) => p.file === 'releases/staging/recipe.yaml')?.message).toMatch(/is invalid/);
  });

  test('a snapshot the recipe names but that does not exist is rejected', async () => {
    const id = snapshotStaging();
    const { rmSync } = await import('node:fs');
    rmSync(file(`releases/snapshots/${snapshotFileName(id)}`));
    const report = await lint();
    expect(report.problems.find((p) => p.severity === 'error')?.message).toBe(`snapshot ${id.slice(0, 12)} does not exist`);
  });

  test('a chart path that leaves the repository is refused by lint at its line, and render writes nothing', async () => {
    edit('releases/environments.yaml', (t) => t.replace('chart: charts/records', 'chart: ../../../etc'));
    const result = await runRecipe(repo.root, ['lint']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/error: releases\/environments\.yaml:\d+:\d+: services\.records\.chart: "\.\.\/\.\.\/\.\.\/etc" climbs out with "\.\.": it must stay inside the repository/);
    const before = treeDigest(repo.root);
    const render = await runRecipe(repo.root, ['render']);
    expect(render.code).toBe(2);
    expect(render.stderr).toContain('climbs out with ".."');
    expect(treeDigest(repo.root)).toEqual(before);
  });

  test('a project or chart missing at HEAD, or a chart without Chart.yaml, is named at its line', async () => {
    edit('releases/environments.yaml', (t) => t.replace('project: services/records', 'project: services/record').replace('chart: charts/web', 'chart: apps/web'));
    const report = await lint();
    expect(report.code).toBe(1);
    const messages = report.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(messages.some((m) => /^releases\/environments\.yaml:\d+: services\/record is not in the repository at HEAD \(the project folder of records\)/.test(m))).toBe(true);
    expect(messages.some((m) => /apps\/web\/Chart\.yaml is not in the repository at HEAD \(the Chart\.yaml of web's chart\)/.test(m))).toBe(true);
  });

  test('an unusable environments.yaml is reported with its location and exit 1', async () => {
    edit('releases/environments.yaml', (t) => t.replace('  records:\n    project', '  records:\n    projcet'));
    const result = await runRecipe(repo.root, ['lint']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('error: releases/environments.yaml:34:5: services.records.projcet: unknown field "projcet"');
    expect(result.stdout).toContain('error: releases/environments.yaml:34:5: services.records: missing required field "project"');
  });

  test('--since reads only the snapshots changed since the base and those a recipe names; --all reads every one', async () => {
    // A tampered snapshot no recipe names, committed before the base: only --all reads it.
    const id = snapshotStaging();
    edit('releases/staging/recipe.yaml', (t) => t.replace(/snapshot: [0-9a-f]{64}\n/, ''));
    const tampered = `releases/snapshots/${snapshotFileName(id)}`;
    edit(tampered, (t) => t.replace(/commit: [0-9a-f]{40}/, `commit: ${'1'.repeat(40)}`));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'chore(releases): an old snapshot']);
    const errorFiles = async (args: string[]) => {
      const result = await runRecipe(repo.root, ['lint', '--json', ...args]);
      const report = JSON.parse(result.stdout) as { problems: Array<{ severity: string; file: string }> };
      return { code: result.code, files: report.problems.filter((p) => p.severity === 'error').map((p) => p.file) };
    };
    expect(await errorFiles(['--since', 'HEAD'])).toEqual({ code: 0, files: [] });
    expect(await errorFiles(['--all'])).toEqual({ code: 1, files: [tampered] });
    expect(await errorFiles([])).toEqual({ code: 1, files: [tampered] });
    // Changed since the base (committed or not): read, and its problem found.
    expect(await errorFiles(['--since', 'HEAD~1'])).toEqual({ code: 1, files: [tampered] });
    // A Secret added in the working tree is a change too.
    writeFileSync(file('releases/prod/secret.yaml'), '---\napiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: hunter2 }\n');
    expect(await errorFiles(['--since', 'HEAD'])).toEqual({ code: 1, files: ['releases/prod/secret.yaml'] });
  });

  test('--since names a commit, and --since with --all is refused', async () => {
    const unknown = await runRecipe(repo.root, ['lint', '--since', 'no-such-branch']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('--since "no-such-branch" is not a commit of this repository');
    const both = await runRecipe(repo.root, ['lint', '--since', 'HEAD', '--all']);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--since and --all contradict each other');
  });
});
