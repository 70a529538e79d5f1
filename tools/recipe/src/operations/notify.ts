// Tells an environment's webhooks (environments.yaml `notify:`) about a release step. Delivery
// problems are returned, never thrown: a release never fails or stalls because a webhook did.
import type { Environment } from '../model/environments.ts';
import { notificationBody, type Notification } from '../model/notification.ts';
import { postJson } from '../io/webhook.ts';

export interface Delivery {
  /** The environment variable the URL came from; the URL itself is a secret and never printed. */
  urlFrom: string;
  format: 'slack' | 'json';
  ok: boolean;
  detail: string;
  ms?: number;
}

/** Calls every webhook of `env` that hears `notification.event`, in parallel, each with its own deadline. */
export async function notifyEnvironment(env: Environment, notification: Notification, secrets: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): Promise<Delivery[]> {
  const hooks = env.notify.filter((hook) => hook.events === undefined || hook.events.includes(notification.event));
  return Promise.all(
    hooks.map(async (hook): Promise<Delivery> => {
      const format = hook.format ?? 'slack';
      const url = secrets[hook.urlFrom];
      if (!url) return { urlFrom: hook.urlFrom, format, ok: false, detail: `${hook.urlFrom} is not set: give it the webhook URL from your CI's secret store` };
      if (!/^https?:\/\//i.test(url)) return { urlFrom: hook.urlFrom, format, ok: false, detail: `${hook.urlFrom} does not hold an http(s) URL` };
      const outcome = await postJson(url, notificationBody(notification, format), options);
      return { urlFrom: hook.urlFrom, format, ...outcome };
    }),
  );
}
