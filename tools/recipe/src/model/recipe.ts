// releases/<env>/recipe.yaml: which commit of each service runs in an environment. Read into
// plain data; edited in place through the yaml Document so comments and order survive.
import { isMap, isScalar, parse, type YAMLMap } from 'yaml';
import { RecipeError } from './errors.ts';
import type { Environments } from './environments.ts';
import { recipeSchema, schemaProblems, type RecipeDocument } from './schema.ts';
import { problemAt, type YamlFile } from './yaml-file.ts';

// The types derive from the schema (schema.ts).
/** A service's entry: commit and, for people, version. */
export type ServiceVersion = NonNullable<RecipeDocument['services']>[string];

/** Why and since when an environment is frozen. */
export type Hold = NonNullable<RecipeDocument['hold']>;

/** A recipe as read: `services` is always a mapping (an empty `services:` is none). */
export type Recipe = Omit<RecipeDocument, 'services'> & { services: Record<string, ServiceVersion> };

/** Validates a recipe against the schema and environments.yaml; returns the value or every problem. */
export function validateRecipe(yaml: YamlFile, env: string, environments: Environments | undefined): { value?: Recipe; problems: RecipeError[] } {
  const problems = schemaProblems(yaml, recipeSchema);
  const raw = yaml.data as Partial<Recipe> | null;
  const services = raw && typeof raw.services === 'object' && raw.services !== null ? raw.services : {};
  if (environments) {
    for (const service of Object.keys(services)) {
      if (!environments.services[service]) {
        problems.push(problemAt(yaml, ['services', service], `unknown service "${service}"`, `add it under services: in releases/environments.yaml, or remove it here; known services: ${Object.keys(environments.services).join(', ') || '(none)'}`, { key: true }));
      }
    }
  }
  if (raw && typeof raw.environment === 'string' && raw.environment !== env) {
    problems.push(problemAt(yaml, ['environment'], `says "${raw.environment}" but the file is in releases/${env}/`, `set "environment: ${env}" or move the file`));
  }
  if (problems.length) return { problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) };
  return { value: { ...(raw as Recipe), services: services as Recipe['services'] }, problems };
}

export interface ServiceChange {
  service: string;
  commit: string;
  /** Written when given; removed when undefined, so a stale version never sits beside a new commit. */
  version?: string;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

// Edits that could be made as splices of the original text (so every other byte survives), per file;
// `structural` once an edit needed the Document to be re-serialised.
const pending = new WeakMap<YamlFile, { splices: Splice[]; structural: boolean }>();

function editsOf(yaml: YamlFile) {
  let edits = pending.get(yaml);
  if (!edits) pending.set(yaml, (edits = { splices: [], structural: false }));
  return edits;
}

/** The scalar written the way the original was: plain when it stays a string, else quoted. */
function scalarSource(original: string, value: string): string {
  const quote = original[0];
  if (quote === "'") return `'${value.replaceAll("'", "''")}'`;
  if (quote === '"') return JSON.stringify(value);
  return typeof parse(value) === 'string' && !/[#:]|^\s|\s$/.test(value) ? value : JSON.stringify(value);
}

function setScalar(yaml: YamlFile, map: YAMLMap, key: string, value: string): void {
  const node = map.get(key, true);
  if (isScalar(node) && node.range && !node.srcToken?.type.startsWith('block') && yaml.text.slice(node.range[0], node.range[1]).indexOf('\n') === -1) {
    editsOf(yaml).splices.push({ start: node.range[0], end: node.range[1], text: scalarSource(yaml.text.slice(node.range[0], node.range[1]), value) });
  } else {
    editsOf(yaml).structural = true;
  }
  map.set(key, value);
}

function deleteKey(yaml: YamlFile, map: YAMLMap, key: string): void {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (!pair) return;
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  const valueRange = isScalar(pair.value) ? pair.value.range : undefined;
  if (keyRange && valueRange && !map.flow) {
    // Remove the whole line `key: value  # comment`.
    const lineStart = yaml.text.lastIndexOf('\n', keyRange[0] - 1) + 1;
    const newline = yaml.text.indexOf('\n', valueRange[1]);
    const lineEnd = newline === -1 ? yaml.text.length : newline + 1;
    if (yaml.text.slice(lineStart, keyRange[0]).trim() === '') editsOf(yaml).splices.push({ start: lineStart, end: lineEnd, text: '' });
    else editsOf(yaml).structural = true;
  } else {
    editsOf(yaml).structural = true;
  }
  map.delete(key);
}

/**
 * Points each service at its new commit inside the recipe: an existing entry keeps its comments,
 * spacing and position, and only its changed lines move; a new service is appended.
 */
export function applyServiceCommits(yaml: YamlFile, changes: readonly ServiceChange[]): void {
  const { doc } = yaml;
  if (!isMap(doc.get('services', true))) {
    editsOf(yaml).structural = true;
    doc.set('services', doc.createNode({}));
  }
  for (const change of changes) {
    const entry = doc.getIn(['services', change.service], true);
    if (!isMap(entry)) {
      editsOf(yaml).structural = true;
      doc.setIn(['services', change.service], doc.createNode(change.version === undefined ? { commit: change.commit } : { commit: change.commit, version: change.version }));
      continue;
    }
    setScalar(yaml, entry, 'commit', change.commit);
    if (change.version === undefined) deleteKey(yaml, entry, 'version');
    else if (entry.has('version')) setScalar(yaml, entry, 'version', change.version);
    else {
      editsOf(yaml).structural = true;
      entry.set('version', change.version);
    }
  }
}

/** Sets or clears the `snapshot:` a recipe was filled from. */
export function setRecipeSnapshot(yaml: YamlFile, snapshotId: string | undefined): void {
  const root = yaml.doc.contents;
  if (!isMap(root)) return;
  if (snapshotId === undefined) deleteKey(yaml, root, 'snapshot');
  else if (root.has('snapshot')) setScalar(yaml, root, 'snapshot', snapshotId);
  else {
    editsOf(yaml).structural = true;
    yaml.doc.set('snapshot', snapshotId);
  }
}

/**
 * The edited recipe's text: the original bytes with only the edited values replaced when that
 * is possible, else the Document re-serialised (comments and order still kept).
 */
export function stringifyRecipe(yaml: YamlFile): string {
  const edits = pending.get(yaml);
  if (!edits) return yaml.text;
  if (edits.structural) return yaml.doc.toString({ lineWidth: 0 });
  let text = yaml.text;
  for (const splice of [...edits.splices].sort((a, b) => b.start - a.start)) text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
  return text;
}

/** The refusal every command that moves an environment gives while it is held. */
export function holdError(env: string, hold: Hold, file: string): RecipeError {
  const since = hold.since ? ` since ${hold.since}` : '';
  const by = hold.by ? ` by ${hold.by}` : '';
  return new RecipeError(`environment "${env}" is on hold${since}${by}: ${hold.reason}`, {
    file,
    field: 'hold',
    exitCode: 1,
    hint: `fix the cause, then run "recipe unhold ${env}" before moving it`,
  });
}
