import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { RecipeError } from './errors.ts';
import { parseYamlFile, YAML_LIMITS, yamlSizeProblem } from './yaml-file.ts';

function refusal(text: string): string {
  try {
    parseYamlFile(text, 'releases/dev/values/records.yaml');
  } catch (error) {
    if (error instanceof RecipeError) return error.format();
    throw error;
  }
  return 'accepted';
}

/** `levels` levels of ten aliases each of the level below. */
function aliasBomb(levels: number): string {
  let text = 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let level = 1; level < levels; level++) text += `l${level}: &l${level} [${Array(10).fill(`*l${level - 1}`).join(', ')}]\n`;
  return text;
}

test('a file over the size limit is refused with its size, the limit and where the limits are documented', () => {
  const text = `a: "${'x'.repeat(YAML_LIMITS.maxBytes - 6)}"\n`;
  expect(Buffer.byteLength(text)).toBe(YAML_LIMITS.maxBytes);
  expect(parseYamlFile(text, 'f.yaml').data).toEqual({ a: 'x'.repeat(YAML_LIMITS.maxBytes - 6) });
  expect(refusal(`${text}#`)).toBe('releases/dev/values/records.yaml: the file is 4.0 MB: recipe reads YAML files of at most 4 MB\n  fix: keep releases files small (a recipe names commits, a values file only what differs per environment); see "Limits" in tools/recipe/docs/formats.md');
  // Bytes, not characters: 1.5 million three-byte characters are 4.5 MB.
  expect(yamlSizeProblem(`a: ${'€'.repeat(1_500_000)}`, 'f.yaml')?.message).toBe('the file is 4.3 MB: recipe reads YAML files of at most 4 MB');
});

test('nesting deeper than the limit is refused at its line, in flow and in block style, however deep', () => {
  expect(refusal(`a: ${'['.repeat(99)}${']'.repeat(99)}\n`)).toBe('accepted');
  expect(refusal(`a: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`)).toBe('releases/dev/values/records.yaml:1:103: collections nest deeper than 100 levels: recipe reads at most 100\n  fix: flatten the structure; see "Limits" in tools/recipe/docs/formats.md');
  const block = Array.from({ length: 150 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n');
  expect(refusal(block)).toMatch(/^releases\/dev\/values\/records\.yaml:100:\d+: collections nest deeper than 100 levels/);
});

test('aliases that expand past the limit are refused without expanding them; ordinary anchors are kept', () => {
  expect(refusal(aliasBomb(10))).toBe('releases/dev/values/records.yaml: aliases (*name) expand the data by 12,345,678,990 values: recipe allows at most 10,000\n  fix: write the values out instead of nesting aliases of aliases; see "Limits" in tools/recipe/docs/formats.md');
  expect(refusal(aliasBomb(90))).toMatch(/expand the data by 1\.2e\+90 values/);
  expect(refusal(aliasBomb(4))).toMatch(/expand the data by 12,330 values/);
  expect(refusal(aliasBomb(3))).toBe('accepted');
  expect(parseYamlFile('resources: &r { cpu: 1, memory: 2 }\nweb: { resources: *r }\nworker: { resources: *r }\n', 'f.yaml').data).toEqual({ resources: { cpu: 1, memory: 2 }, web: { resources: { cpu: 1, memory: 2 } }, worker: { resources: { cpu: 1, memory: 2 } } });
});

test('aliases nested deeper than the limit are refused even though each anchor is shallow', () => {
  let text = 'l0: &l0 [x]\n';
  for (let level = 1; level < 120; level++) text += `l${level}: &l${level} [*l${level - 1}]\n`;
  expect(refusal(text)).toBe('releases/dev/values/records.yaml: collections nest 121 deep: recipe reads at most 100 levels\n  fix: flatten the structure; see "Limits" in tools/recipe/docs/formats.md');
});

test('the limits hold on the path through the yaml library too (a file js-yaml refuses, e.g. with an unknown tag)', () => {
  expect(refusal(`tagged: !custom value\n${aliasBomb(10)}`)).toMatch(/^releases\/dev\/values\/records\.yaml: aliases \(\*name\) expand the data too far: Excessive alias count/);
  expect(refusal(`tagged: !custom value\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\nl1: &l1 [*l0, *l0]\n`)).toBe('accepted');
});

test('docs/formats.md states the limits the code enforces', () => {
  const docs = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
  expect(docs).toContain(`| size of one file | ${YAML_LIMITS.maxBytes / 1024 / 1024} MB (${YAML_LIMITS.maxBytes.toLocaleString('en')} bytes) |`);
  expect(docs).toContain(`| collections nested in collections | ${YAML_LIMITS.maxDepth} levels |`);
  expect(docs).toContain(`to what the file spells out | ${YAML_LIMITS.maxAliasedValues.toLocaleString('en')} |`);
});
