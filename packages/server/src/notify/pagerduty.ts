import type { PagerDutyChannel } from './channel.ts';
import type { NotificationGroup } from './group.ts';
import { iso, summary, type Notification } from './notification.ts';
import { postJson, type SendOptions, type SendResult } from './result.ts';

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** A PagerDuty Events API v2 event: trigger while firing, resolve on the same dedup_key. */
export function pagerdutyEvent(channel: PagerDutyChannel, n: Notification) {
  const base = { routing_key: channel.routing_key, dedup_key: n.dedup_key };
  if (n.status === 'resolved') return { ...base, event_action: 'resolve' as const };
  return {
    ...base,
    event_action: 'trigger' as const,
    payload: {
      summary: `${n.rule_name}: ${summary(n)}`.slice(0, 1024),
      source: n.labels.model ?? n.labels.instance ?? 'vigil',
      severity: SEVERITIES.has(n.severity) ? n.severity : 'warning',
      timestamp: iso(n.starts_at),
      ...(n.labels.model ? { component: n.labels.model } : {}),
      class: n.rule_name,
      custom_details: { rule_id: n.rule_id, value: n.value, labels: n.labels, annotations: n.annotations },
    },
    client: 'Vigil',
    client_url: n.generator_url,
    links: [{ href: n.generator_url, text: 'Open in Vigil' }, ...(n.runbook_url ? [{ href: n.runbook_url, text: 'Runbook' }] : [])],
  };
}

/**
 * PagerDuty has no group: one event per alert, in order, stopping at the first failure. The outbox
 * retries the whole group then, and the events already accepted are repeats PagerDuty drops by their
 * dedup_key (a trigger joins its open incident, a resolve of a resolved one is a no-op).
 */
export async function sendPagerDuty(channel: PagerDutyChannel, g: NotificationGroup, opts: SendOptions): Promise<SendResult> {
  let last: SendResult = { ok: true };
  for (const n of g.alerts) {
    last = await postJson('pagerduty', channel.url, JSON.stringify(pagerdutyEvent(channel, n)), {}, opts, [channel.routing_key]);
    if (!last.ok) return last;
  }
  return last;
}
