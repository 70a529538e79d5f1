import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { fieldBlocks, fieldRows, fieldTable, withFieldTables } from './format-docs.ts';
import { formatsDoc, formatSchemas, generateFormatsDoc } from './format-docs.generate.ts';
import { environmentsSchema, recipeSchema } from './schema.ts';
import { snapshotSchema } from './snapshot.ts';

test('docs/formats.md holds the field table of every format, as generated from the current schemas', () => {
  const doc = readFileSync(formatsDoc, 'utf8');
  expect(fieldBlocks(doc).sort()).toEqual(Object.keys(formatSchemas).sort());
  // After changing a schema: node src/model/format-docs.generate.ts
  expect(doc === generateFormatsDoc()).toBe(true);
});

test('every field of a schema is a row, with its path, type, requiredness, rules and description', () => {
  const rows = fieldRows(recipeSchema);
  expect(rows.map((row) => row.field)).toEqual(['environment', 'snapshot', 'override', 'hold', 'hold.reason', 'hold.since', 'hold.by', 'services', 'services.<name>.commit', 'services.<name>.version']);
  expect(rows.find((row) => row.field === 'services.<name>.commit')).toEqual({
    field: 'services.<name>.commit',
    type: 'string',
    required: true,
    rules: ['matches `^[0-9a-f]{40}$`'],
    description: 'the full 40-hex commit SHA of the monorepo (git rev-parse <commit>)',
  });
  expect(rows.find((row) => row.field === 'services')?.type).toBe('map of object or null');
  expect(fieldTable(recipeSchema).split('\n')[0]).toBe('| field | type | required | rules | what it is |');
});

test('a name has one definition: at most 53 characters in environments.yaml, recipes and snapshots alike', () => {
  const names = [
    ...fieldRows(environmentsSchema).filter((row) => ['environments[].name', 'environments[].from'].includes(row.field)),
    ...fieldRows(recipeSchema).filter((row) => row.field === 'environment'),
    ...fieldRows(snapshotSchema).filter((row) => ['environment', 'verifications[].environment'].includes(row.field)),
  ];
  expect(names).toHaveLength(5);
  for (const row of names) expect(row.rules).toContain('at most 53 characters');
  const keyed = [...fieldRows(environmentsSchema), ...fieldRows(recipeSchema), ...fieldRows(snapshotSchema)].filter((row) => row.rules.some((rule) => rule.startsWith('keys match')));
  expect(keyed.map((row) => row.field).sort()).toEqual(['environments[].urls', 'services', 'services', 'services', 'verifications[].checks', 'verifications[].cluster.services'].sort());
});

test('a block naming a schema that does not exist is an error naming the known ones', () => {
  expect(() => withFieldTables('<!-- fields: nope.yaml -->\n<!-- end fields -->', formatSchemas)).toThrow(/"nope.yaml".*known: environments.yaml, recipe.yaml, snapshot.yaml/);
});
