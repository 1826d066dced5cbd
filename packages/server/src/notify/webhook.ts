import type { WebhookChannel } from './channel.ts';
import type { NotificationGroup } from './group.ts';
import { iso, type Notification } from './notification.ts';
import { postJson, type SendOptions, type SendResult } from './result.ts';
import { signatureHeaders } from './signature.ts';

/** One alert of a webhook body. */
function webhookAlert(n: Notification) {
  return {
    status: n.status,
    labels: n.labels,
    annotations: n.annotations,
    value: n.value,
    starts_at: iso(n.starts_at),
    ends_at: n.ends_at === undefined ? null : iso(n.ends_at),
    runbook_url: n.runbook_url ?? null,
    dedup_key: n.dedup_key,
    generator_url: n.generator_url,
  };
}

/** The JSON body of an alert webhook: one rule's alerts of one cycle (documented in docs/notifications.md). */
export function webhookPayload(g: NotificationGroup) {
  return {
    schema_version: 2,
    event: 'alert',
    group_key: g.group_key,
    status: g.status,
    rule: { id: g.rule_id, name: g.rule_name },
    severity: g.severity,
    alerts: g.alerts.map(webhookAlert),
  };
}

/** POSTs a signed JSON body; the same scheme signs retraining triggers (retrain.ts). */
export async function sendSignedJson(what: string, url: string, secret: string, payload: unknown, event: string, opts: SendOptions): Promise<SendResult> {
  const body = JSON.stringify(payload);
  return postJson(what, url, body, { 'X-Vigil-Event': event, ...signatureHeaders(secret, body, opts.now) }, opts, [secret]);
}

export function sendWebhook(channel: WebhookChannel, n: NotificationGroup, opts: SendOptions): Promise<SendResult> {
  return sendSignedJson('webhook', channel.url, channel.secret, webhookPayload(n), 'alert', opts);
}
