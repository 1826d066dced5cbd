// A notification group: the alerts one rule produced in one evaluation cycle for one channel, sent
// as one message (docs/alerts.md, "Grouping"). The outbox stores one group per entry; entries written
// before grouping existed hold a single Notification and are read as a group of one.
import { z } from 'zod';
import type { Notification } from './notification.ts';

export interface NotificationGroup {
  /** The outbox entry's identity: rule + channel + cycle instant (or a single alert's dedup key). */
  group_key: string;
  rule_id: string;
  rule_name: string;
  severity: string;
  /** firing when any alert of the group fires, else resolved. */
  status: 'firing' | 'resolved';
  /** One rule's alerts, each with its own status, labels and dedup key; never empty. */
  alerts: Notification[];
}

export function groupOf(groupKey: string, alerts: readonly Notification[]): NotificationGroup {
  const first = alerts[0];
  if (!first) throw new Error('a notification group needs at least one alert');
  return {
    group_key: groupKey,
    rule_id: first.rule_id,
    rule_name: first.rule_name,
    severity: first.severity,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: [...alerts],
  };
}

export const isGroup = (n: Notification | NotificationGroup): n is NotificationGroup => Array.isArray((n as NotificationGroup).alerts);

/** A single notification (send test, an entry from before grouping) is a group of one keyed by its dedup key. */
export const asGroup = (n: Notification | NotificationGroup): NotificationGroup => (isGroup(n) ? n : groupOf(n.dedup_key, [n]));

/** "[FIRING] rule (critical)" for one alert or one status; "[FIRING:2, RESOLVED:1] rule (critical)" for a mix or several. */
export function groupHeadline(g: NotificationGroup): string {
  const firing = g.alerts.filter((a) => a.status === 'firing').length;
  const resolved = g.alerts.length - firing;
  if (g.alerts.length === 1) return `[${g.status.toUpperCase()}] ${g.rule_name} (${g.severity})`;
  const parts = [...(firing ? [`FIRING:${firing}`] : []), ...(resolved ? [`RESOLVED:${resolved}`] : [])];
  return `[${parts.join(', ')}] ${g.rule_name} (${g.severity})`;
}

/** What the outbox stores as an entry's payload: a Notification (times in epoch ms or ISO text). */
const time = z.union([z.number().finite(), z.string().datetime({ offset: true }).transform((s) => Date.parse(s))]);
export const NotificationPayloadSchema = z.object({
  rule_id: z.string(),
  rule_name: z.string(),
  severity: z.string(),
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  value: z.number().nullable().default(null),
  starts_at: time,
  ends_at: time.optional(),
  runbook_url: z.string().optional(),
  dedup_key: z.string(),
  generator_url: z.string(),
});

const GroupPayloadSchema = z.object({
  group_key: z.string(),
  rule_id: z.string(),
  rule_name: z.string(),
  severity: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(NotificationPayloadSchema).min(1),
});

/** An outbox payload, grouped or single (written before grouping), read as a group. */
export const OutboxPayloadSchema = z.union([GroupPayloadSchema, NotificationPayloadSchema]).transform((p): NotificationGroup => ('alerts' in p ? (p as NotificationGroup) : asGroup(p as Notification)));
