// health: each deployable answers its liveness and readiness probes, as Kubernetes asks them.
import { call, preview } from '../http.ts';
import type { Check, Suite } from '../runner.ts';
import { deployables } from '../target.ts';

export const health: Suite = {
  name: 'health',
  checks: (target) =>
    deployables.flatMap((deployable): Check[] =>
      (['/healthz', '/readyz'] as const).map((path) => ({
        name: `${deployable} answers ${path}`,
        async run() {
          const answer = await call(target.urls[deployable], path);
          if (answer.status !== 200) throw new Error(`GET ${answer.url} answered ${answer.status}, not 200: ${preview(answer.body)}`);
        },
      })),
    ),
};
