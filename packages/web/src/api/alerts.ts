// Alert rules, current alerts, history, silences, the rule preview and notification channels
// (docs/alerts.md, docs/notifications.md). The types repeat the server's answers.
import { api, withParams } from './client.ts';

export type Severity = 'critical' | 'warning' | 'info';
export type AlertStateName = 'ok' | 'pending' | 'firing' | 'resolved' | 'no_data' | 'error';

export type Condition =
  | { kind: 'threshold'; op: 'above' | 'below'; value: number; recovery?: number }
  | { kind: string; [field: string]: unknown };

/** A rule document as the server stores it (every default filled in), plus its bookkeeping. */
export interface AlertRule {
  id: string;
  name: string;
  metric: string;
  model?: string | string[];
  version?: string;
  filters: Record<string, string>;
  group_by: string[];
  condition: Condition;
  severity: Severity;
  for: number;
  keep_firing_for: number;
  evaluation_interval: number;
  renotify_interval: number | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runbook_url?: string;
  no_data_state: 'no_data' | 'ok' | 'alerting';
  channels: string[];
  retrain?: { channel: string; cooldown: number };
  enabled: boolean;
  created_by?: string | null;
  created_at?: string;
  updated_at?: string;
}

/** What a client sends: a rule without its id (the server assigns it) and without bookkeeping. */
export type RuleDocument = Omit<AlertRule, 'id' | 'created_by' | 'created_at' | 'updated_at' | 'filters' | 'group_by' | 'for' | 'keep_firing_for' | 'evaluation_interval' | 'renotify_interval' | 'labels' | 'annotations' | 'no_data_state' | 'channels' | 'enabled'> &
  Partial<Pick<AlertRule, 'filters' | 'group_by' | 'for' | 'keep_firing_for' | 'evaluation_interval' | 'renotify_interval' | 'labels' | 'annotations' | 'no_data_state' | 'channels' | 'enabled'>>;

export interface Alert {
  rule_id: string;
  rule_name: string;
  severity: Severity;
  state: AlertStateName;
  labels: Record<string, string>;
  since: string | null;
  value: number | null;
  error: string | null;
  updated_at: string;
}

export interface Transition {
  id: number;
  rule_id: string;
  /** Null once the rule was deleted. */
  rule_name: string | null;
  labels: Record<string, string>;
  from: AlertStateName;
  to: AlertStateName;
  at: string;
  value: number | null;
  detail: Record<string, unknown>;
}

export interface Silence {
  id: string;
  matchers: Record<string, string>;
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string | null;
  created_at: string;
}

export interface PreviewSeries {
  labels: Record<string, string>;
  /** [step start ms, value compared]. */
  values: [number, number | null][];
  transitions: { at: number; from: AlertStateName; to: AlertStateName; value: number | null }[];
  notifications: { kind: string; at: number; status: 'firing' | 'resolved'; value: number | null }[];
}
export interface Preview {
  from: number;
  to: number;
  step_ms: number;
  series: PreviewSeries[];
  note?: string;
}

export type ChannelType = 'webhook' | 'slack' | 'email' | 'alertmanager' | 'pagerduty';
export interface Channel {
  id: string;
  name: string;
  type: ChannelType;
  /** Secrets come back as "[redacted]", URLs cut to scheme and host. */
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
export interface ChannelTest {
  delivered: boolean;
  retryable?: boolean;
  code?: string;
  status?: number;
  message: string;
}

const o = (signal?: AbortSignal) => (signal ? { signal } : {});
const enc = encodeURIComponent;

export const listAlerts = (signal?: AbortSignal) => api<{ items: Alert[] }>('GET', '/api/v1/alerts', undefined, o(signal)).then((r) => r.items);
export const listHistory = (q: { rule?: string; limit?: number }, signal?: AbortSignal) =>
  api<{ items: Transition[] }>('GET', withParams('/api/v1/alerts/history', { rule: q.rule, limit: q.limit ?? 200 }), undefined, o(signal)).then((r) => r.items);

export const listRules = (signal?: AbortSignal) => api<{ items: AlertRule[] }>('GET', '/api/v1/alerts/rules', undefined, o(signal)).then((r) => r.items);
export const getRule = (id: string, signal?: AbortSignal) => api<AlertRule>('GET', `/api/v1/alerts/rules/${enc(id)}`, undefined, o(signal));
export const createRule = (doc: RuleDocument) => api<AlertRule>('POST', '/api/v1/alerts/rules', doc);
export const updateRule = (id: string, doc: RuleDocument) => api<AlertRule>('PUT', `/api/v1/alerts/rules/${enc(id)}`, doc);
export const deleteRule = (id: string) => api<void>('DELETE', `/api/v1/alerts/rules/${enc(id)}`);
/** The preview validates a whole rule document, id included (a new rule gets a placeholder) and `enabled` left out. */
export function previewRule(doc: RuleDocument, id = 'preview', signal?: AbortSignal): Promise<Preview> {
  const { enabled: _enabled, ...rule } = doc;
  return api<Preview>('POST', '/api/v1/alerts/preview', { ...rule, id }, o(signal));
}

export const listSilences = (all = false, signal?: AbortSignal) => api<{ items: Silence[] }>('GET', withParams('/api/v1/alerts/silences', { all: all ? 'true' : undefined }), undefined, o(signal)).then((r) => r.items);
export const createSilence = (body: { matchers: Record<string, string>; starts_at?: string; ends_at: string; comment: string }) => api<Silence>('POST', '/api/v1/alerts/silences', body);
export const expireSilence = (id: string) => api<Silence>('POST', `/api/v1/alerts/silences/${enc(id)}/expire`);

export const listChannels = (signal?: AbortSignal) => api<{ items: Channel[] }>('GET', '/api/v1/alerts/channels', undefined, o(signal)).then((r) => r.items);
export const createChannel = (body: { name: string; config: Record<string, unknown> }) => api<Channel>('POST', '/api/v1/alerts/channels', body);
export const updateChannel = (id: string, body: { name: string; config: Record<string, unknown> }) => api<Channel>('PUT', `/api/v1/alerts/channels/${enc(id)}`, body);
export const deleteChannel = (id: string) => api<void>('DELETE', `/api/v1/alerts/channels/${enc(id)}`);
export const testChannel = (id: string) => api<ChannelTest>('POST', `/api/v1/alerts/channels/${enc(id)}/test`);
