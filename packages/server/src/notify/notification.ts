/**
 * What the alert engine hands to a channel: one alert's transition. Times are epoch milliseconds
 * (the engine's clock); senders format them for their channel.
 */
export interface Notification {
  rule_id: string;
  rule_name: string;
  /** e.g. critical, warning, info; PagerDuty maps anything else to warning. */
  severity: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The value that caused the transition; null when there is none (no data, absence). */
  value: number | null;
  starts_at: number;
  ends_at?: number;
  runbook_url?: string;
  /** Stable for one alert (rule + label set) across firing and resolved; receivers dedupe on it. */
  dedup_key: string;
  /** Link back to the rule or alert in Vigil's UI. */
  generator_url: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** One line a person reads first: "[FIRING] High latency (critical)". */
export function headline(n: Notification): string {
  return `[${n.status.toUpperCase()}] ${n.rule_name} (${n.severity})`;
}

/** The summary annotation when there is one, else a sentence built from the rule and value. */
export function summary(n: Notification): string {
  const s = n.annotations.summary ?? n.annotations.description;
  if (s) return s;
  const v = n.value === null ? '' : ` value ${n.value}`;
  return `${n.rule_name} is ${n.status}${v}`;
}
