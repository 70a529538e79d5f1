import { expect, test } from 'vitest';
import { RecipeError } from './errors.ts';
import { checkRevision, isRevision } from './revision.ts';

test('refs, SHAs and their ~N, ^N and @{...} suffixes are revisions', () => {
  for (const revision of ['HEAD', 'HEAD~1', 'HEAD^', 'HEAD^2~3', '@', '@{1}', 'main@{upstream}', 'main@{-1}', 'main@{2.days.ago}', '@{-1}', 'origin/main', 'refs/tags/records-v1.4.0', 'v1.2.0^{commit}', '1a2b3c4', 'a'.repeat(40), 'feature/x_y+z']) {
    expect([revision, isRevision(revision)]).toEqual([revision, true]);
  }
});

test('options, paths, ranges, pathspecs and control characters are not revisions', () => {
  for (const revision of ['', '--output=/tmp/x', '-p', 'HEAD:releases/prod/recipe.yaml', 'main..prod', 'main...prod', '.hidden', 'a/-b', 'a b', 'HEAD\n--output=x', 'ma*in', 'main~1:x', 'x.lock', '@{--output=x}', 'a'.repeat(257)]) {
    expect([revision, isRevision(revision)]).toEqual([revision, false]);
  }
});

test('checkRevision names where the revision came from and what to give instead', () => {
  const error = (() => {
    try {
      checkRevision('--output=/tmp/x', 'prod@--output=/tmp/x');
    } catch (caught) {
      return caught as RecipeError;
    }
  })();
  expect(error).toBeInstanceOf(RecipeError);
  expect(error?.exitCode).toBe(2);
  expect(error?.format()).toBe('prod@--output=/tmp/x: "--output=/tmp/x" is not a git revision recipe accepts\n  fix: give a commit SHA, HEAD, a branch or tag (e.g. main, origin/main, v1.2.0), optionally followed by ~N, ^N or @{...}');
});
