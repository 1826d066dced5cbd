// What the alerts page shows and sends, decided without a browser: severity and state words,
// the rule editor's form ↔ rule document, durations as people type them, silence and channel
// forms, and which server error goes beside which field.
import type { Alert, AlertRule, AlertStateName, Channel, ChannelType, PreviewSeries, RuleDocument, Severity, Transition } from '../api/alerts.ts';
import type { Grant } from '../api/session.ts';
import { durationText, parseDuration, type FieldErrors } from './duration-text.ts';
import { conditionToDraft, draftToCondition, emptyCondition, filtersWithFeature, type ConditionDraft } from './rule-conditions.ts';

// durations live in duration-text.ts (the condition editor reads them too)
export { durationText, parseDuration, type FieldErrors };

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** Severity in words and in colour (a CSS tone): never colour alone. */
export const SEVERITY: Record<Severity, { label: string; tone: 'bad' | 'warn' | 'info' }> = {
  critical: { label: 'Critical', tone: 'bad' },
  warning: { label: 'Warning', tone: 'warn' },
  info: { label: 'Info', tone: 'info' },
};

export const STATE_LABEL: Record<AlertStateName, string> = {
  firing: 'Firing',
  pending: 'Pending',
  no_data: 'No data',
  error: 'Error',
  ok: 'OK',
  resolved: 'Resolved',
};

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };
const STATE_RANK: Record<string, number> = { firing: 0, pending: 1, error: 2, no_data: 3 };

/** Firing before pending before error before no data, then most severe, then oldest. */
export function sortAlerts(items: readonly Alert[]): Alert[] {
  return [...items].sort(
    (a, b) =>
      (STATE_RANK[a.state] ?? 9) - (STATE_RANK[b.state] ?? 9) ||
      (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) ||
      (a.since ?? '').localeCompare(b.since ?? ''),
  );
}

/** How many alerts are in each state, for the page's summary line. */
export function countByState(items: readonly Alert[]): Partial<Record<AlertStateName, number>> {
  const out: Partial<Record<AlertStateName, number>> = {};
  for (const a of items) out[a.state] = (out[a.state] ?? 0) + 1;
  return out;
}

/** Labels as `k=v` pairs, sorted by name. */
export const labelPairs = (labels: Record<string, string>): string[] =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);

/** The rules named in a history, for its filter: id → name (a deleted rule's name is gone). */
export function historyRules(items: readonly Transition[], rules: readonly AlertRule[]): { id: string; name: string }[] {
  const names = new Map<string, string>();
  for (const r of rules) names.set(r.id, r.name);
  for (const t of items) if (!names.has(t.rule_id)) names.set(t.rule_id, t.rule_name ?? `${t.rule_id} (deleted)`);
  return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Administrators of every model manage channels (the server checks again). */
export const canManageChannels = (grants: readonly Grant[]): boolean => grants.some((g) => g.role === 'admin' && g.scope.kind === 'all');

// ------------------------------------------------------------------ key = value lists

/** One `key=value` per line (or comma-separated); blank lines are skipped. */
export function parsePairs(text: string): { pairs: Record<string, string>; error: string | null } {
  const pairs: Record<string, string> = {};
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { pairs, error: `"${line}" is not key=value` };
    pairs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { pairs, error: null };
}

export const pairsText = (pairs: Record<string, string> | undefined): string => labelPairs(pairs ?? {}).join('\n');

// ------------------------------------------------------------------ server errors


/** A 400's details by field; "rule.x" and "silence.x" lose the prefix the server may add. */
export function errorsByField(details: readonly { field: string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const d of details) {
    const f = d.field.replace(/^(rule|silence|channel)\./, '');
    out[f] = out[f] ? `${out[f]}; ${d.message}` : d.message;
  }
  return out;
}

/** The message for a form field: its own, or those of the fields inside it (`condition.value` under `condition`). */
export function fieldError(errors: FieldErrors, field: string): string | undefined {
  const hits = Object.entries(errors).filter(([f]) => f === field || f.startsWith(`${field}.`));
  if (!hits.length) return undefined;
  return hits.map(([f, m]) => (f === field ? m : `${f.slice(field.length + 1)}: ${m}`)).join('; ');
}

/** Errors no field of the form shows: said at the top, so none is lost. */
export function unplacedErrors(errors: FieldErrors, shown: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([f]) => !shown.some((s) => f === s || f.startsWith(`${s}.`)))
    .map(([f, m]) => `${f}: ${m}`);
}

