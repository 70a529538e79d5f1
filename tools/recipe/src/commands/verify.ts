import { RecipeError } from '../model/errors.ts';
import { formatReport, verifyEnvironment } from '../operations/verify.ts';
import { clusterOptions, parseTimeout, type Command } from './command.ts';

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
    const report = await verifyEnvironment({
      root: context.root(),
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
