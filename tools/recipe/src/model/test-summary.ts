// The JSON summary a post-deploy test run writes beside its JUnit report: which environment it
// ran against and which commit each deployable answered with. Pure: a report that tested other
// versions than the snapshot records must not become its evidence.
import { RecipeError } from './errors.ts';

/** The summary's file name, looked for in the folder of each --evidence <check>=<report>. */
export const SUMMARY_FILE = 'summary.json';

export interface SeenVersion {
  deployable: string;
  commit: string;
}

/**
 * The versions a summary names. Accepts `versions` as an object (`{ records: "<sha>" }` or
 * `{ records: { commit: "<sha>", version: "1.2.0" } }`) or a list of `{ name|service|deployable, commit }`.
 */
export function parseTestSummary(file: string, text: string): { environment?: string; versions: SeenVersion[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RecipeError(`is not JSON: ${(error as Error).message}`, { file, hint: 'give the summary.json the test run wrote beside its JUnit report, or remove the file' });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new RecipeError('is not a JSON object', { file, hint: 'the test summary is an object: { suite, environment, versions, ... }' });
  const record = data as Record<string, unknown>;
  const environment = typeof record.environment === 'string' ? record.environment : undefined;
  const versions: SeenVersion[] = [];
  const bad = (where: string) =>
    new RecipeError(`${where} is not a commit`, { file, field: where, hint: 'each deployable maps to its commit ("<sha>" or { commit: "<sha>" }), as its /version answered' });
  const commitOf = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null && typeof (value as { commit?: unknown }).commit === 'string') return (value as { commit: string }).commit;
    return undefined;
  };
  if (Array.isArray(record.versions)) {
    record.versions.forEach((entry, index) => {
      const item = (entry ?? {}) as Record<string, unknown>;
      const deployable = [item.name, item.service, item.deployable].find((v): v is string => typeof v === 'string');
      const commit = commitOf(item);
      if (deployable === undefined || commit === undefined) throw bad(`versions[${index}]`);
      versions.push({ deployable, commit });
    });
  } else if (typeof record.versions === 'object' && record.versions !== null) {
    for (const [deployable, value] of Object.entries(record.versions)) {
      const commit = commitOf(value);
      if (commit === undefined) throw bad(`versions.${deployable}`);
      versions.push({ deployable, commit });
    }
  }
  return { ...(environment === undefined ? {} : { environment }), versions };
}

/**
 * What in the summary contradicts the snapshot: another environment, a deployable the snapshot
 * does not record, or a commit other than the recorded one (a 7+ hex prefix of it is the same).
 */
export function summaryMismatches(summary: { environment?: string; versions: SeenVersion[] }, environment: string, services: Record<string, { commit: string }>): string[] {
  const out: string[] = [];
  if (summary.environment !== undefined && summary.environment !== environment) out.push(`it ran against ${summary.environment}, not ${environment}`);
  for (const { deployable, commit } of summary.versions) {
    const recorded = services[deployable]?.commit;
    const seen = commit.trim().toLowerCase();
    if (recorded === undefined) out.push(`it saw ${deployable} at ${commit}, a service ${environment}'s recipe does not list`);
    else if (!(seen.length >= 7 && /^[0-9a-f]+$/.test(seen) && recorded.startsWith(seen))) out.push(`it saw ${deployable} at ${commit}, the snapshot records ${recorded}`);
  }
  return out;
}
