// A YAML file parsed as a Document (comments and order kept) with the positions needed to point
// people at the exact line and column of a problem.
import { CORE_SCHEMA, load } from 'js-yaml';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { RecipeError } from './errors.ts';

export type PathSegment = string | number;

export interface YamlFile {
  /** Path shown to people, relative to the repository root. */
  file: string;
  text: string;
  /** The content as plain data. */
  readonly data: unknown;
  /** The Document (comments, order, positions), composed on first use. */
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

function compose(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, keepSourceTokens: false });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new RecipeError(`invalid YAML: ${first.message.split('\n')[0]}`, {
      file,
      line: pos?.line,
      column: pos?.col,
      hint: 'fix the YAML syntax at that position (indentation, a missing colon or quote)',
    });
  }
  return { doc, lineCounter };
}

/**
 * Parses one YAML document. The plain data comes from js-yaml (YAML 1.2 core schema), several
 * times faster than composing a Document, which matters with hundreds of services; the yaml
 * Document, needed for positions in messages and for edits, is composed only when asked for.
 * Anything js-yaml refuses goes through the yaml library, whose message and position are reported.
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  let composed: { doc: Document; lineCounter: LineCounter } | undefined;
  const document = () => (composed ??= compose(text, file));
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, filename: file }) ?? null;
  } catch {
    data = document().doc.toJS();
  }
  return {
    file,
    text,
    data,
    get doc() {
      return document().doc;
    },
    get lineCounter() {
      return document().lineCounter;
    },
  };
}

/** `services.records.commit`, `environments[1].name`: the form used in messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/**
 * Line and column of the node at `path`, or of its nearest existing parent. With `key`, of the
 * map key itself (for an unknown field) rather than its value.
 */
export function locate(yaml: YamlFile, path: readonly PathSegment[], key = false): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    let node: Node | undefined;
    if (key && depth === path.length && depth > 0) {
      const parent = yaml.doc.getIn(sub.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === sub.at(-1));
        if (pair && isScalar(pair.key)) node = pair.key;
      }
    }
    node ??= (sub.length === 0 ? yaml.doc.contents : yaml.doc.getIn(sub, true)) as Node | undefined;
    if (node && typeof node === 'object' && node.range) {
      const pos = yaml.lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

/** A RecipeError pointing at `path` in the file. */
export function problemAt(yaml: YamlFile, path: readonly PathSegment[], message: string, hint?: string, options: { key?: boolean; exitCode?: 1 | 2 } = {}): RecipeError {
  return new RecipeError(message, {
    file: yaml.file,
    ...locate(yaml, path, options.key),
    field: path.length ? formatPath(path) : undefined,
    hint,
    exitCode: options.exitCode ?? 2,
  });
}
