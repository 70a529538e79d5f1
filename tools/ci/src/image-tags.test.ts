import { afterAll, describe, expect, it } from 'vitest';
import { buildVersion, commitRelease, imageTags, releasedVersion } from './image-tags.ts';
import { tempRepo } from './test-support/temp-repo.ts';

const sha = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';
const repository = 'ghcr.io/acme/platform/records';

describe('imageTags', () => {
  it('tags an unreleased commit with its full SHA only', () => {
    expect(imageTags({ repository, commit: sha })).toEqual([`${repository}:${sha}`]);
  });

  it('adds the semantic version when the commit was released', () => {
    expect(imageTags({ repository, commit: sha, version: '1.4.0' })).toEqual([`${repository}:${sha}`, `${repository}:1.4.0`]);
  });

  it('refuses a short SHA', () => {
    expect(() => imageTags({ repository, commit: sha.slice(0, 7) })).toThrow(/full 40-hex SHA/);
  });

  it('refuses a repository that already carries a tag', () => {
    expect(() => imageTags({ repository: `${repository}:latest`, commit: sha })).toThrow(/not a repository name/);
  });

  it('accepts a registry with a port', () => {
    expect(imageTags({ repository: 'localhost:5000/platform/web', commit: sha })).toEqual([`localhost:5000/platform/web:${sha}`]);
  });
});

describe('releasedVersion', () => {
  it("takes the project's own tag and ignores other projects' tags at the same commit", () => {
    expect(releasedVersion('web', ['records-v2.0.0', 'web-v1.3.1', 'webhooks-v9.0.0'])).toBe('1.3.1');
  });

  it('picks the highest version when a commit carries several', () => {
    expect(releasedVersion('records', ['records-v1.10.0', 'records-v1.9.0', 'records-v1.10.0-rc.1'])).toBe('1.10.0');
  });

  it('finds nothing when no tag of the project points at the commit', () => {
    expect(releasedVersion('records', ['v1.0.0', 'records-vnext'])).toBeUndefined();
  });
});

describe('buildVersion', () => {
  it('is the released version at a released commit', () => {
    expect(buildVersion(sha, '1.4.0', '1.3.0')).toBe('1.4.0');
  });

  it('is the last release plus the short commit at an unreleased commit', () => {
    expect(buildVersion(sha, undefined, '1.3.0')).toBe('1.3.0+1a2b3c4');
  });
});

describe('commitRelease on a real repository', () => {
  const repo = tempRepo();
  afterAll(() => repo.cleanup());
  const first = repo.commit('feat(records): first', { 'services/records/a.txt': 'a' });
  repo.git(['tag', 'records-v1.0.0']);
  const second = repo.commit('fix(records): second', { 'services/records/a.txt': 'b' });

  it('reads the version tagged at the commit', () => {
    expect(commitRelease(repo.root, 'records', first)).toEqual({ commit: first, version: '1.0.0', lastRelease: '1.0.0' });
  });

  it('reports the last release for a later, untagged commit', () => {
    expect(commitRelease(repo.root, 'records', 'HEAD')).toEqual({ commit: second, version: undefined, lastRelease: '1.0.0' });
  });
});
