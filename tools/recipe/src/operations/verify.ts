import { loadReleases, recipePath, type Releases } from '../io/releases.ts';
import { pollDelay, VERIFY_BACKOFF, type Backoff } from '../model/backoff.ts';
import { findEnvironment } from '../model/environments.ts';
import { table } from '../model/format.ts';
import { formatDuration } from '../model/gates.ts';
import { RecipeError } from '../model/errors.ts';
import { buildReport, compareService, type ExpectedService, type VerificationReport } from '../model/verification.ts';

export interface VerifyInput {
  root: string;
  /** The releases already loaded from `root`, when the caller has them. */
  releases?: Releases;
  environment: string;
  /** --context; default: the environment's context in environments.yaml. */
  context?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** What the environment's recipe expects, per service, sorted by name. */
export function expectedServices(releases: Releases, environment: string): ExpectedService[] {
  const recipe = releases.recipes.get(environment)?.recipe;
  if (!recipe) throw new RecipeError(`environment "${environment}" has no recipe`, { file: recipePath(environment), hint: 'run "recipe lint" for details' });
  return Object.entries(recipe.services)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([service, { commit }]) => {
      const declared = releases.environments.services[service];
      if (!declared) throw new RecipeError(`unknown service "${service}"`, { file: recipePath(environment), field: `services.${service}`, hint: 'add it to releases/environments.yaml' });
      // The HelmRelease rendered by `recipe render` is named after the service.
      return { service, commit, image: declared.image, release: service };
    });
}

/** Reads the environment's cluster and compares it with the recipe. Cluster failures throw (exit 2). */
export async function verifyEnvironment(input: VerifyInput): Promise<VerificationReport> {
  const releases = input.releases ?? (await loadReleases(input.root));
  const environment = findEnvironment(releases.environments, input.environment);
  const context = input.context ?? environment.context;
  // The Kubernetes client takes most of a second to load: only callers that ask a cluster pay for it.
  const { Cluster } = await import('../io/cluster.ts');
  const cluster = new Cluster({
    env: input.env,
    context,
    contextOrigin: input.context === undefined ? `releases/environments.yaml (environment ${environment.name})` : '--context',
    timeoutMs: input.timeoutMs,
  });
  const expected = expectedServices(releases, environment.name);
  const states = await cluster.environmentState(environment.namespace, expected);
  const verdicts = expected.map((service) => compareService(service, states.get(service.service)!, environment.namespace));
  return buildReport({ environment: environment.name, namespace: environment.namespace, context: cluster.connection.context, server: cluster.connection.server, verdicts });
}

/** service | expected | seen | ready | verdict, then each problem on its own line. */
export function formatReport(report: VerificationReport): string {
  const rows = [['SERVICE', 'EXPECTED', 'SEEN', 'READY', 'VERDICT']];
  for (const s of report.services) {
    const seen = s.seenTags.map((tag) => (/^[0-9a-f]{40}$/.test(tag) ? tag.slice(0, 12) : tag)).join(',') || '-';
    const hr = s.helmRelease ? (s.helmRelease.ready ? 'hr ready' : 'hr not ready') : 'no hr';
    rows.push([s.service, s.expected.commit.slice(0, 12), seen, `${s.replicas.ready}/${s.replicas.desired} ${hr}`, s.ok ? 'ok' : `MISMATCH (${s.problems.length})`]);
  }
  const lines = [`environment ${report.environment}: namespace ${report.namespace}, context ${report.context} (${report.server})`, '', table(rows)];
  const problems = report.services.flatMap((s) => s.problems.map((p) => `  ${s.service}: ${p}`));
  lines.push('');
  if (report.services.length === 0) lines.push('the recipe lists no services: nothing to verify');
  else if (problems.length) lines.push(`${report.environment} does not match its recipe:`, ...problems);
  else lines.push(`${report.environment} matches its recipe: every image on its commit, every rollout complete, every HelmRelease ready.`);
  return lines.join('\n');
}

export interface WaitInput extends VerifyInput {
  /** How long to keep polling before giving up. */
  waitMs: number;
  /** Called after each poll that did not match, before the pause that follows it. */
  onProgress?: (progress: WaitProgress) => void;
  backoff?: Backoff;
}

export interface WaitProgress {
  poll: number;
  elapsedMs: number;
  waitMs: number;
  /** The pause before the next poll. */
  nextDelayMs: number;
  report: VerificationReport;
}

export interface WaitResult {
  /** The last poll's report: ok when the cluster came to match. */
  report: VerificationReport;
  polls: number;
  elapsedMs: number;
  /** True when the wait ran out with the cluster still not matching. */
  timedOut: boolean;
}

/**
 * `recipe verify --wait`: polls until the cluster matches the recipe or the wait runs out, pausing
 * with a bounded exponential backoff (1 s doubling to 30 s, the last pause ending at the deadline,
 * where one last poll is made). A cluster that cannot be asked stops the wait at once (exit 2).
 */
export async function waitForEnvironment(input: WaitInput): Promise<WaitResult> {
  const releases = input.releases ?? (await loadReleases(input.root));
  const started = Date.now();
  for (let poll = 1; ; poll++) {
    const report = await verifyEnvironment({ ...input, releases });
    const elapsedMs = Date.now() - started;
    if (report.ok) return { report, polls: poll, elapsedMs, timedOut: false };
    const remaining = input.waitMs - elapsedMs;
    if (remaining <= 0) return { report, polls: poll, elapsedMs, timedOut: true };
    const nextDelayMs = pollDelay(poll, remaining, input.backoff ?? VERIFY_BACKOFF);
    input.onProgress?.({ poll, elapsedMs, waitMs: input.waitMs, nextDelayMs, report });
    await new Promise((resolve) => setTimeout(resolve, nextDelayMs));
  }
}

/** `staging: poll 2 (3s of 10m): still not matching: records: ...; next poll in 4s`. */
export function formatProgress(progress: WaitProgress): string {
  const pending = progress.report.services.filter((s) => !s.ok).map((s) => `${s.service}: ${s.problems.join('; ')}`);
  return `${progress.report.environment}: poll ${progress.poll} (${formatDuration(progress.elapsedMs)} of ${formatDuration(progress.waitMs)}): still not matching: ${pending.join(' | ')}; next poll in ${formatDuration(progress.nextDelayMs)}`;
}
