import type { AlertmanagerChannel } from './channel.ts';
import type { NotificationGroup } from './group.ts';
import { iso, type Notification } from './notification.ts';
import { postJson, type SendOptions, type SendResult } from './result.ts';

/** Alertmanager (0.25, Debian's) accepts only Prometheus label names. */
const labelName = (k: string) => {
  const s = k.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(s) ? s : `_${s}`;
};

/**
 * One Alertmanager v2 alert (the body of POST /api/v2/alerts is a list of these). Alertmanager
 * identifies an alert by its label set, so the resolved one carries the same labels as the firing
 * one and an endsAt; a firing one leaves endsAt out and Alertmanager applies its resolve_timeout.
 */
export function alertmanagerAlert(n: Notification, now: number) {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(n.labels)) labels[labelName(k)] = v;
  Object.assign(labels, { alertname: n.rule_name, severity: n.severity, vigil_rule_id: n.rule_id });
  const annotations: Record<string, string> = { ...n.annotations, dedup_key: n.dedup_key };
  if (n.value !== null) annotations.value = String(n.value);
  if (n.runbook_url) annotations.runbook_url = n.runbook_url;
  return {
    labels,
    annotations,
    startsAt: iso(n.starts_at),
    ...(n.status === 'resolved' ? { endsAt: iso(n.ends_at ?? now) } : {}),
    generatorURL: n.generator_url,
  };
}

/** The group's alerts in one POST: Alertmanager groups them again by its own route. */
export function sendAlertmanager(channel: AlertmanagerChannel, g: NotificationGroup, opts: SendOptions): Promise<SendResult> {
  const url = `${channel.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return postJson('alertmanager', url, JSON.stringify(g.alerts.map((n) => alertmanagerAlert(n, opts.now))), {}, opts);
}