// ------------------------------------------------------------------ rule editor

export interface RuleDraft {
  name: string;
  metric: string;
  model: string;
  filters: string;
  /** The condition, every kind's fields (rule-conditions.ts). */
  condition: ConditionDraft;
  for: string;
  severity: Severity;
  channels: string[];
  labels: string;
  annotations: string;
  runbook_url: string;
  enabled: boolean;
}

/** The fields the editor shows, by the server's names (for placing its errors). */
export const RULE_FIELDS = ['name', 'metric', 'model', 'filters', 'condition', 'for', 'severity', 'channels', 'labels', 'annotations', 'runbook_url'] as const;

export const emptyDraft = (metric = 'latency.p99', model = ''): RuleDraft => ({
  name: '', metric, model, filters: '', condition: emptyCondition(), for: '5m', severity: 'warning', channels: [], labels: '', annotations: '', runbook_url: '', enabled: true,
});

/** A stored rule in the editor's terms; null only for a condition kind this client does not know. */
export function ruleToDraft(r: AlertRule): RuleDraft | null {
  const condition = conditionToDraft(r.condition, r.filters);
  if (!condition) return null;
  // a drift rule's feature is edited beside its condition, not among the filters
  const { feature: _feature, ...otherFilters } = r.filters;
  return {
    name: r.name,
    metric: r.metric,
    model: Array.isArray(r.model) ? r.model.join(', ') : (r.model ?? ''),
    filters: pairsText(condition.kind === 'drift' ? otherFilters : r.filters),
    condition,
    for: durationText(r.for),
    severity: r.severity,
    channels: [...r.channels],
    labels: pairsText(r.labels),
    annotations: pairsText(r.annotations),
    runbook_url: r.runbook_url ?? '',
    enabled: r.enabled,
  };
}

/**
 * The rule document a draft sends, or the fields the browser can already tell are wrong (the
 * server checks everything again; its errors land beside the same fields). `base` is the stored
 * rule when editing: the fields the editor does not show (group_by, intervals…) are kept.
 */
export function draftToDocument(d: RuleDraft, base?: AlertRule): { doc: RuleDocument | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!d.name.trim()) errors.name = 'give the rule a name';
  if (!d.metric) errors.metric = 'pick a metric';
  const { condition, errors: conditionErrors } = draftToCondition(d.condition);
  Object.assign(errors, conditionErrors);
  const forMs = parseDuration(d.for);
  if (forMs === null) errors.for = 'a duration such as 0, 30s, 5m or 1h';
  const filters = parsePairs(d.filters);
  if (filters.error) errors.filters = filters.error;
  const labels = parsePairs(d.labels);
  if (labels.error) errors.labels = labels.error;
  const annotations = parsePairs(d.annotations);
  if (annotations.error) errors.annotations = annotations.error;
  if (Object.keys(errors).length || !condition) return { doc: null, errors };
  const models = d.model.split(',').map((m) => m.trim()).filter(Boolean);
  const { id: _id, created_by: _c, created_at: _ca, updated_at: _u, ...kept } = base ?? ({} as Partial<AlertRule>);
  const doc: RuleDocument = {
    ...kept,
    name: d.name.trim(),
    metric: d.metric,
    filters: filtersWithFeature(filters.pairs, d.condition),
    condition,
    for: forMs as number,
    severity: d.severity,
    channels: d.channels,
    labels: labels.pairs,
    annotations: annotations.pairs,
    enabled: d.enabled,
  };
  delete doc.model;
  delete doc.runbook_url;
  if (models.length) doc.model = models.length === 1 ? (models[0] as string) : models;
  if (d.runbook_url.trim()) doc.runbook_url = d.runbook_url.trim();
  return { doc, errors };
}

