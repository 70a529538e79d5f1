import { gatherEvidence, removeEvidence, storeEvidence } from '../io/evidence-store.ts';
import { commitPaths, git, headCommit, pushWithRetry } from '../io/git.ts';
import { loadReleases, recipePath, writeFilesAtomically, type Releases } from '../io/releases.ts';
import { combinationsAt, readSnapshotText, snapshotPath } from '../io/snapshot-store.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { appendVerification, newSnapshot, parseSnapshot, snapshotId, snapshotRefToYaml, type Snapshot, type SnapshotService, type Verification } from '../model/snapshot.ts';
import { clusterEvidence, type VerificationReport } from '../model/verification.ts';
import { verifyEnvironment } from './verify.ts';

const CHECK = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)$/;

/** `--check name=url-or-status`, each name once. */
export function parseChecks(args: readonly string[]): Record<string, string> {
  const checks: Record<string, string> = {};
  for (const arg of args) {
    const match = CHECK.exec(arg);
    if (!match) throw new RecipeError(`--check "${arg}" is not <name>=<url-or-status>`, { field: '--check', hint: 'e.g. --check e2e=https://ci.example.com/runs/123 or --check smoke=passed' });
    const [, name = '', value = ''] = match;
    if (name in checks) throw new RecipeError(`--check ${name} is given twice`, { field: '--check', hint: 'name each check once' });
    checks[name] = value;
  }
  return checks;
}

/** The releases commit that last changed releases/<env>/recipe.yaml; refuses when the file has uncommitted changes. */
export async function recipeCommit(root: string, environment: string): Promise<string> {
  const file = recipePath(environment);
  const dirty = (await git(root, ['status', '--porcelain', '--', file])).trim();
  if (dirty) {
    throw new RecipeError(`${file} has uncommitted changes`, { file, hint: 'a snapshot records the committed recipe: commit (and let Flux apply) the change first, or discard it' });
  }
  const commit = (await git(root, ['log', '-1', '--format=%H', '--', file])).trim();
  if (!commit) throw new RecipeError(`${file} has never been committed`, { file, hint: 'commit it first: the snapshot records the recipe commit that was verified' });
  return commit;
}

/** Each service of the environment's recipe with its commit, version and image repository. */
export function combination(releases: Releases, environment: string): Record<string, SnapshotService> {
  const recipe = releases.recipes.get(environment)!.recipe;
  const services: Record<string, SnapshotService> = {};
  for (const name of Object.keys(recipe.services).sort()) {
    const { commit, version } = recipe.services[name]!;
    const image = releases.environments.services[name]!.image;
    services[name] = version === undefined ? { commit, image } : { commit, version, image };
  }
  if (Object.keys(services).length === 0) {
    throw new RecipeError(`the recipe of ${environment} lists no services: there is nothing to snapshot`, { file: recipePath(environment), field: 'services', hint: `set its services first, e.g. recipe set ${environment} <service>=<commit>` });
  }
  return services;
}

export interface SnapshotWrite {
  id: string;
  file: string;
  /** True when the combination was new; false when a verification was appended to a known one. */
  created: boolean;
  /** The file's content before (null: it did not exist), to put it back if committing fails. */
  previous: string | null;
}

/**
 * Writes a new snapshot (format 2: it names HEAD, where git stores the combination), or appends
 * the verification to the known snapshot of the same combination; a format 1 file is rewritten
 * in format 2 on the way. Refuses when the combination is not the one committed at HEAD.
 */
