// semantic-release for real, per project, in dry-run mode: a temporary repository pushed to a bare
// remote, both projects released once before, then a feat(records) commit.
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { release } from './release.ts';
import { releaseConfig, detectForge } from './release-config.ts';
import { gitIdentity, tempRepo, type TempRepo } from './test-support/temp-repo.ts';

let repo: TempRepo;
let featCommit: string;
const log: string[] = [];
const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (log.push(chunk.toString()), done()) }) as unknown as NodeJS.WriteStream;

// No CI variables, no tokens: what a developer's shell would have.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...gitIdentity, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

function dryRun(project: string, paths: string[]) {
  return release({ project, paths, cwd: repo.root, env, dryRun: true, ci: false, forge: 'none', repositoryUrl: `file://${repo.remote}`, stdout: sink, stderr: sink });
}

beforeAll(() => {
  repo = tempRepo('ci-release-');
  repo.commit('feat: records and web', { 'services/records/src/app.ts': 'export const app = 1;\n', 'apps/web/src/page.ts': 'export const page = 1;\n' });
  repo.git(['tag', 'records-v1.2.0']);
  repo.git(['tag', 'web-v2.0.3']);
  repo.commit('docs: a note at the root', { 'NOTES.md': 'notes\n' });
  featCommit = repo.commit('feat(records): count records by day', { 'services/records/src/app.ts': 'export const app = 2;\n' });
  // A scope is not what attributes a commit: this one names web but only touches records.
  repo.commit('fix(web): touches records only', { 'services/records/src/app.ts': 'export const app = 3;\n' });
  repo.git(['push', '--quiet', '--tags', 'origin', 'main']);
});

afterAll(() => repo.cleanup());

describe('semantic-release per project (dry run)', () => {
  it('gives records a new minor version for a feat(records) commit touching services/records', async () => {
    const result = await dryRun('records', ['services/records']);
    expect(result && { version: result.nextRelease.version, tag: result.nextRelease.gitTag, last: result.lastRelease.version }).toEqual({ version: '1.3.0', tag: 'records-v1.3.0', last: '1.2.0' });
  });

  it("puts only records' commits in records' release notes", async () => {
    const result = await dryRun('records', ['services/records']);
    expect(result && result.nextRelease.notes).toContain('count records by day');
    expect(result && result.nextRelease.notes).toContain(featCommit.slice(0, 7));
    expect(result && result.nextRelease.notes).not.toContain('a note at the root');
  });

  it('leaves web alone when no commit since its release touched apps/web', async () => {
    expect(await dryRun('web', ['apps/web'])).toBe(false);
  });

  it('tags nothing in a dry run', () => {
    expect(repo.git(['ls-remote', '--tags', 'origin']).match(/refs\/tags\/\S+/g)?.sort()).toEqual(['refs/tags/records-v1.2.0', 'refs/tags/web-v2.0.3']);
  });
});

describe('releaseConfig', () => {
  it('tags <project>-v<version> and publishes to the forge CI runs on', () => {
    const config = releaseConfig({ project: 'records', paths: ['services/records'], forge: detectForge({ GITHUB_ACTIONS: 'true' }) });
    expect(config.tagFormat).toBe('records-v${version}');
    expect(config.plugins?.map((plugin) => (Array.isArray(plugin) && typeof plugin[0] === 'string' ? plugin[0] : 'project-commits'))).toEqual(['project-commits', '@semantic-release/github']);
  });

  it('publishes GitLab releases under GitLab CI', () => {
    const config = releaseConfig({ project: 'web', paths: ['apps/web'], forge: detectForge({ GITLAB_CI: 'true' }) });
    expect(config.plugins?.at(-1)).toEqual(['@semantic-release/gitlab', {}]);
  });
});

describe('the release CLI', () => {
  let chartRepo: TempRepo;
  beforeAll(() => {
    chartRepo = tempRepo('ci-release-chart-');
    chartRepo.commit('feat: records and its chart', {
      'releases/environments.yaml': '---\nrepository:\n  url: https://git.example.test/acme/platform.git\nenvironments:\n  - name: dev\n    namespace: platform-dev\nservices:\n  records:\n    project: services/records\n    chart: charts/records\n    image: ghcr.io/acme/platform/records\n',
      'services/records/src/app.ts': 'export const app = 1;\n',
      'charts/records/Chart.yaml': 'apiVersion: v2\nname: records\nversion: 0.1.0\n',
    });
    chartRepo.git(['tag', 'records-v1.0.0']);
    chartRepo.commit('fix(charts): readiness probe of records', { 'charts/records/Chart.yaml': 'apiVersion: v2\nname: records\nversion: 0.1.1\n' });
    chartRepo.git(['push', '--quiet', '--tags', 'origin', 'main']);
  });
  afterAll(() => chartRepo.cleanup());

  it("counts a change to the library chart the service's chart takes as part of the service", () => {
    const libraryRepo = tempRepo('ci-release-library-');
    try {
      libraryRepo.commit('feat: records, its chart and the library chart', {
        'releases/environments.yaml': '---\nrepository:\n  url: https://git.example.test/acme/platform.git\nenvironments:\n  - name: dev\n    namespace: platform-dev\nservices:\n  records:\n    project: services/records\n    chart: charts/records\n    chartLibraries: [charts/platform-lib]\n    image: ghcr.io/acme/platform/records\n',
        'services/records/src/app.ts': 'export const app = 1;\n',
        'charts/records/Chart.yaml': 'apiVersion: v2\nname: records\nversion: 0.1.0\n',
        'charts/platform-lib/Chart.yaml': 'apiVersion: v2\nname: platform-lib\ntype: library\nversion: 0.1.0\n',
      });
      libraryRepo.git(['tag', 'records-v1.0.0']);
      libraryRepo.commit('fix(charts): the shared readiness probe', { 'charts/platform-lib/Chart.yaml': 'apiVersion: v2\nname: platform-lib\ntype: library\nversion: 0.1.1\n' });
      libraryRepo.git(['push', '--quiet', '--tags', 'origin', 'main']);
      const out = execFileSync(process.execPath, [new URL('./release.ts', import.meta.url).pathname, 'records', '--path', 'services/records', '--dry-run', '--no-ci', '--forge', 'none', '--repository-url', `file://${libraryRepo.remote}`], {
        cwd: libraryRepo.root,
        env,
        encoding: 'utf8',
      });
      expect(out.trim().split('\n').at(-1)).toBe('records: patch release 1.0.1 (records-v1.0.1)');
    } finally {
      libraryRepo.cleanup();
    }
  });

  it("counts the service's chart, named in environments.yaml, as part of the service", () => {
    const out = execFileSync(process.execPath, [new URL('./release.ts', import.meta.url).pathname, 'records', '--path', 'services/records', '--dry-run', '--no-ci', '--forge', 'none', '--repository-url', `file://${chartRepo.remote}`], {
      cwd: chartRepo.root,
      env,
      encoding: 'utf8',
    });
    expect(out.trim().split('\n').at(-1)).toBe('records: patch release 1.0.1 (records-v1.0.1)');
    // A file:// remote has no web pages: the notes name commits without links to nowhere.
    expect(out).toContain('readiness probe of records');
    expect(out).not.toContain('https:/');
  });
});
