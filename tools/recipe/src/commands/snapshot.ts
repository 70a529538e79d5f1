import { gatherEvidence, removeEvidence, storeEvidence } from '../io/evidence-store.ts';
import { commitPaths, git, pushWithRetry } from '../io/git.ts';
import { findRoot, loadReleases, recipePath, writeFilesAtomically, type Releases } from '../io/releases.ts';
import { readSnapshotText, snapshotPath } from '../io/snapshot-store.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { appendVerification, newSnapshot, parseSnapshot, snapshotId, snapshotToYaml, type SnapshotService, type Verification } from '../model/snapshot.ts';
import { clusterEvidence, type VerificationReport } from '../model/verification.ts';
import type { Command } from './command.ts';
import { clusterOptions, formatReport, parseTimeout, verifyEnvironment } from './verify.ts';

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

/** Writes a new snapshot, or appends the verification to the known snapshot of the same combination. */
export async function writeSnapshot(root: string, services: Record<string, SnapshotService>, verification: Verification): Promise<SnapshotWrite> {
  const id = snapshotId(services);
  const file = snapshotPath(id);
  const previous = (await readSnapshotText(root, id)) ?? null;
  let text: string;
  if (previous === null) {
    text = snapshotToYaml(newSnapshot({ services, verification }));
  } else {
    text = appendVerification(file, previous, verification, services);
  }
  parseSnapshot(file, text);
  await writeFilesAtomically(root, new Map([[file, text]]));
  return { id, file, created: previous === null, previous };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const snapshot: Command = {
  summary: 'verify an environment, then record its combination as a snapshot with the evidence',
  usage: `Usage: recipe snapshot <env> [--skip-verify "<reason>"] [--check <name>=<url-or-status>]...
                       [--evidence <check>=<junit.xml> | <file>]... [--commit] [--push] [--context <name>] [--json]

Runs "recipe verify <env>" and refuses (exit 1, nothing written) when the cluster does not match
the recipe. Then records the environment's combination (each service's commit, version and
image) in releases/snapshots/<first 12 hex of id>.yaml, the id being the SHA-256 of the sorted
"<service>=<image>:<commit>" lines. A combination recorded before keeps its file and services:
a verification is appended to it.

Options:
  --skip-verify "<reason>"  do not ask the cluster; the verification says so, with the reason
                            (gates that require verified snapshots will not accept it)
  --check <name>=<value>    a check: a URL (CI run) or a status (failed, error... count as failed); repeatable
  --evidence <check>=<junit.xml>
                            the JUnit XML report of a check: its counts and verdict are recorded
                            (a report with failures or errors records the check as failed), and
                            the report is stored in releases/snapshots/evidence/<sha256>.xml and
                            committed with the snapshot. A summary.json beside the report must
                            name this environment and the snapshot's commits, else exit 2 and
                            nothing is written. Repeatable, one report per check
  --evidence <file>         any other file, recorded by path and SHA-256 only (not stored); repeatable
  --commit                  commit the snapshot file: chore(releases): snapshot <env> <id>
  --push                    commit and push; when the remote moved, fetch, record again on top and retry
  --context <name>          kubeconfig context (default: the environment's, from environments.yaml)
  --timeout <seconds>       how long to wait for the API server (default 20)
  --json                    machine-readable output`,
  options: {
    ...clusterOptions,
    'skip-verify': { type: 'string' },
    check: { type: 'string', multiple: true, default: [] },
    evidence: { type: 'string', multiple: true, default: [] },
    commit: { type: 'boolean', default: false },
    push: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length) throw new RecipeError('expected exactly one environment', { hint: 'recipe snapshot <env>, e.g. recipe snapshot staging' });
    const skipReason = ctx.values['skip-verify'] as string | undefined;
    if (skipReason !== undefined && skipReason.trim() === '') {
      throw new RecipeError('--skip-verify needs a reason', { field: '--skip-verify', hint: 'say why the cluster was not checked, e.g. --skip-verify "cluster down for maintenance, e2e passed"' });
    }
    const root = findRoot(ctx.cwd, ctx.env);
    const releases = await loadReleases(root);
    const environment = findEnvironment(releases.environments, envName);
    const given = parseChecks(ctx.values.check as string[]);
    const services = combination(releases, environment.name);
    const evidence = await gatherEvidence({ args: ctx.values.evidence as string[], cwd: ctx.cwd, root, environment: environment.name, services });
    // A report without its own --check still records the check, with the report's verdict.
    const checks = { ...evidence.statuses, ...given };
    const recipeAt = await recipeCommit(root, environment.name);

    let report: VerificationReport | undefined;
    if (skipReason === undefined) {
      report = await verifyEnvironment({ releases, environment: environment.name, context: ctx.values.context as string | undefined, env: ctx.env, timeoutMs: parseTimeout(ctx.values.timeout) });
      if (!report.ok) {
        const refusal = `refusing to snapshot ${environment.name}: the cluster does not match its recipe; nothing was written`;
        if (ctx.json) ctx.stdout(JSON.stringify({ ok: false, refused: refusal, verification: report }, null, 2));
        else {
          ctx.stdout(formatReport(report));
          ctx.stderr(`recipe: ${refusal}\n  fix: wait for the rollout to finish or fix what is named above, then run it again; or record it unverified with --skip-verify "<reason>"`);
        }
        return 1;
      }
    }
    const verification: Verification = {
      environment: environment.name,
      at: now(),
      recipeCommit: recipeAt,
      verified: report !== undefined,
      skipReason: skipReason ?? null,
      ...(report ? { cluster: clusterEvidence(report) } : {}),
      checks,
      evidence: evidence.entries,
    };

    const push = Boolean(ctx.values.push);
    const commit = push || Boolean(ctx.values.commit);
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
    const result = written!;
    if (ctx.json) {
      ctx.stdout(
        JSON.stringify(
          { ok: true, id: result.id, file: result.file, created: result.created, verification, commit: landed?.commit, pushed: push ? { attempts: landed?.attempts } : undefined },
          null,
          2,
        ),
      );
    } else {
      const lines = report ? [formatReport(report), ''] : [`${environment.name} was not verified against its cluster: ${skipReason}`];
      lines.push(
        result.created
          ? `snapshot ${result.id.slice(0, 12)} of ${environment.name} written to ${result.file}`
          : `snapshot ${result.id.slice(0, 12)} already records this combination: verification in ${environment.name} appended to ${result.file}`,
      );
      if (landed) lines.push(`committed ${landed.commit.slice(0, 7)}${push ? `, pushed${landed.attempts > 1 ? ` after ${landed.attempts} attempts` : ''}` : ''}`);
      ctx.stdout(lines.join('\n'));
    }
    return 0;
  },
};

export default snapshot;