export async function writeSnapshot(root: string, services: Record<string, SnapshotService>, verification: Verification): Promise<SnapshotWrite> {
  const id = snapshotId(services);
  const file = snapshotPath(id);
  const environment = verification.environment;
  const head = await headCommit(root);
  const stored = (await combinationsAt(root, [{ commit: head, environment }])).get(`${head}:${environment}`);
  if (stored === undefined || snapshotId(stored) !== id) {
    throw new RecipeError(`the combination of ${environment} in the working tree is not the one committed at HEAD`, {
      file: 'releases/environments.yaml',
      field: 'services',
      hint: `a snapshot names the releases commit that holds its combination: commit (or discard) the changes to releases/environments.yaml and ${recipePath(environment)} first`,
    });
  }
  const previous = (await readSnapshotText(root, id)) ?? null;
  let text: string;
  if (previous === null) {
    text = snapshotRefToYaml(newSnapshot({ services, verification }), head);
  } else {
    const known = parseSnapshot(file, previous);
    const current = known.recipe ? previous : snapshotRefToYaml(known as Snapshot, head);
    text = appendVerification(file, current, verification, services);
  }
  parseSnapshot(file, text);
  await writeFilesAtomically(root, new Map([[file, text]]));
  return { id, file, created: previous === null, previous };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface SnapshotOptions {
  root: string;
  environment: string;
  /** Where relative `evidence` paths are resolved (the invoking folder). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Record without asking the cluster, for this reason (gates that need verified snapshots refuse it). */
  skipReason?: string;
  /** Checks that passed: name -> URL or status. */
  checks?: Record<string, string>;
  /** `<check>=<junit.xml>` (parsed, stored, its verdict recorded) or `<file>` (path and SHA-256 only). */
  evidence?: readonly string[];
  /** Kubeconfig context; default: the environment's. */
  context?: string;
  timeoutMs?: number;
  commit?: boolean;
  push?: boolean;
}

export type SnapshotOutcome =
  | { ok: false; refused: string; report: VerificationReport }
  | (SnapshotWrite & { ok: true; verification: Verification; report?: VerificationReport; committed: boolean; pushed: boolean; landed?: { commit: string; attempts: number } });

/**
 * `recipe snapshot`: verifies the environment against its cluster (unless `skipReason`), then
 * records its combination with the evidence; refuses (nothing written) when they do not match.
 */
export async function recordSnapshot(options: SnapshotOptions): Promise<SnapshotOutcome> {
  const { root } = options;
  const releases = await loadReleases(root);
  const environment = findEnvironment(releases.environments, options.environment);
  const services = combination(releases, environment.name);
  const evidence = await gatherEvidence({ args: options.evidence ?? [], cwd: options.cwd, root, environment: environment.name, services });
  // A report without its own --check still records the check, with the report's verdict.
  const checks = { ...evidence.statuses, ...options.checks };
  const recipeAt = await recipeCommit(root, environment.name);

  let report: VerificationReport | undefined;
  if (options.skipReason === undefined) {
    report = await verifyEnvironment({ root, releases, environment: environment.name, context: options.context, env: options.env, timeoutMs: options.timeoutMs });
    if (!report.ok) return { ok: false, refused: `refusing to snapshot ${environment.name}: the cluster does not match its recipe; nothing was written`, report };
  }
  const verification: Verification = {
    environment: environment.name,
    at: now(),
    recipeCommit: recipeAt,
    verified: report !== undefined,
    skipReason: options.skipReason ?? null,
    ...(report ? { cluster: clusterEvidence(report) } : {}),
    checks,
    evidence: evidence.entries,
  };

  const push = Boolean(options.push);
  const commit = push || Boolean(options.commit);
  let written: SnapshotWrite | undefined;
  let landed: { commit: string; attempts: number } | undefined;
  if (!commit) {
    written = await writeSnapshot(root, services, verification);
    await storeEvidence(root, evidence.store);
  } else {
    const apply = async (): Promise<string> => {
      written = await writeSnapshot(root, services, verification);
      const stored = await storeEvidence(root, evidence.store);
      const message = written.created
        ? `chore(releases): snapshot ${environment.name} as ${written.id.slice(0, 12)}`
        : `chore(releases): verify snapshot ${written.id.slice(0, 12)} in ${environment.name}`;
      try {
        return await commitPaths(root, [written.file, ...evidence.store.keys()], message);
      } catch (error) {
        await writeFilesAtomically(root, new Map([[written.file, written.previous]]));
        await removeEvidence(root, stored);
        throw error;
      }
    };
    landed = push ? await pushWithRetry({ cwd: root, apply }) : { commit: await apply(), attempts: 0 };
  }
  return { ok: true, ...written!, verification, ...(report ? { report } : {}), committed: commit, pushed: push, ...(landed ? { landed } : {}) };
}

