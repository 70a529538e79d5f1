import { describe, expect, test } from 'vitest';
import { groupChangelog, parseConventional, serviceDeltas } from './changelog.ts';

const commit = (subject: string, body = '') => ({ commit: subject.length.toString(16).padStart(40, '0'), subject, body, author: 'Ada', time: 0 });

describe('changelog', () => {
  test('a Conventional Commit header is split into type, scope and description', () => {
    expect(parseConventional(commit('fix(records): close the pool'))).toMatchObject({ type: 'fix', scope: 'records', description: 'close the pool', breaking: false });
  });

  test('a bang or a BREAKING CHANGE footer marks a breaking change with its note', () => {
    expect(parseConventional(commit('feat!: drop v1'))).toMatchObject({ breaking: true, breakingNote: 'drop v1' });
    expect(parseConventional(commit('feat(api): rename', 'Longer text.\n\nBREAKING CHANGE: clients must call /records.'))).toMatchObject({ breaking: true, breakingNote: 'clients must call /records.' });
  });

  test('commits are grouped by type with breaking changes first and unknown types last', () => {
    const sections = groupChangelog([commit('fix: a'), commit('feat!: b'), commit('Update README'), commit('feat: c')]);
    expect(sections.map((section) => [section.title, section.commits.map((c) => c.description)])).toEqual([
      ['BREAKING CHANGES', ['b']],
      ['Features', ['b', 'c']],
      ['Bug fixes', ['a']],
      ['Other changes', ['Update README']],
    ]);
  });

  test('only services whose commit differs are compared, including ones on one side only', () => {
    const a = { records: { commit: '1'.repeat(40), version: '1.0.0' }, web: { commit: '2'.repeat(40) } };
    const b = { records: { commit: '3'.repeat(40), version: '1.1.0' }, web: { commit: '2'.repeat(40) }, search: { commit: '4'.repeat(40) } };
    expect(serviceDeltas(a, b)).toEqual([
      { service: 'records', from: '1'.repeat(40), to: '3'.repeat(40), fromVersion: '1.0.0', toVersion: '1.1.0' },
      { service: 'search', from: undefined, to: '4'.repeat(40), fromVersion: undefined, toVersion: undefined },
    ]);
  });
});
