// The field tables of docs/formats.md, generated from the JSON Schemas (the one source of each
// format): every field with its type, whether it is required, its rules and its description.
// Pure: schema in, Markdown out; format-docs.generate.ts writes them into the doc, a test checks it.

interface SchemaNode {
  type?: string | readonly string[];
  enum?: readonly unknown[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: readonly string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minProperties?: number;
  uniqueItems?: boolean;
  minimum?: number;
}

interface FieldRow {
  field: string;
  type: string;
  required: boolean;
  rules: string[];
  description: string;
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' or ');
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type as string];
  return types
    .map((type) => {
      if (type === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
      if (type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') return `map of ${typeOf(node.additionalProperties)}`;
      return type;
    })
    .join(' or ');
}

function rulesOf(node: SchemaNode): string[] {
  const rules: string[] = [];
  if (node.pattern !== undefined) rules.push(`matches \`${node.pattern}\``);
  if (node.minLength === 1) rules.push('not empty');
  else if (node.minLength !== undefined) rules.push(`at least ${node.minLength} characters`);
  if (node.maxLength !== undefined) rules.push(`at most ${node.maxLength} characters`);
  if (node.minimum !== undefined) rules.push(`at least ${node.minimum}`);
  if (node.minItems !== undefined) rules.push(`at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
  if (node.minProperties !== undefined) rules.push(`at least ${node.minProperties} entr${node.minProperties === 1 ? 'y' : 'ies'}`);
  if (node.uniqueItems) rules.push('no duplicates');
  if (node.propertyNames?.pattern !== undefined) rules.push(`keys match \`${node.propertyNames.pattern}\``);
  if (node.additionalProperties === false && node.properties) rules.push('no other fields');
  return rules;
}

/** Every field of the schema, depth first: `a.b`, `list[].c`, `map.<key>.d`. */
export function fieldRows(schema: SchemaNode): FieldRow[] {
  const rows: FieldRow[] = [];
  const walk = (node: SchemaNode, prefix: string) => {
    const children: [string, SchemaNode, boolean][] = Object.entries(node.properties ?? {}).map(([key, child]) => [`${prefix}${key}`, child, (node.required ?? []).includes(key)]);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') children.push([`${prefix}<name>`, node.additionalProperties, false]);
    if (node.items) children.push([`${prefix.replace(/\.$/, '')}[]`, node.items, false]);
    for (const [field, child, required] of children) {
      const isItem = field.endsWith('[]') || field.endsWith('<name>');
      if (!isItem) rows.push({ field, type: typeOf(child), required, rules: rulesOf(child), description: child.description ?? '' });
      // A list's or map's entries are described in the rows of their fields.
      if (child.properties || child.items || (child.additionalProperties && typeof child.additionalProperties === 'object' && (child.additionalProperties.properties || child.additionalProperties.items))) {
        walk(child, `${field}.`);
      }
    }
  };
  walk(schema, '');
  return rows;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The Markdown table of a schema's fields. */
export function fieldTable(schema: SchemaNode): string {
  const lines = ['| field | type | required | rules | what it is |', '| --- | --- | --- | --- | --- |'];
  for (const row of fieldRows(schema)) {
    lines.push(`| \`${cell(row.field)}\` | ${cell(row.type)} | ${row.required ? 'yes' : 'no'} | ${cell(row.rules.join('; '))} | ${cell(row.description)} |`);
  }
  return lines.join('\n');
}

const BLOCK = /(<!-- fields: ([^\s>]+) -->)[\s\S]*?(<!-- end fields -->)/g;

/**
 * The doc with each `<!-- fields: <schema $id> -->` ... `<!-- end fields -->` block filled with
 * that schema's table; throws when a block names a schema that is not given.
 */
export function withFieldTables(doc: string, schemas: Record<string, SchemaNode>): string {
  return doc.replace(BLOCK, (_match, open: string, id: string, close: string) => {
    const schema = schemas[id];
    if (!schema) throw new Error(`docs/formats.md names the schema "${id}", which does not exist; known: ${Object.keys(schemas).join(', ')}`);
    return `${open}\n<!-- generated from the schema by src/model/format-docs.generate.ts: do not edit -->\n\n${fieldTable(schema)}\n\n${close}`;
  });
}

/** The `$id`s of the schemas whose tables the doc holds. */
export function fieldBlocks(doc: string): string[] {
  return [...doc.matchAll(BLOCK)].map((match) => match[2]!);
}
