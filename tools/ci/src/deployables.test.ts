// nx affected on a fixture workspace in a temporary git repository: the real nx.json and the real
// package.json of records and web (with their container targets and web's declared dependency on
// records), a project that depends on records, an unrelated one, and a releases/ folder; nx itself
// is this repository's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedDeployables, recipeSetArguments } from './deployables.ts';
import { tempRepo, type TempRepo } from './test-support/temp-repo.ts';
import { isolatedNxEnv, nxBin, repoRoot } from './test-support/workspace.ts';

let repo: TempRepo;
let scratch: string;
let base: string;

// web declares (in its package.json) that it depends on records: then a records change rebuilds it too.
const webPackage = JSON.parse(readFileSync(join(repoRoot, 'apps/web/package.json'), 'utf8')) as { nx?: { implicitDependencies?: string[] } };
const webFollowsRecords = webPackage.nx?.implicitDependencies?.includes('records') ?? false;

function affected(head: string, withTarget?: string): string[] {
  const args = [nxBin, 'show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--json'];
  if (withTarget) args.push('--with-target', withTarget);
  const out = execFileSync(process.execPath, args, { cwd: repo.root, env: isolatedNxEnv(scratch), encoding: 'utf8' });
  return (JSON.parse(out.slice(out.indexOf('['))) as string[]).sort();
}

beforeAll(() => {
  repo = tempRepo('ci-affected-');
  scratch = mkdtempSync(join(tmpdir(), 'ci-affected-nx-'));
  const real = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
  symlinkSync(join(repoRoot, 'node_modules'), join(repo.root, 'node_modules'), 'dir');
  base = repo.commit('build: fixture workspace', {
    '.gitignore': 'node_modules\n.nx\n',
    'nx.json': real('nx.json'),
    'tsconfig.base.json': real('tsconfig.base.json'),
    'package.json': JSON.stringify({ name: 'fixture', private: true, type: 'module', workspaces: ['apps/*', 'services/*', 'tools/*'] }, null, 2),
    'services/records/package.json': real('services/records/package.json'),
    'services/records/src/app.ts': 'export const app = 1;\n',
    'apps/web/package.json': real('apps/web/package.json'),
    'apps/web/src/page.ts': 'export const page = 1;\n',
    'tools/records-smoke/package.json': JSON.stringify({ name: '@platform/records-smoke', private: true, dependencies: { '@platform/records': '*' }, nx: { name: 'records-smoke' } }, null, 2),
    'tools/records-smoke/src/smoke.ts': 'export const smoke = 1;\n',
    'tools/unrelated/package.json': JSON.stringify({ name: '@platform/unrelated', private: true, nx: { name: 'unrelated' } }, null, 2),
    'tools/unrelated/src/index.ts': 'export const unrelated = 1;\n',
    'releases/dev/recipe.yaml': '---\nenvironment: dev\nservices: {}\n',
    'releases/environments.yaml': '---\nrepository:\n  url: https://git.example.test/acme/platform.git\nenvironments:\n  - name: dev\n    namespace: platform-dev\nservices:\n  records:\n    project: services/records\n    chart: charts/records\n    chartLibraries: [charts/platform-lib]\n    image: ghcr.io/acme/platform/records\n  web:\n    project: apps/web\n    chart: charts/web\n    chartLibraries: [charts/platform-lib]\n    image: ghcr.io/acme/platform/web\n',
    'charts/records/Chart.yaml': 'apiVersion: v2\nname: records\nversion: 0.1.0\n',
    'charts/platform-lib/Chart.yaml': 'apiVersion: v2\nname: platform-lib\ntype: library\nversion: 0.1.0\n',
  });
});

afterAll(() => {
  repo.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('nx affected on the fixture workspace', () => {
  it('selects records and what depends on it, not unrelated projects, for a change under services/records', () => {
    repo.git(['checkout', '--quiet', '-B', 'records-change', base]);
    const head = repo.commit('feat(records): count faster', { 'services/records/src/app.ts': 'export const app = 2;\n' });
    expect(affected(head)).toEqual(['records', 'records-smoke', ...(webFollowsRecords ? ['web'] : [])]);
  });

  it('builds the records image, and web only if web depends on records, for that change', async () => {
    const head = repo.git(['rev-parse', 'records-change']);
    expect(await affectedDeployables({ cwd: repo.root, base, head, env: isolatedNxEnv(scratch) })).toEqual(['records', ...(webFollowsRecords ? ['web'] : [])]);
  });

  it('builds only the web image for a change under apps/web', async () => {
    repo.git(['checkout', '--quiet', '-B', 'web-change', base]);
    const head = repo.commit('feat(web): a new page', { 'apps/web/src/page.ts': 'export const page = 2;\n' });
    expect(await affectedDeployables({ cwd: repo.root, base, head, env: isolatedNxEnv(scratch) })).toEqual(['web']);
  });

  it('rebuilds the records image when only its chart changed, since image and chart share the commit', async () => {
    repo.git(['checkout', '--quiet', '-B', 'chart-change', base]);
    const head = repo.commit('fix(charts): records probes', { 'charts/records/Chart.yaml': 'apiVersion: v2\nname: records\nversion: 0.1.1\n' });
    expect(await affectedDeployables({ cwd: repo.root, base, head, env: isolatedNxEnv(scratch) })).toEqual(['records']);
  });

  it('rebuilds every service whose chart takes a library chart that changed', async () => {
    repo.git(['checkout', '--quiet', '-B', 'library-change', base]);
    const head = repo.commit('fix(charts): shared probes', { 'charts/platform-lib/Chart.yaml': 'apiVersion: v2\nname: platform-lib\ntype: library\nversion: 0.1.1\n' });
    expect(await affectedDeployables({ cwd: repo.root, base, head, env: isolatedNxEnv(scratch) })).toEqual(['records', 'web']);
  });

  it('selects no image build for a change under releases/', async () => {
    repo.git(['checkout', '--quiet', '-B', 'releases-change', base]);
    const head = repo.commit('chore(releases): set dev records to 1a2b3c4', { 'releases/dev/recipe.yaml': '---\nenvironment: dev\nservices:\n  records:\n    commit: 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b\n' });
    expect(await affectedDeployables({ cwd: repo.root, base, head, env: isolatedNxEnv(scratch) })).toEqual([]);
  });

});

describe('recipeSetArguments', () => {
  it('gives each built service its commit, and its version when released', () => {
    const commit = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
    const releases = new Map([
      ['records', { commit, version: '1.5.0' }],
      ['web', { commit, version: undefined }],
    ]);
    expect(recipeSetArguments(['records', 'web'], releases)).toEqual([`records=${commit}@1.5.0`, `web=${commit}`]);
  });
});
