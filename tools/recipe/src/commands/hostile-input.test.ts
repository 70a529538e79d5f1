// Hostile releases files (from a branch or a pull request): every command that reads them stops
// with a message naming the file and the limit (docs/formats.md, "Limits"), and writes nothing.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createFixtureRepo, treeDigest, type FixtureRepo } from '../test-support/fixture-repo.ts';
import { runRecipe } from '../test-support/run-recipe.ts';

let repo: FixtureRepo;
beforeEach(() => {
  repo = createFixtureRepo();
});
afterEach(() => repo.cleanup());

/** Ten levels of ten aliases each: 400 bytes that expand to 10^10 values. */
function aliasBomb(levels = 10): string {
  let text = '---\nreplicaCount: 1\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let level = 1; level < levels; level++) text += `l${level}: &l${level} [${Array(10).fill(`*l${level - 1}`).join(', ')}]\n`;
  return text;
}

const readsValues = ['render', 'set', 'diff --manifests'];
const hostile = {
  'an alias bomb': { file: 'releases/dev/values/records.yaml', text: aliasBomb(), commands: readsValues, message: 'aliases (*name) expand the data by 12,345,678,990 values: recipe allows at most 10,000' },
  'a 100,000 deep flow sequence': { file: 'releases/dev/values/records.yaml', text: `---\nnested: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, commands: readsValues, message: 'collections nest deeper than 100 levels: recipe reads at most 100' },
  'a 5 MB recipe': { file: 'releases/dev/recipe.yaml', text: null, commands: [...readsValues, 'status'], message: 'the file is 5.0 MB: recipe reads YAML files of at most 4 MB' },
};

function plant(file: string, text: string | null): void {
  const target = path.join(repo.root, file);
  // null: the real recipe followed by comment lines up to 5 MB, valid YAML that is only too big.
  const padded = (recipe: string) => recipe + '# padding\n'.repeat((5 * 1024 * 1024 - recipe.length) / 10);
  writeFileSync(target, text ?? padded(readFileSync(target, 'utf8')));
}

const args = (command: string): string[] =>
  ({
    render: ['render'],
    set: ['set', 'dev', `records=${repo.commits.records[1]}`, '--commit'],
    'diff --manifests': ['diff', 'prod', 'dev', '--manifests'],
    status: ['status'],
  })[command]!;

describe.each(Object.entries(hostile))('%s', (_name, { file, text, commands, message }) => {
  test.each(commands)('%s stops with exit 2 naming the file, and writes nothing', async (command) => {
    plant(file, text);
    const before = treeDigest(repo.root);
    const head = repo.git(['rev-parse', 'HEAD']);
    const result = await runRecipe(repo.root, args(command));
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(new RegExp(`^recipe: ${file.replaceAll('.', '\\.')}(:\\d+:\\d+)?: ${message.replace(/[()*]/g, '\\$&')}\\n  fix: .*see "Limits" in tools/recipe/docs/formats\\.md\\n$`));
    expect(treeDigest(repo.root)).toEqual(before);
    expect(repo.git(['rev-parse', 'HEAD'])).toBe(head);
  });

  test('lint lists it as an error naming the file', async () => {
    plant(file, text);
    const result = await runRecipe(repo.root, ['lint', '--json']);
    expect(result.code).toBe(1);
    const problems = (JSON.parse(result.stdout) as { problems: Array<{ file: string; message: string }> }).problems;
    expect(problems).toContainEqual(expect.objectContaining({ file, message }));
  });
});

test('a values file too big to hold in memory is refused from its size before it is read', async () => {
  // 600 MB, sparse (no disk used): read as text it would pass V8's longest string and crash.
  truncateSync(path.join(repo.root, 'releases/dev/values/records.yaml'), 600 * 1024 * 1024);
  for (const command of ['render', 'set', 'lint']) {
    const result = await runRecipe(repo.root, command === 'lint' ? ['lint'] : args(command));
    expect([command, result.code]).toEqual([command, command === 'lint' ? 1 : 2]);
    expect(result.stderr + result.stdout).toContain('releases/dev/values/records.yaml: the file is 600.0 MB: recipe reads YAML files of at most 4 MB\n');
  }
  // Only the planted file differs: nothing rendered, nothing committed.
  expect(repo.git(['status', '--porcelain'])).toBe('M releases/dev/values/records.yaml');
  expect(repo.git(['log', '-1', '--format=%s'])).toBe('chore(releases): seed environments');
});
