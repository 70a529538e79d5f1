// The values table of a chart's README, generated from the `# --` comments in values.yaml
// (the helm-docs convention). Every key needs one; a map without one is documented key by key.
import { isMap, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';

export interface ValueDoc {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

export const startMarker = '<!-- values:start (generated from values.yaml by `chart-checks docs`; do not edit) -->';
export const endMarker = '<!-- values:end -->';

/** The `-- ` description at the end of a comment block, or undefined. */
function description(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  const lines = comment.split('\n').map((line) => line.replace(/^ /, ''));
  const start = lines.findLastIndex((line) => line.startsWith('-- '));
  if (start < 0) return undefined;
  return lines
    .slice(start)
    .map((line, index) => (index === 0 ? line.slice(3) : line).trim())
    .filter(Boolean)
    .join(' ');
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

export function documentValues(valuesYaml: string, file = 'values.yaml'): ValueDoc[] {
  const document = parseDocument(valuesYaml);
  if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
  if (!isMap(document.contents)) throw new Error(`${file}: the top level must be a map`);
  const docs: ValueDoc[] = [];
  const undocumented: string[] = [];

  function walk(map: YAMLMap, prefix: string): void {
    map.items.forEach((pair: Pair, index) => {
      const key = `${prefix}${isScalar(pair.key) ? String(pair.key.value) : String(pair.key)}`;
      const keyComment = isScalar(pair.key) ? pair.key.commentBefore : undefined;
      const text = description(keyComment) ?? (index === 0 ? description(map.commentBefore) : undefined);
      if (text !== undefined) {
        const value: unknown = pair.value && typeof pair.value === 'object' && 'toJSON' in pair.value ? (pair.value as { toJSON(): unknown }).toJSON() : pair.value;
        docs.push({ key, type: typeOf(value), default: value, description: text });
      } else if (isMap(pair.value) && pair.value.items.length > 0) {
        walk(pair.value, `${key}.`);
      } else {
        undocumented.push(key);
      }
    });
  }
  walk(document.contents, '');
  if (undocumented.length > 0) throw new Error(`${file}: no "# -- " comment for ${undocumented.join(', ')}: document each key on the line above it`);
  return docs;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function valuesTable(docs: readonly ValueDoc[]): string {
  const rows = docs.map((doc) => `| \`${doc.key}\` | ${doc.type} | \`${cell(JSON.stringify(doc.default))}\` | ${cell(doc.description)} |`);
  return ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README with its values section replaced; throws when the markers are missing. */
export function withValuesSection(readme: string, table: string, file = 'README.md'): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`${file}: add the lines "${startMarker}" and "${endMarker}" where the values table belongs`);
  return `${readme.slice(0, start + startMarker.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
