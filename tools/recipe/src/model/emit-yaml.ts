// A small YAML emitter for plain data (maps, lists, strings, numbers, booleans, null), used for
// the generated flux/ files: rendering thousands of objects through the yaml library's Document
// model costs seconds; this writes the same data in one pass. Strings that could read as
// anything but themselves are double-quoted (JSON escapes are valid YAML); tests parse the
// output back with the yaml library to prove it round-trips.

const reserved = /^(?:true|false|null|yes|no|on|off|y|n|~|=|\.inf|\.nan|-\.inf|<<)$/i;
const numberLike = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F_]+$|^0o[0-7_]+$|^0b[01_]+$/;
// Block-context plain scalars: no leading indicator, no space (so no ": " or " #"), no trailing colon.
const plain = /^[A-Za-z0-9_./=+][A-Za-z0-9_./=+@%~:-]*$/;

export function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  const text = String(value);
  if (plain.test(text) && !text.endsWith(':') && !/^[0-9].*:/.test(text) && !reserved.test(text) && !numberLike.test(text)) return text;
  return JSON.stringify(text);
}

function isBlockable(text: string): boolean {
  return text.includes('\n') && text.endsWith('\n') && !text.endsWith('\n\n') && !/[\r\t]/.test(text) && !text.startsWith(' ') && !/ \n/.test(text);
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function block(text: string, indent: string): string[] {
  return text.slice(0, -1).split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
}

function mapLines(value: Record<string, unknown>, indent: string): string[] {
  const out: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const head = `${indent}${scalar(key)}:`;
    if (typeof item === 'string' && isBlockable(item)) out.push(`${head} |`, ...block(item, `${indent}  `));
    else if (item !== null && typeof item === 'object' && !isEmpty(item)) out.push(head, ...nodeLines(item, `${indent}  `));
    else out.push(`${head} ${inline(item)}`);
  }
  return out;
}

function listLines(value: unknown[], indent: string): string[] {
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && isBlockable(item)) out.push(`${indent}- |`, ...block(item, `${indent}  `));
    else if (item !== null && typeof item === 'object' && !isEmpty(item)) {
      const lines = nodeLines(item, `${indent}  `);
      if (Array.isArray(item)) out.push(`${indent}-`, ...lines);
      else out.push(`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1));
    } else out.push(`${indent}- ${inline(item)}`);
  }
  return out;
}

function nodeLines(value: object, indent: string): string[] {
  return Array.isArray(value) ? listLines(value, indent) : mapLines(value as Record<string, unknown>, indent);
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return scalar(value);
}

/** One YAML document body (no `---`), ending in a newline. */
export function emitYaml(value: Record<string, unknown>): string {
  return `${mapLines(value, '').join('\n')}\n`;
}
