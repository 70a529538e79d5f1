import { expect, test } from 'vitest';
import { terminalProgress } from './progress.ts';

function context(json = false) {
  const written: string[] = [];
  return { written, ctx: { json, stderr: (text: string) => void written.push(text) } };
}

test('no progress line when stderr is not a terminal, or for --json', () => {
  expect(terminalProgress(context().ctx, 'rendering', { isTTY: false })).toBeUndefined();
  expect(terminalProgress(context(true).ctx, 'rendering', { isTTY: true })).toBeUndefined();
});

test('on a terminal, nothing during the first second, then a line that is cleared at the end', () => {
  const quick = context();
  const early = terminalProgress(quick.ctx, 'rendering', { isTTY: true }, 60_000)!;
  early.update(1, 2);
  early.done();
  expect(quick.written).toEqual([]);
  const slow = context();
  const late = terminalProgress(slow.ctx, 'rendering', { isTTY: true }, 0)!;
  late.update(1, 2);
  late.update(2, 2);
  late.done();
  expect(slow.written).toEqual(['\rrendering 1/2', '\rrendering 2/2', '\r\x1b[K']);
});