/** A rule's condition in words: "above 500 (recovers at 400)", "anomaly (seasonal, sensitivity 4)". */
export function conditionText(r: Pick<AlertRule, 'condition'>): string {
  const c = r.condition as Record<string, unknown> & { kind: string };
  const rec = c.recovery === undefined ? '' : ` (recovers at ${String(c.recovery)})`;
  switch (c.kind) {
    case 'threshold':
      return `${String(c.op)} ${String(c.value)}${rec}`;
    case 'anomaly':
      return `anomaly (${String(c.method)}, sensitivity ${String(c.sensitivity ?? 4)}${c.direction && c.direction !== 'both' ? `, ${String(c.direction)} only` : ''})`;
    case 'absence':
      return `no data for ${typeof c.duration === 'number' ? durationText(c.duration) : '?'}`;
    case 'drift':
      return c.target === 'share' ? `drifted share above ${String(c.value)}${rec}` : `drift ${String(c.method ?? '')}${c.value === undefined ? '' : ` past ${String(c.value)}`}${rec}`;
    case 'performance_drop':
      return `drop above ${String(c.value)}${c.mode === 'relative' ? ' (relative)' : ''}${c.source === 'estimated' ? ', estimated' : ''}${rec}`;
    case 'error_rate':
    case 'staleness':
      return `${c.kind.replace('_', ' ')} above ${String(c.value)}${rec}`;
    default:
      return c.kind.replace('_', ' ');
  }
}

// ------------------------------------------------------------------ preview

export type Span = { from: number; to: number; state: 'firing' | 'pending' };

/**
 * Where a previewed series was firing or pending, as [from, to] in ms, from its transitions
 * (newest state lasts to the end of the preview).
 */
export function previewSpans(s: Pick<PreviewSeries, 'transitions'>, end: number): Span[] {
  const out: Span[] = [];
  let open: { at: number; state: 'firing' | 'pending' } | null = null;
  for (const t of s.transitions) {
    if (open) out.push({ from: open.at, to: t.at, state: open.state });
    open = t.to === 'firing' || t.to === 'pending' ? { at: t.at, state: t.to } : null;
  }
  if (open) out.push({ from: open.at, to: end, state: open.state });
  return out;
}

/** The chart's columns: seconds, the value compared, then one flat column per level (threshold, recovery, ±sensitivity…). */
export function previewData(s: Pick<PreviewSeries, 'values'>, levels: readonly number[]): [Float64Array, ...(number | null)[][]] {
  const xs = Float64Array.from(s.values, ([t]) => t / 1000);
  const ys = s.values.map(([, v]) => v);
  const cols: [Float64Array, ...(number | null)[][]] = [xs, ys];
  for (const level of levels) cols.push(s.values.map(() => level));
  return cols;
}

/** A preview's summary: how often it would have fired and notified. */
export function previewSummary(p: { series: Pick<PreviewSeries, 'transitions' | 'notifications'>[] }): string {
  const fired = p.series.reduce((n, s) => n + s.transitions.filter((t) => t.to === 'firing').length, 0);
  const sent = p.series.reduce((n, s) => n + s.notifications.length, 0);
  if (!p.series.length) return 'No data for this metric and filters in the last 7 days.';
  if (!fired) return `Would not have fired in the last 7 days (${p.series.length} series).`;
  return `Would have fired ${fired} time${fired === 1 ? '' : 's'} and sent ${sent} notification${sent === 1 ? '' : 's'} in the last 7 days (${p.series.length} series).`;
}

// ------------------------------------------------------------------ silences

/** The silence a form describes: matchers as key=value, a duration from now, a reason. */
export function silenceBody(f: { matchers: string; duration: string; comment: string }, now: number): { body: { matchers: Record<string, string>; ends_at: string; comment: string } | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const m = parsePairs(f.matchers);
  if (m.error) errors.matchers = m.error;
  else if (!Object.keys(m.pairs).length) errors.matchers = 'at least one matcher, e.g. model=fraud-detector';
  const ms = parseDuration(f.duration);
  if (!ms) errors.ends_at = 'a duration such as 30m, 2h or 1d';
  if (!f.comment.trim()) errors.comment = 'say why';
  if (Object.keys(errors).length) return { body: null, errors };
  return { body: { matchers: m.pairs, ends_at: new Date(now + (ms as number)).toISOString(), comment: f.comment.trim() }, errors };
}

