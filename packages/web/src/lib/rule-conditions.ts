// The rule editor's condition part, for every kind docs/alerts.md defines: the form's fields as
// typed (strings) ↔ the condition document the server validates, which metrics each kind may
// read, and the levels the preview draws. Pure; the browser only renders what these decide.
import type { Condition } from '../api/alerts.ts';
import { durationText, parseDuration, type FieldErrors } from './duration-text.ts';

export const CONDITION_KINDS = ['threshold', 'anomaly', 'absence', 'drift', 'performance_drop', 'error_rate', 'staleness'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/** Each kind in words, for the kind picker. */
export const KIND_INFO: Record<ConditionKind, { label: string; hint: string }> = {
  threshold: { label: 'Threshold', hint: 'the metric above or below a level' },
  anomaly: { label: 'Anomaly', hint: 'the metric unusual for its own history (a robust z-score beyond the sensitivity)' },
  absence: { label: 'Absence', hint: 'no data in the last duration (e.g. predictions.count stopped)' },
  drift: { label: 'Drift', hint: "a feature's drift score (drift.score) or the share of drifted features (drift.share)" },
  performance_drop: { label: 'Performance drop', hint: "how much worse than the version's validation metric" },
  error_rate: { label: 'Error rate', hint: 'failed predictions per step, above a rate in [0, 1]' },
  staleness: { label: 'Staleness', hint: 'stale predictions or feature age, above a level' },
};

/** The catalogue metrics a kind reads (the server's METRICS_OF_KIND); null: any metric. */
export function metricsOfKind(kind: ConditionKind, target: 'feature' | 'share' = 'feature'): readonly string[] | null {
  switch (kind) {
    case 'drift':
      return [target === 'share' ? 'drift.share' : 'drift.score'];
    case 'error_rate':
      return ['errors.rate', 'performance.error_rate'];
    case 'staleness':
      return ['predictions.stale_share', 'feature_age.p50', 'feature_age.p99'];
    case 'performance_drop':
      return ['performance.accuracy', 'performance.error_rate', 'performance.fpr', 'performance.fnr', 'performance.mae', 'performance.rmse'];
    default:
      return null;
  }
}

/** The metric to keep when the kind (or drift target) changes: the current one if allowed, else the first allowed one the catalogue has. */
export function metricForKind(kind: ConditionKind, target: 'feature' | 'share', current: string, available: readonly string[]): string {
  const allowed = metricsOfKind(kind, target);
  if (!allowed || allowed.includes(current)) return current;
  return allowed.find((m) => available.includes(m)) ?? allowed[0] ?? current;
}

/** Drift methods (docs/drift.md) and whether their score is a p-value (fires below) or a distance (fires above). */
export const DRIFT_METHODS: Record<string, { label: string; pValue: boolean; defaultValue: number }> = {
  ks: { label: 'KS test (p-value)', pValue: true, defaultValue: 0.05 },
  chisquare: { label: 'Chi-square (p-value)', pValue: true, defaultValue: 0.05 },
  chi2_contingency: { label: 'Chi-square contingency (p-value)', pValue: true, defaultValue: 0.05 },
  z: { label: 'Z-test (p-value)', pValue: true, defaultValue: 0.05 },
  wasserstein: { label: 'Wasserstein, normed (distance)', pValue: false, defaultValue: 0.1 },
  jensenshannon: { label: 'Jensen-Shannon (distance)', pValue: false, defaultValue: 0.1 },
  psi: { label: 'PSI (distance)', pValue: false, defaultValue: 0.1 },
  psi_quantile: { label: 'PSI on quantiles (distance)', pValue: false, defaultValue: 0.1 },
  hellinger: { label: 'Hellinger (distance)', pValue: false, defaultValue: 0.1 },
};

/** Every field of every kind, as typed; only the chosen kind's are read. Empty text means the server's default. */
export interface ConditionDraft {
  kind: ConditionKind;
  // threshold
  op: 'above' | 'below';
  // threshold, drift, performance_drop, error_rate, staleness
  value: string;
  recovery: string;
  // anomaly
  method: 'seasonal' | 'ewma';
  sensitivity: string;
  direction: 'above' | 'below' | 'both';
  season: string;
  lookback_seasons: string;
  alpha: string;
  min_history: string;
  // absence
  duration: string;
  // drift (`feature` is the rule's `filters.feature`: one feature, or every feature when empty)
  target: 'feature' | 'share';
  drift_method: string;
  feature: string;
  // performance_drop
  source: 'realized' | 'estimated';
  mode: 'absolute' | 'relative';
}

export const emptyCondition = (kind: ConditionKind = 'threshold'): ConditionDraft => ({
  kind, op: 'above', value: '', recovery: '', method: 'seasonal', sensitivity: '4', direction: 'both', season: '', lookback_seasons: '', alpha: '', min_history: '',
  duration: '10m', target: 'feature', drift_method: 'psi', feature: '', source: 'realized', mode: 'absolute',
});

/** The condition fields each kind shows, by the server's names (errors land beside them). */
export function conditionFields(d: Pick<ConditionDraft, 'kind' | 'method' | 'target'>): string[] {
  switch (d.kind) {
    case 'threshold':
      return ['op', 'value', 'recovery'];
    case 'anomaly':
      return ['method', 'sensitivity', 'direction', ...(d.method === 'seasonal' ? ['season', 'lookback_seasons'] : ['alpha']), 'min_history'];
    case 'absence':
      return ['duration'];
    case 'drift':
      return ['target', 'method', 'value', 'recovery'];
    case 'performance_drop':
      return ['source', 'mode', 'value', 'recovery'];
    default:
      return ['value', 'recovery'];
  }
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const isKind = (k: string): k is ConditionKind => (CONDITION_KINDS as readonly string[]).includes(k);

/** A stored condition in the form's terms; `filters` gives a drift rule its feature. Null for a kind this client does not know. */
export function conditionToDraft(c: Condition, filters: Record<string, string> = {}): ConditionDraft | null {
  if (!isKind(c.kind)) return null;
  const f = c as Record<string, unknown>;
  const d = emptyCondition(c.kind);
  d.value = str(f.value);
  d.recovery = str(f.recovery);
  if (c.kind === 'threshold') d.op = f.op === 'below' ? 'below' : 'above';
  if (c.kind === 'anomaly') {
    d.method = f.method === 'ewma' ? 'ewma' : 'seasonal';
    d.sensitivity = str(f.sensitivity);
    d.direction = (f.direction as ConditionDraft['direction']) ?? 'both';
    d.season = typeof f.season === 'number' ? durationText(f.season) : '';
    d.lookback_seasons = str(f.lookback_seasons);
    d.alpha = str(f.alpha);
    d.min_history = str(f.min_history);
  }
  if (c.kind === 'absence') d.duration = typeof f.duration === 'number' ? durationText(f.duration) : '';
  if (c.kind === 'drift') {
    d.target = f.target === 'share' ? 'share' : 'feature';
    d.drift_method = str(f.method);
    d.feature = filters.feature ?? '';
  }
  if (c.kind === 'performance_drop') {
    d.source = f.source === 'estimated' ? 'estimated' : 'realized';
    d.mode = f.mode === 'relative' ? 'relative' : 'absolute';
  }
  return d;
}

/**
 * The condition a draft sends, or the errors the browser can already tell, keyed as the server
 * keys them (`condition.sensitivity`). The server checks everything again (ranges, recovery on the
 * clear side, the metric for the kind); its 400s land beside the same fields.
 */
export function draftToCondition(d: ConditionDraft): { condition: Condition | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const out: Record<string, unknown> = { kind: d.kind };
  /** A number field: required, or left out when empty. */
  const number = (field: string, text: string, required: boolean, integer = false) => {
    const t = text.trim();
    if (t === '') {
      if (required) errors[`condition.${field}`] = 'required: a number';
      return;
    }
    const n = Number(t);
    if (!Number.isFinite(n)) errors[`condition.${field}`] = required ? 'must be a number' : 'must be a number, or empty';
    else if (integer && !Number.isInteger(n)) errors[`condition.${field}`] = 'must be a whole number';
    else out[field] = n;
  };
  const duration = (field: string, text: string, required: boolean) => {
    if (text.trim() === '' && !required) return;
    const ms = parseDuration(text);
    if (ms === null) errors[`condition.${field}`] = 'a duration such as 10m, 1h or 1d';
    else out[field] = ms;
  };
  switch (d.kind) {
    case 'threshold':
      out.op = d.op;
      number('value', d.value, true);
      number('recovery', d.recovery, false);
      break;
    case 'anomaly':
      out.method = d.method;
      number('sensitivity', d.sensitivity, false);
      out.direction = d.direction;
      if (d.method === 'seasonal') {
        duration('season', d.season, false);
        number('lookback_seasons', d.lookback_seasons, false, true);
      } else number('alpha', d.alpha, false);
      number('min_history', d.min_history, false, true);
      break;
    case 'absence':
      duration('duration', d.duration, true);
      break;
    case 'drift':
      out.target = d.target;
      if (d.drift_method) out.method = d.drift_method;
      else if (d.target === 'feature') errors['condition.method'] = 'pick a method: it decides whether the score fires below (p-value) or above (distance)';
      number('value', d.value, d.target === 'share');
      number('recovery', d.recovery, false);
      break;
    case 'performance_drop':
      out.source = d.source;
      out.mode = d.mode;
      number('value', d.value, true);
      number('recovery', d.recovery, false);
      break;
    default:
      number('value', d.value, true);
      number('recovery', d.recovery, false);
  }
  return Object.keys(errors).length ? { condition: null, errors } : { condition: out as Condition, errors };
}

/** The rule's filters with a drift draft's feature applied (set, or removed when empty or not a feature rule). */
export function filtersWithFeature(filters: Record<string, string>, d: Pick<ConditionDraft, 'kind' | 'target' | 'feature'>): Record<string, string> {
  if (d.kind !== 'drift') return filters;
  const { feature: _old, ...rest } = filters;
  return d.target === 'feature' && d.feature.trim() ? { ...rest, feature: d.feature.trim() } : rest;
}

export interface PreviewLevel {
  value: number;
  label: string;
  tone: 'threshold' | 'recovery';
}

/** The levels the preview draws over the value the rule compared (docs/alerts.md, "value compared"). */
export function previewLevels(c: Condition): PreviewLevel[] {
  const f = c as Record<string, unknown>;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const pair = (value: number | null, recovery: number | null): PreviewLevel[] => [
    ...(value === null ? [] : [{ value, label: 'threshold', tone: 'threshold' as const }]),
    ...(recovery === null || recovery === value ? [] : [{ value: recovery, label: 'recovery', tone: 'recovery' as const }]),
  ];
  switch (c.kind) {
    case 'anomaly': {
      const s = num(f.sensitivity) ?? 4;
      const dir = f.direction ?? 'both';
      return [
        ...(dir === 'below' ? [] : [{ value: s, label: `score +${s}`, tone: 'threshold' as const }]),
        ...(dir === 'above' ? [] : [{ value: -s, label: `score −${s}`, tone: 'threshold' as const }]),
      ];
    }
    case 'absence':
      // the value is the number of steps with data in the window: none (0) fires
      return [{ value: 0, label: 'fires at 0', tone: 'threshold' }];
    case 'drift': {
      const method = typeof f.method === 'string' ? DRIFT_METHODS[f.method] : undefined;
      return pair(num(f.value) ?? method?.defaultValue ?? null, num(f.recovery));
    }
    default:
      return pair(num(f.value), num(f.recovery));
  }
}

/** What the preview's value axis shows for a kind whose compared value is not the metric itself. */
export function comparedValueLabel(c: Pick<Condition, 'kind'>, metric: string): { label: string; unit: string | null } {
  if (c.kind === 'anomaly') return { label: `${metric} anomaly score`, unit: '' };
  if (c.kind === 'absence') return { label: `${metric}: steps with data`, unit: '' };
  if (c.kind === 'performance_drop') return { label: `${metric} drop vs baseline`, unit: null };
  return { label: metric, unit: null };
}
