import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { buildxArguments, createdAt, localBuildArguments, shellQuote, type ContainerBuild } from './container.ts';
import { tempRepo } from './test-support/temp-repo.ts';

const commit = '0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6';
const build: ContainerBuild = {
  project: 'records',
  projectRoot: 'services/records',
  repository: 'ghcr.io/acme/platform/records',
  commit,
  version: '1.4.0',
  lastRelease: '1.4.0',
  source: 'https://github.com/acme/platform',
  output: 'push',
};

/** The values given to a repeatable docker flag, in order. */
function flagValues(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag && args[i + 1] !== undefined ? [args[i + 1]!] : []));
}

describe('buildxArguments', () => {
  it('builds from the repository root with the project Dockerfile', () => {
    const args = buildxArguments(build);
    expect(args.slice(0, 4)).toEqual(['buildx', 'build', '--file', 'services/records/Dockerfile']);
    expect(args.at(-1)).toBe('.');
  });

  it('tags the image with the full commit SHA and the released version', () => {
    expect(flagValues(buildxArguments(build), '--tag')).toEqual([`ghcr.io/acme/platform/records:${commit}`, 'ghcr.io/acme/platform/records:1.4.0']);
  });

  it('tags an unreleased commit with its SHA only and versions it after the last release', () => {
    const args = buildxArguments({ ...build, version: undefined, lastRelease: '1.3.0' });
    expect(flagValues(args, '--tag')).toEqual([`ghcr.io/acme/platform/records:${commit}`]);
    expect(flagValues(args, '--build-arg')).toContain('VERSION=1.3.0+0f1e2d3');
  });

  it('labels the image with the OCI revision, source and version', () => {
    expect(flagValues(buildxArguments(build), '--label')).toEqual(
      expect.arrayContaining([`org.opencontainers.image.revision=${commit}`, 'org.opencontainers.image.source=https://github.com/acme/platform', 'org.opencontainers.image.version=1.4.0']),
    );
  });

  it('labels the image with when it was created, when it is told', () => {
    expect(flagValues(buildxArguments({ ...build, created: '2026-12-01T06:00:00Z' }), '--label')).toContain('org.opencontainers.image.created=2026-12-01T06:00:00Z');
  });

  it('passes VERSION and GIT_COMMIT as build arguments', () => {
    expect(flagValues(buildxArguments(build), '--build-arg')).toEqual(['VERSION=1.4.0', `GIT_COMMIT=${commit}`]);
  });

  it('reads and writes a registry layer cache and pushes', () => {
    const args = buildxArguments(build);
    expect(flagValues(args, '--cache-from')).toEqual(['type=registry,ref=ghcr.io/acme/platform/records:buildcache']);
    expect(flagValues(args, '--cache-to')).toEqual(['type=registry,ref=ghcr.io/acme/platform/records:buildcache,mode=max,image-manifest=true,oci-mediatypes=true']);
    expect(args).toContain('--push');
  });

  it('neither pushes nor writes the shared cache when loading locally', () => {
    const args = buildxArguments({ ...build, output: 'load' });
    expect(args).toContain('--load');
    expect(args).not.toContain('--push');
    expect(flagValues(args, '--cache-to')).toEqual([]);
  });
});

describe('localBuildArguments', () => {
  it('builds into the local engine with the same tags, labels and build arguments, without buildx or a registry cache', () => {
    const args = localBuildArguments(build, { network: 'host' });
    expect(args.slice(0, 3)).toEqual(['build', '--file', 'services/records/Dockerfile']);
    for (const flag of ['--tag', '--label', '--build-arg']) expect(flagValues(args, flag)).toEqual(flagValues(buildxArguments(build), flag));
    expect(flagValues(args, '--network')).toEqual(['host']);
    expect(args).not.toContain('--cache-from');
    expect(args.at(-1)).toBe('.');
  });
});

describe('createdAt', () => {
  it('is SOURCE_DATE_EPOCH when set, else now, to the second', () => {
    expect(createdAt({ SOURCE_DATE_EPOCH: '1767225600' })).toBe('2026-01-01T00:00:00Z');
    expect(createdAt({}, new Date('2026-12-01T06:44:07.123Z'))).toBe('2026-12-01T06:44:07Z');
  });
});

describe('the container CLI', () => {
  const repo = tempRepo('ci-container-');
  afterAll(() => repo.cleanup());
  repo.commit('feat(records): service', {
    'releases/environments.yaml': '---\nrepository:\n  url: https://git.example.test/acme/platform.git\n  webUrl: https://git.example.test/acme/platform\nenvironments:\n  - name: dev\n    namespace: platform-dev\nservices:\n  records:\n    project: services/records\n    chart: charts/records\n    image: registry.example.test/acme/platform/records\n',
    'services/records/Dockerfile': 'FROM node:24-bookworm-slim\n',
  });
  repo.git(['tag', 'records-v2.1.0']);
  const head = repo.git(['rev-parse', 'HEAD']);

  it('prints the docker buildx command it would run for the checked-out commit', () => {
    const env = { ...process.env, GITHUB_SERVER_URL: '', GITHUB_REPOSITORY: '', CI_PROJECT_URL: '', SOURCE_DATE_EPOCH: '1767225600' };
    const out = execFileSync(process.execPath, [new URL('./container.ts', import.meta.url).pathname, 'records', '--project-root', 'services/records', '--dry-run'], { cwd: repo.root, env, encoding: 'utf8' });
    expect(out.trim()).toBe(
      [
        'docker buildx build --file services/records/Dockerfile',
        `--tag registry.example.test/acme/platform/records:${head} --tag registry.example.test/acme/platform/records:2.1.0`,
        `--label org.opencontainers.image.title=records --label org.opencontainers.image.revision=${head} --label org.opencontainers.image.version=2.1.0`,
        '--label org.opencontainers.image.source=https://git.example.test/acme/platform --label org.opencontainers.image.created=2026-01-01T00:00:00Z',
        `--build-arg VERSION=2.1.0 --build-arg GIT_COMMIT=${head}`,
        '--cache-from type=registry,ref=registry.example.test/acme/platform/records:buildcache',
        '--cache-to type=registry,ref=registry.example.test/acme/platform/records:buildcache,mode=max,image-manifest=true,oci-mediatypes=true',
        '--push .',
      ].join(' '),
    );
  });

  it('builds without pushing or writing the cache when CONTAINER_OUTPUT=none', () => {
    const env = { ...process.env, CONTAINER_OUTPUT: 'none' };
    const out = execFileSync(process.execPath, [new URL('./container.ts', import.meta.url).pathname, 'records', '--project-root', 'services/records', '--dry-run'], { cwd: repo.root, env, encoding: 'utf8' });
    expect(out).not.toMatch(/--push|--cache-to|--load/);
    expect(out).toContain('--cache-from type=registry,ref=registry.example.test/acme/platform/records:buildcache');
  });

  it('refuses a project without a Dockerfile', () => {
    const run = () => execFileSync(process.execPath, [new URL('./container.ts', import.meta.url).pathname, 'web', '--project-root', 'apps/web', '--dry-run'], { cwd: repo.root, encoding: 'utf8', stdio: 'pipe' });
    expect(run).toThrow(/apps\/web\/Dockerfile does not exist/);
  });
});

describe('shellQuote', () => {
  it('quotes only what a shell would split or expand', () => {
    expect([shellQuote('--tag'), shellQuote('a b'), shellQuote("it's")]).toEqual(['--tag', "'a b'", `'it'\\''s'`]);
  });
});
