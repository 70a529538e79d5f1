// releases/<env>/recipe.yaml: which commit of each service runs in an environment. Read into
// plain data; edited in place through the yaml Document so comments and order survive.
import { isMap, type Document } from 'yaml';
import { RecipeError } from './errors.ts';
import type { Environments } from './environments.ts';
import { recipeSchema, schemaProblems } from './schema.ts';
import { problemAt, type YamlFile } from './yaml-file.ts';

export interface ServiceVersion {
  commit: string;
  version?: string;
}

export interface Hold {
  reason: string;
  since?: string;
  by?: string;
}

export interface Recipe {
  environment: string;
  snapshot?: string;
  override?: string;
  hold?: Hold;
  services: Record<string, ServiceVersion>;
}

/** Validates a recipe against the schema and environments.yaml; returns the value or every problem. */
export function validateRecipe(yaml: YamlFile, env: string, environments: Environments | undefined): { value?: Recipe; problems: RecipeError[] } {
  const problems = schemaProblems(yaml, recipeSchema);
  if (problems.length) return { problems };
  const raw = yaml.doc.toJS() as Recipe & { services: Recipe['services'] | null };
  const recipe: Recipe = { ...raw, services: raw.services ?? {} };
  if (recipe.environment !== env) {
    problems.push(problemAt(yaml, ['environment'], `says "${recipe.environment}" but the file is in releases/${env}/`, `set "environment: ${env}" or move the file`));
  }
  if (environments) {
    for (const service of Object.keys(recipe.services)) {
      if (!environments.services[service]) {
        problems.push(problemAt(yaml, ['services', service], `unknown service "${service}"`, `add it under services: in releases/environments.yaml, or remove it here; known services: ${Object.keys(environments.services).join(', ') || '(none)'}`, { key: true }));
      }
    }
  }
  return problems.length ? { problems } : { value: recipe, problems };
}

export interface ServiceChange {
  service: string;
  commit: string;
  /** Written when given; removed when undefined, so a stale version never sits beside a new commit. */
  version?: string;
}

/**
 * Points each service at its new commit inside the recipe document: an existing entry keeps its
 * comments and position, and only its changed lines move; a new service is appended.
 */
export function applyServiceCommits(doc: Document, changes: readonly ServiceChange[]): void {
  if (!isMap(doc.get('services', true))) doc.set('services', doc.createNode({}));
  for (const change of changes) {
    const entry = doc.getIn(['services', change.service], true);
    if (!isMap(entry)) {
      doc.setIn(['services', change.service], doc.createNode(change.version === undefined ? { commit: change.commit } : { commit: change.commit, version: change.version }));
      continue;
    }
    entry.set('commit', change.commit);
    if (change.version === undefined) entry.delete('version');
    else entry.set('version', change.version);
  }
}

/** Sets or clears the `snapshot:` a recipe was filled from. */
export function setRecipeSnapshot(doc: Document, snapshotId: string | undefined): void {
  if (snapshotId === undefined) doc.delete('snapshot');
  else doc.set('snapshot', snapshotId);
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

/** Serialises an edited recipe document the way it was written (no re-wrapping of long lines). */
export function stringifyRecipe(doc: Document): string {
  return doc.toString({ lineWidth: 0 });
}
