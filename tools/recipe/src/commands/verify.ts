import { RecipeError } from '../model/errors.ts';
import { parseDuration, formatDuration } from '../model/gates.ts';
import { formatProgress, formatReport, verifyEnvironment, waitForEnvironment } from '../operations/verify.ts';
import { clusterOptions, parseTimeout, type Command } from './command.ts';

const verify: Command = {
  summary: 'compare the live cluster with an environment\'s recipe: images, rollouts, Flux readiness',
  usage: `Usage: recipe verify <env> [--wait <duration>] [--context <name>] [--timeout <seconds>] [--json]

Reads the environment's cluster (kubeconfig from KUBECONFIG or ~/.kube/config, the context named
for the environment in releases/environments.yaml unless --context is given, or the pod's service
account when run inside the cluster) and checks, for every service of releases/<env>/recipe.yaml:
its Deployments (labels app.kubernetes.io/name=<service>, app.kubernetes.io/instance=<service>) in
the environment's namespace run <image>:<commit> in every container, their rollout is complete, and
the Flux HelmRelease <service> is Ready for its current generation (and, when its chart version
carries the source revision, 0.1.0+<sha>, that the chart came from the recipe's commit).

--wait <duration> (90s, 10m, 1h) polls until the cluster matches or the duration has passed,
pausing 1s, 2s, 4s ... up to 30s between polls (the last pause ends at the deadline, where one
last poll is made), and prints a progress line per poll on stderr naming what still does not
match. A release pipeline runs it right after a change to releases/<env>/ lands, before the
post-deploy suites.

Exit status: 0 everything matches, 1 something does not (each mismatch is named; with --wait:
still not matching when the time ran out), 2 the cluster could not be asked (unreachable, 401,
403 with the missing permission; with --wait this stops the wait at once) or bad input.
The permissions it needs: tools/recipe/deploy/verify-rbac.yaml.`,
  options: { ...clusterOptions, wait: { type: 'string' } },
  async run(context) {
    const [environment, ...extra] = context.positionals;
    if (!environment || extra.length) throw new RecipeError('expected exactly one environment', { hint: 'recipe verify <env>, e.g. recipe verify staging' });
    const input = { root: context.root(), environment, context: context.values.context as string | undefined, env: context.env, timeoutMs: parseTimeout(context.values.timeout) };
    const wait = context.values.wait as string | undefined;
    if (wait === undefined) {
      const report = await verifyEnvironment(input);
      context.stdout(context.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.ok ? 0 : 1;
    }
    const waitMs = parseDuration(wait);
    if (waitMs === undefined || waitMs <= 0) throw new RecipeError(`--wait "${wait}" is not a duration`, { field: '--wait', hint: 'a number and a unit: 90s, 10m, 1h' });
    const result = await waitForEnvironment({ ...input, waitMs, onProgress: (progress) => context.stderr(formatProgress(progress)) });
    const { report, polls, elapsedMs, timedOut } = result;
    if (context.json) context.stdout(JSON.stringify({ ...report, wait: { polls, elapsedMs, timedOut } }, null, 2));
    else context.stdout(formatReport(report));
    const after = `after ${formatDuration(elapsedMs)} (${polls} poll${polls === 1 ? '' : 's'})`;
    context.stderr(timedOut ? `recipe: gave up waiting ${after}: ${environment} still does not match its recipe` : `${environment} matches its recipe ${after}`);
    return report.ok ? 0 : 1;
  },
};

export default verify;
