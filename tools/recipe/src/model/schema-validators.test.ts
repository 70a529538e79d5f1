import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { generateValidators, validatorsFile } from './schema-validators.generate.ts';

test('the precompiled validators are those of the current schemas', () => {
  // After changing a schema in schema.ts: node src/model/schema-validators.generate.ts
  expect(readFileSync(validatorsFile, 'utf8') === generateValidators()).toBe(true);
});
