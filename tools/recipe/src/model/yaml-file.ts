// A YAML file parsed as a Document (comments and order kept) with the positions needed to point
// people at the exact line and column of a problem.
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { RecipeError } from './errors.ts';

/**
 * What recipe reads from one YAML file (docs/formats.md, "Limits"): a file from a branch or a
 * pull request may be hostile, and an alias bomb of a few hundred bytes, a deeply nested flow
 * sequence or a 50 MB recipe must stop with a message, not exhaust memory or the stack.
 */
export const YAML_LIMITS = {
  /** Bytes of one file; a recipe of 30,000 services is about 3.5 MB. */
  maxBytes: 4 * 1024 * 1024,
  /** Collections nested in collections (js-yaml's default). */
  maxDepth: 100,
  /** Values that aliases (`*name`) may add to what the file spells out. */
  maxAliasedValues: 10_000,
} as const;

const MB = 1024 * 1024;
const LIMITS_HINT = 'see "Limits" in tools/recipe/docs/formats.md';

/** A RecipeError when `text` is over the size limit, for readers that collect problems rather than stop. */
export function yamlSizeProblem(text: string, file: string): RecipeError | undefined {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only when the text could be over.
  if (text.length * 3 <= YAML_LIMITS.maxBytes) return undefined;
  return yamlBytesProblem(Buffer.byteLength(text, 'utf8'), file);
}

/** A RecipeError when a file of `bytes` is over the size limit: readers check this before reading. */
export function yamlBytesProblem(bytes: number, file: string): RecipeError | undefined {
  if (bytes <= YAML_LIMITS.maxBytes) return undefined;
  return new RecipeError(`the file is ${(bytes / MB).toFixed(1)} MB: recipe reads YAML files of at most ${YAML_LIMITS.maxBytes / MB} MB`, {
    file,
    hint: `keep releases files small (a recipe names commits, a values file only what differs per environment); ${LIMITS_HINT}`,
  });
}

function checkSize(text: string, file: string): void {
  const problem = yamlSizeProblem(text, file);
  if (problem) throw problem;
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** The values directly inside a map or a sequence. */
function childrenOf(node: object): readonly unknown[] {
  return Array.isArray(node) ? node : Object.values(node);
}

/**
 * How many values aliases add, and how deep the data nests, counted over the data as parsed:
 * an alias is the same object reached twice, so each object's expanded size is computed once
 * (iteratively: no input can exhaust the stack here).
 */
function measure(data: unknown): { aliased: number; depth: number } {
  if (!isCollection(data)) return { aliased: 0, depth: 0 };
  const values = new Map<object, number>();
  const depths = new Map<object, number>();
  const entered = new Set<object>();
  let written = 0;
  // Each object is pushed to be entered, then again (with its children) to be summed on exit.
  const nodes: object[] = [data];
  const exits: Array<readonly unknown[] | undefined> = [undefined];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const children = exits.pop();
    if (children !== undefined) {
      let size = 1;
      let depth = 0;
      for (const child of children) {
        if (!isCollection(child)) {
          size += 1;
          continue;
        }
        // Not summed yet while its parent exits: the child contains the parent (a cycle).
        size += values.get(child) ?? Infinity;
        depth = Math.max(depth, depths.get(child) ?? Infinity);
      }
      values.set(node, size);
      depths.set(node, depth + 1);
      continue;
    }
    if (entered.has(node)) continue;
    entered.add(node);
    const inside = childrenOf(node);
    written += 1;
    nodes.push(node);
    exits.push(inside);
    for (const child of inside) {
      if (!isCollection(child)) written += 1;
      else if (!entered.has(child)) {
        nodes.push(child);
        exits.push(undefined);
      }
    }
  }
  return { aliased: values.get(data)! - written, depth: depths.get(data)! };
}

function checkShape(data: unknown, file: string): void {
  const { aliased, depth } = measure(data);
  if (depth > YAML_LIMITS.maxDepth) {
    throw new RecipeError(`collections nest ${depth} deep: recipe reads at most ${YAML_LIMITS.maxDepth} levels`, { file, hint: `flatten the structure; ${LIMITS_HINT}` });
  }
  if (aliased > YAML_LIMITS.maxAliasedValues) {
    const amount = !Number.isFinite(aliased) ? 'without end' : `${aliased < 1e12 ? aliased.toLocaleString('en') : aliased.toExponential(1)} values`;
    throw new RecipeError(`aliases (*name) expand the data by ${amount}: recipe allows at most ${YAML_LIMITS.maxAliasedValues.toLocaleString('en')}`, {
      file,
      hint: `write the values out instead of nesting aliases of aliases; ${LIMITS_HINT}`,
    });
  }
}

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
  checkSize(text, file);
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
  checkSize(text, file);
  let composed: { doc: Document; lineCounter: LineCounter } | undefined;
  const document = () => (composed ??= compose(text, file));
  let data: unknown;
  // js-yaml already bounds nesting as it parses; only an alias (always written "*") can share
  // objects and grow the data or its depth, so a file without "*" needs no measuring.
  let measured = !text.includes('*');
  try {
    data = load(text, { schema: CORE_SCHEMA, filename: file, maxDepth: YAML_LIMITS.maxDepth }) ?? null;
  } catch (error) {
    if (error instanceof YAMLException && /maxDepth/.test(error.reason)) {
      throw new RecipeError(`collections nest deeper than ${YAML_LIMITS.maxDepth} levels: recipe reads at most ${YAML_LIMITS.maxDepth}`, {
        file,
        line: error.mark ? error.mark.line + 1 : undefined,
        column: error.mark ? error.mark.column + 1 : undefined,
        hint: `flatten the structure; ${LIMITS_HINT}`,
      });
    }
    data = toData(document().doc, file);
    measured = false;
  }
  if (!measured) checkShape(data, file);
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

/** The Document as plain data; yaml's own alias limit stops a bomb before it is expanded. */
function toData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new RecipeError(`aliases (*name) expand the data too far: ${error.message}`, { file, hint: `write the values out instead of nesting aliases of aliases; ${LIMITS_HINT}` });
  }
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
