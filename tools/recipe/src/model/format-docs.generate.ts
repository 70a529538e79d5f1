// Writes the field tables of docs/formats.md from the schemas. Run after changing a schema:
// node src/model/format-docs.generate.ts (a test fails while the doc is out of date).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withFieldTables } from './format-docs.ts';
import { environmentsSchema, recipeSchema } from './schema.ts';
import { snapshotRefSchema, snapshotSchema } from './snapshot.ts';

export const formatsDoc = fileURLToPath(new URL('../../docs/formats.md', import.meta.url));

export const formatSchemas = {
  [environmentsSchema.$id]: environmentsSchema,
  [recipeSchema.$id]: recipeSchema,
  [snapshotSchema.$id]: snapshotSchema,
  [snapshotRefSchema.$id]: snapshotRefSchema,
};

export function generateFormatsDoc(): string {
  return withFieldTables(readFileSync(formatsDoc, 'utf8'), formatSchemas);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(formatsDoc, generateFormatsDoc());