// ------------------------------------------------------------------ channels

export interface ChannelField {
  /** Dotted path in the config: `smtp.port`. */
  key: string;
  label: string;
  kind: 'text' | 'secret' | 'number' | 'bool' | 'list';
  optional?: boolean;
}

export const CHANNEL_TYPES: readonly ChannelType[] = ['webhook', 'slack', 'email', 'alertmanager', 'pagerduty'];

export const CHANNEL_FIELDS: Record<ChannelType, ChannelField[]> = {
  webhook: [
    { key: 'url', label: 'URL', kind: 'text' },
    { key: 'secret', label: 'Signing secret (16+ characters)', kind: 'secret' },
  ],
  slack: [{ key: 'webhook_url', label: 'Incoming-webhook URL', kind: 'secret' }],
  email: [
    { key: 'smtp.host', label: 'SMTP host', kind: 'text' },
    { key: 'smtp.port', label: 'SMTP port', kind: 'number' },
    { key: 'smtp.secure', label: 'TLS from the first byte (port 465)', kind: 'bool' },
    { key: 'smtp.user', label: 'SMTP user', kind: 'text', optional: true },
    { key: 'smtp.password', label: 'SMTP password', kind: 'secret', optional: true },
    { key: 'from', label: 'From', kind: 'text' },
    { key: 'to', label: 'To (comma-separated)', kind: 'list' },
  ],
  alertmanager: [{ key: 'url', label: 'Alertmanager base URL', kind: 'text' }],
  pagerduty: [
    { key: 'routing_key', label: 'Routing key', kind: 'secret' },
    { key: 'url', label: 'Events API URL', kind: 'text', optional: true },
  ],
};

export const REDACTED = '[redacted]';

const getPath = (o: Record<string, unknown>, key: string): unknown => key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

/** A stored channel's values as the form shows them; secrets stay empty (they are write-only). */
export function channelToValues(c: Pick<Channel, 'type' | 'config'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of CHANNEL_FIELDS[c.type]) {
    const v = getPath(c.config, f.key);
    if (f.kind === 'secret' || v === undefined || v === null) out[f.key] = '';
    else if (Array.isArray(v)) out[f.key] = v.join(', ');
    else out[f.key] = String(v);
  }
  return out;
}

/**
 * The config a channel form sends. Editing, an empty secret is left out so the server keeps the
 * stored one; creating, a required field left empty is an error beside it.
 */
export function valuesToConfig(type: ChannelType, values: Record<string, string>, editing: boolean): { config: Record<string, unknown> | null; errors: FieldErrors } {
  const config: Record<string, unknown> = { type };
  const errors: FieldErrors = {};
  for (const f of CHANNEL_FIELDS[type]) {
    const raw = (values[f.key] ?? '').trim();
    let v: unknown;
    if (f.kind === 'bool') v = raw === 'true';
    else if (raw === '') {
      if (!f.optional && !(editing && f.kind === 'secret')) errors[f.key] = 'required';
      continue;
    } else if (f.kind === 'number') {
      v = Number(raw);
      if (!Number.isInteger(v)) errors[f.key] = 'must be a whole number';
    } else if (f.kind === 'list') v = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else v = raw;
    const parts = f.key.split('.');
    let at = config;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1] as string] = v;
  }
  return Object.keys(errors).length ? { config: null, errors } : { config, errors };
}

/** Where a channel sends, as the list shows it (already cut to scheme and host by the server). */
export function channelTarget(c: Pick<Channel, 'type' | 'config'>): string {
  const cfg = c.config;
  if (c.type === 'email') return `${String(getPath(cfg, 'from') ?? '')} → ${([] as unknown[]).concat(cfg.to ?? []).join(', ')}`;
  if (c.type === 'slack') return 'Slack incoming webhook';
  if (c.type === 'pagerduty') return String(cfg.url ?? 'PagerDuty Events API');
  return String(cfg.url ?? '');
}
