import { loadReleases } from '../io/releases.ts';
import { loadSnapshot } from '../io/snapshot-store.ts';
import { findEnvironment } from '../model/environments.ts';
import { RecipeError } from '../model/errors.ts';
import { parseDuration } from '../model/gates.ts';
import { NOTIFICATION_EVENTS, type Notification, type NotificationEvent } from '../model/notification.ts';
import { notifyEnvironment } from '../operations/notify.ts';
import type { Command } from './command.ts';

const command: Command = {
  summary: 'tell the webhooks of an environment that a release step started, succeeded or failed',
  usage: `Usage: recipe notify <env> --event started|succeeded|failed [--stage <name>] [--snapshot <id>]
                     [--link <url>] [--message <text>] [--timeout <duration>] [--json]

Calls every webhook listed under the environment's "notify:" in releases/environments.yaml
(Slack-compatible or plain JSON) with the environment, the step, the snapshot, the services and
their versions (from the snapshot, else from the environment's recipe) and a link to the pull
request or pipeline run. Each webhook's URL is read from the environment variable its "urlFrom"
names (a CI secret), never from the repository.

A webhook that fails, refuses or does not answer within --timeout is reported on stderr and
never changes the exit status: a release never fails because a notification did. Exit 2 only
for bad usage.

Options:
  --event <e>          started, succeeded or failed
  --stage <name>       what ran, e.g. promotion, post-deploy, rollback (default: release)
  --snapshot <id>      the snapshot being released (at least 7 hex digits)
  --link <url>         the pull request or pipeline run people should open
  --message <text>     one line more, e.g. the failing check
  --timeout <duration> deadline per webhook (default 5s)
  --json               machine-readable outcome`,
  options: {
    event: { type: 'string' },
    stage: { type: 'string' },
    snapshot: { type: 'string' },
    link: { type: 'string' },
    message: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const [envName, ...extra] = ctx.positionals;
    if (!envName || extra.length > 0) throw new RecipeError('expected exactly one environment', { hint: 'recipe notify <env> --event started|succeeded|failed' });
    const event = ctx.values.event as string | undefined;
    if (!event || !NOTIFICATION_EVENTS.includes(event as NotificationEvent)) {
      throw new RecipeError(event ? `--event "${event}" is not an event` : 'no --event given', { field: '--event', hint: `use one of: ${NOTIFICATION_EVENTS.join(', ')}` });
    }
    const timeoutMs = ctx.values.timeout === undefined ? 5000 : parseDuration(ctx.values.timeout as string);
    if (timeoutMs === undefined || timeoutMs <= 0) throw new RecipeError(`--timeout "${String(ctx.values.timeout)}" is not a duration`, { field: '--timeout', hint: 'e.g. --timeout 5s' });
    const link = ctx.values.link as string | undefined;
    if (link !== undefined && !/^https?:\/\//i.test(link)) throw new RecipeError(`--link "${link}" is not an http(s) URL`, { field: '--link', hint: 'give the pull request or pipeline run URL' });

    const root = ctx.root();
    const releases = await loadReleases(root);
    const env = findEnvironment(releases.environments, envName);
    const snapshotId = ctx.values.snapshot as string | undefined;
    const snapshot = snapshotId ? await loadSnapshot(root, snapshotId) : undefined;
    const recipe = releases.recipes.get(env.name)?.recipe;
    const source = snapshot?.services ?? recipe?.services ?? {};
    const notification: Notification = {
      event: event as NotificationEvent,
      environment: env.name,
      stage: (ctx.values.stage as string | undefined) ?? 'release',
      ...(snapshot ? { snapshot: snapshot.id } : recipe?.snapshot ? { snapshot: recipe.snapshot } : {}),
      services: Object.entries(source).map(([service, s]) => ({ service, commit: s.commit, ...(s.version ? { version: s.version } : {}) })),
      ...(link ? { link } : {}),
      ...(ctx.values.message ? { message: ctx.values.message as string } : {}),
      at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    const deliveries = await notifyEnvironment(env, notification, ctx.env, { timeoutMs });
    if (ctx.json) {
      ctx.stdout(JSON.stringify({ environment: env.name, event, deliveries }, null, 2));
      return 0;
    }
    if (deliveries.length === 0) {
      ctx.stdout(`no webhook of ${env.name} hears "${event}" (environments.yaml notify:): nothing sent`);
      return 0;
    }
    for (const d of deliveries) {
      if (d.ok) ctx.stdout(`notified ${d.urlFrom} (${d.format}): ${d.detail}${d.ms === undefined ? '' : ` in ${d.ms} ms`}`);
      else ctx.stderr(`recipe notify: warning: ${d.urlFrom} (${d.format}) was not notified: ${d.detail}; the release goes on`);
    }
    return 0;
  },
};

export default command;
