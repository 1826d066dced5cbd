import type { WebhookChannel } from './channel.ts';
import { iso, type Notification } from './notification.ts';
import { postJson, type SendOptions, type SendResult } from './result.ts';
import { signatureHeaders } from './signature.ts';

/** The JSON body of an alert webhook (documented in docs/notifications.md). */
export function webhookPayload(n: Notification) {
  return {
    schema_version: 1,
    event: 'alert',
    status: n.status,
    rule: { id: n.rule_id, name: n.rule_name },
    severity: n.severity,
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

/** POSTs a signed JSON body; the same scheme signs retraining triggers (retrain.ts). */
export async function sendSignedJson(what: string, url: string, secret: string, payload: unknown, event: string, opts: SendOptions): Promise<SendResult> {
  const body = JSON.stringify(payload);
  return postJson(what, url, body, { 'X-Vigil-Event': event, ...signatureHeaders(secret, body, opts.now) }, opts, [secret]);
}

export function sendWebhook(channel: WebhookChannel, n: Notification, opts: SendOptions): Promise<SendResult> {
  return sendSignedJson('webhook', channel.url, channel.secret, webhookPayload(n), 'alert', opts);
}
