// Release notifications: what the promotion and post-deploy pipelines tell people at the start,
// success and failure of a release step. Pure: the message bodies for each webhook format.

import type { Webhook } from './environments.ts';

// From the schema of environments.yaml's notify: entries.
export type NotificationEvent = NonNullable<Webhook['events']>[number];
export type WebhookFormat = NonNullable<Webhook['format']>;

export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['started', 'succeeded', 'failed'];

export interface Notification {
  event: NotificationEvent;
  environment: string;
  /** What ran: "promotion", "post-deploy", "rollback"… */
  stage: string;
  snapshot?: string;
  services: { service: string; commit: string; version?: string }[];
  /** The pull request or pipeline run to open. */
  link?: string;
  /** One line of free text, e.g. the failing check. */
  message?: string;
  at: string;
}

const icon: Record<NotificationEvent, string> = { started: ':arrow_forward:', succeeded: ':white_check_mark:', failed: ':x:' };

/** Slack's `mrkdwn` needs &, < and > escaped; everything else is literal. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The one-line summary both formats carry. */
export function notificationText(n: Notification): string {
  const snapshot = n.snapshot ? ` snapshot ${n.snapshot.slice(0, 12)}` : '';
  return `${n.stage} of ${n.environment}${snapshot} ${n.event}${n.message ? `: ${n.message}` : ''}`;
}

/** The JSON body of a webhook call: Slack's incoming-webhook shape, or a plain document. */
export function notificationBody(n: Notification, format: WebhookFormat): unknown {
  if (format === 'json') {
    return { event: n.event, environment: n.environment, stage: n.stage, snapshot: n.snapshot ?? null, services: n.services, link: n.link ?? null, message: n.message ?? null, at: n.at };
  }
  const shown = n.services.slice(0, 20).map((s) => `• ${slackEscape(s.service)} \`${s.commit.slice(0, 7)}\`${s.version ? ` ${slackEscape(s.version)}` : ''}`);
  if (n.services.length > shown.length) shown.push(`… and ${n.services.length - shown.length} more`);
  const headline = `${icon[n.event]} ${slackEscape(notificationText(n))}`;
  const link = n.link ? `<${n.link.replace(/[<>|]/g, encodeURIComponent)}|${n.event === 'started' ? 'follow it' : 'details'}>` : '';
  return {
    text: slackEscape(notificationText(n)),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: [headline, link].filter(Boolean).join(' ') } },
      ...(shown.length ? [{ type: 'section', text: { type: 'mrkdwn', text: shown.join('\n') } }] : []),
    ],
  };
}
