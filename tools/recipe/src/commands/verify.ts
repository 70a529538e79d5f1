import { Cluster } from '../io/cluster.ts';
import { findRoot, loadReleases, recipePath, type Releases } from '../io/releases.ts';
import { findEnvironment } from '../model/environments.ts';
import { table } from '../model/format.ts';
import { RecipeError } from '../model/errors.ts';
import { buildReport, compareService, type ExpectedService, type VerificationReport } from '../model/verification.ts';
import type { Command, OptionSpec } from './command.ts';

export const clusterOptions = {
  context: { type: 'string' },
  timeout: { type: 'string', default: '20' },
} as const satisfies OptionSpec;

export interface VerifyInput {
  releases: Releases;
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
  const environment = findEnvironment(input.releases.environments, input.environment);
  const context = input.context ?? environment.context;
  const cluster = new Cluster({
    env: input.env,
    context,
    contextOrigin: input.context === undefined ? `releases/environments.yaml (environment ${environment.name})` : '--context',
    timeoutMs: input.timeoutMs,
  });
  const expected = expectedServices(input.releases, environment.name);
  const states = await cluster.environmentState(environment.namespace, expected);
  const verdicts = expected.map((service) => compareService(service, states.get(service.service)!, environment.namespace));
  return buildReport({ environment: environment.name, namespace: environment.namespace, context: cluster.connection.context, server: cluster.connection.server, verdicts });
}

export function parseTimeout(value: unknown): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new RecipeError(`--timeout "${String(value)}" is not a number of seconds`, { field: '--timeout', hint: 'e.g. --timeout 30' });
  return seconds * 1000;
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

const verify: Command = {
  summary: 'compare the live cluster with an environment\'s recipe: images, rollouts, Flux readiness',
  usage: `Usage: recipe verify <env> [--context <name>] [--timeout <seconds>] [--json]

Reads the environment's cluster (kubeconfig from KUBECONFIG or ~/.kube/config, the context named
for the environment in releases/environments.yaml unless --context is given, or the pod's service
account when run inside the cluster) and checks, for every service of releases/<env>/recipe.yaml:
its Deployments (labels app.kubernetes.io/name=<service>, app.kubernetes.io/instance=<service>) in
the environment's namespace run <image>:<commit> in every container, their rollout is complete, and
the Flux HelmRelease <service> is Ready for its current generation (and, when its chart version
carries the source revision, 0.1.0+<sha>, that the chart came from the recipe's commit).

Exit status: 0 everything matches, 1 something does not (each mismatch is named), 2 the cluster
could not be asked (unreachable, 401, 403 with the missing permission) or bad input.
The permissions it needs: tools/recipe/deploy/verify-rbac.yaml.`,
  options: clusterOptions,
  async run(context) {
    const [environment, ...extra] = context.positionals;
    if (!environment || extra.length) throw new RecipeError('expected exactly one environment', { hint: 'recipe verify <env>, e.g. recipe verify staging' });
    const releases = await loadReleases(findRoot(context.cwd, context.env));
    const report = await verifyEnvironment({
      releases,
      environment,
      context: context.values.context as string | undefined,
      env: context.env,
      timeoutMs: parseTimeout(context.values.timeout),
    });
    context.stdout(context.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  },
};

export default verify;
