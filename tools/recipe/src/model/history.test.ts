import { describe, expect, test } from 'vitest';
import { recipeHistory } from './history.ts';

const recipe = (records: string, web: string, snapshot?: string) =>
  `environment: dev\n${snapshot ? `snapshot: ${snapshot}\n` : ''}services:\n  records:\n    commit: ${records}\n  web:\n    commit: ${web}\n`;
const revision = (commit: string, text: string, pullRequest?: string) => ({ commit, time: 1, author: 'Ada', email: 'ada@x', subject: 's', text, pullRequest });

describe('history', () => {
  test('each revision yields one event per service that changed, newest first, with its pull request and snapshot', () => {
    const [a, b, c] = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
    const events = recipeHistory([revision('3', recipe(c, b, 'f'.repeat(64)), '#12'), revision('2', recipe(a, b)), revision('1', recipe(a, a))]);
    expect(events.map((e) => [e.commit, e.service, e.from, e.to, e.pullRequest, e.snapshot])).toEqual([
      ['3', 'records', a, c, '#12', 'f'.repeat(64)],
      ['2', 'web', a, b, undefined, undefined],
      ['1', 'records', undefined, a, undefined, undefined],
      ['1', 'web', undefined, a, undefined, undefined],
    ]);
  });

  test('a revision that did not parse counts as empty rather than failing the whole history', () => {
    const events = recipeHistory([revision('2', recipe('a'.repeat(40), 'b'.repeat(40))), revision('1', 'services: [unclosed')]);
    expect(events).toHaveLength(2);
  });
});
