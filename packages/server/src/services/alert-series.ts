// What a rule reads and how a series becomes the value its condition compares: shared by the
// evaluation cycle (evaluate-alerts.ts, the last step only) and the preview (every step of 7 days).
//
// The step a rule is evaluated on is its evaluation_interval rounded up to the metric's resolution
// (a per-hour metric is read per hour); a seasonal anomaly rule whose step does not divide its
// season falls back to the resolution. The step evaluated at `now` is the last fully elapsed one:
// [floor(now / step)·step − step, floor(now / step)·step). The bucket still filling is never read,
// so a half-full minute cannot look like a traffic drop or a latency spike.
import {
  CATALOG_BY_NAME,
  ewmaScores,
  performanceDrop,
  productionVersionAt,
  seasonalBaseline,
  type AlertRule,
  type MetricQuery,
  type SampleAgg,
} from '@vigil/core';
import type { ServiceContext } from '../context.ts';
import { estimatePerformance } from './estimate-performance.ts';

const DAY = 86_400_000;
/** Neighbouring phases pooled for the seasonal scale (anomaly.ts' default). */
const POOL = 6;
/** Most steps of history an EWMA rule reads: its weights are negligible beyond. */
const EWMA_MAX_STEPS = 2000;

export type Points = readonly (readonly [number, number | null])[];

/** The step a rule is evaluated on (see the header). */
export function stepOf(rule: AlertRule): number {
  const res = CATALOG_BY_NAME.get(rule.metric)?.resolution_ms ?? 60_000;
  const step = Math.max(res, Math.ceil(rule.evaluation_interval / res) * res);
  const c = rule.condition;
  if (c.kind === 'anomaly' && c.method === 'seasonal' && (c.season ?? DAY) % step !== 0) return res;
  return step;
}

/** How many steps, ending with the evaluated one, the rule's value needs. */
export function historySteps(rule: AlertRule, step: number): number {
  const c = rule.condition;
  if (c.kind === 'absence') return Math.ceil(c.duration / step);
  if (c.kind === 'anomaly' && c.method === 'seasonal') return Math.ceil(((c.lookback_seasons ?? 7) * (c.season ?? DAY)) / step) + POOL + 1;
  if (c.kind === 'anomaly') return Math.min(EWMA_MAX_STEPS, Math.max(c.min_history ?? 20, Math.ceil(6 / (c.alpha ?? 0.05)))) + 1;
  return 1;
}

/** End (exclusive) of the last fully elapsed step at `now`. */
export const stepEnd = (now: number, step: number): number => Math.floor(now / step) * step;

/**
 * The metric the evaluator reads to find a rule's series and their data: the rule's, except for a
 * performance_drop on estimated values, whose series are those with predictions (the estimate is
 * made per series, from scores, where labels have not come).
 */
export function evaluatedMetricOf(rule: AlertRule): string {
  return rule.condition.kind === 'performance_drop' && rule.condition.source === 'estimated' ? 'predictions.count' : rule.metric;
}

/** A rule's metric (or `metricName`) read as a catalogue query over [from, to), before any access scoping. */
export function metricQueryOf(rule: AlertRule, from: number, to: number, step: number, metricName: string = rule.metric): MetricQuery {
  const metric = CATALOG_BY_NAME.get(metricName);
  if (!metric) throw new Error(`unknown metric ${metricName}`);
  const segments: Record<string, string> = {};
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.filters)) {
    if (k.startsWith('segment.')) segments[k.slice(8)] = v;
    else if (k !== 'name' && k !== 'agg') filters[k] = v;
  }
  const models = rule.model === undefined ? null : [rule.model].flat();
  return {
    metric, from, to, stepMs: step, models, versions: rule.version === undefined ? null : [rule.version], segments, filters,
    groupBy: [...rule.group_by], name: rule.filters.name ?? null, agg: (rule.filters.agg ?? 'avg') as SampleAgg,
  };
}

/**
 * The value the condition compares at each index from `start` on: the metric (threshold-like
 * kinds), its drop against `baseline` (performance_drop; null without a baseline), the number of
 * steps with data in the last `duration` (absence), or the signed anomaly score against the
 * history before the point (anomaly). `points` lie on the step grid, oldest first.
 */
export function valuesOf(rule: AlertRule, points: Points, step: number, start: number, baseline: number | null = null): (number | null)[] {
  const c = rule.condition;
  const out: (number | null)[] = [];
  if (c.kind === 'anomaly' && c.method === 'ewma') {
    const scores = ewmaScores(points, { alpha: c.alpha ?? 0.05, ...(c.min_history !== undefined ? { minHistory: c.min_history } : {}) });
    for (let i = start; i < points.length; i++) out.push(scores[i]?.score ?? null);
    return out;
  }
  if (c.kind === 'anomaly') {
    const values = new Map<number, number>();
    for (const [t, v] of points) if (v !== null && Number.isFinite(v)) values.set(t, v);
    const o = { season: c.season ?? DAY, lookback: c.lookback_seasons ?? 7, minHistory: c.min_history ?? 3, step, pool: POOL };
    for (let i = start; i < points.length; i++) {
      const [t, v] = points[i] as readonly [number, number | null];
      const b = v === null ? null : seasonalBaseline(values, t, o);
      out.push(b && v !== null ? (v - b.centre) / b.scale : null);
    }
    return out;
  }
  if (c.kind === 'absence') {
    const k = Math.ceil(c.duration / step);
    let present = 0;
    for (let i = 0; i < points.length; i++) {
      if (points[i]?.[1] !== null) present++;
      if (i - k >= 0 && points[i - k]?.[1] !== null) present--;
      if (i >= start) out.push(present);
    }
    return out;
  }
  for (let i = start; i < points.length; i++) {
    const v = points[i]?.[1] ?? null;
    if (c.kind === 'performance_drop') out.push(v === null || baseline === null ? null : performanceDrop(rule.metric, v, baseline, c.mode));
    else out.push(v);
  }
  return out;
}

/** The version's validation value a performance_drop rule compares with; error_rate falls back to 1 − accuracy. */
export function baselineFrom(metric: string, validation: Readonly<Record<string, number>>): number | null {
  const key = metric.replace(/^performance\./, '');
  const v = validation[key];
  if (typeof v === 'number') return v;
  if (key === 'error_rate' && typeof validation.accuracy === 'number') return 1 - validation.accuracy;
  return null;
}

/** The segment filters of a rule (`segment.<name>`), by segment name. */
export function segmentsOf(rule: AlertRule): Record<string, string> {
  return Object.fromEntries(Object.entries(rule.filters).filter(([k]) => k.startsWith('segment.')).map(([k, v]) => [k.slice(8), v]));
}

/**
 * A performance metric from a label-free estimate: accuracy, error_rate (1 − accuracy), and, for a
 * binary classifier, fpr and fnr from the expected confusion matrix ([true][predicted]); null when
 * the estimate does not give it.
 */
export function estimatedMetric(metric: string, accuracy: number | null, positive: string | null, confusion: { labels: string[]; matrix: number[][] } | null): number | null {
  const key = metric.replace(/^performance\./, '');
  if (key === 'accuracy') return accuracy;
  if (key === 'error_rate') return accuracy === null ? null : 1 - accuracy;
  if ((key !== 'fpr' && key !== 'fnr') || positive === null || confusion === null) return null;
  const p = confusion.labels.indexOf(positive);
  if (p < 0) return null;
  let tp = 0, fn = 0, fp = 0, tn = 0;
  confusion.matrix.forEach((row, t) =>
    row.forEach((c, q) => {
      if (t === p && q === p) tp += c;
      else if (t === p) fn += c;
      else if (q === p) fp += c;
      else tn += c;
    }),
  );
  if (key === 'fpr') return fp + tn > 0 ? fp / (fp + tn) : null;
  return tp + fn > 0 ? fn / (tp + fn) : null;
}

/** Canonical JSON of a label set (sorted keys): a series' key in the AlertStore. */
export function seriesKeyOf(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** The single model a rule names; null for none or several. */
export const singleModel = (rule: AlertRule): string | null => (typeof rule.model === 'string' ? rule.model : rule.model?.length === 1 ? (rule.model[0] as string) : null);

/** The version's validation value a performance_drop series is compared with; null when none is known. */
export async function baselineOf(ctx: ServiceContext, rule: AlertRule, labels: Record<string, string>, now: number): Promise<number | null> {
  const model = labels.model ?? singleModel(rule);
  if (model === null) return null;
  const version = labels.version ?? rule.version ?? productionVersionAt(await ctx.stores.meta.listDeployments(model, { environment: 'production' }), now);
  if (version === null) return null;
  const v = await ctx.stores.meta.getVersion(model, version);
  return v ? baselineFrom(rule.metric, v.validation_metrics) : null;
}

/**
 * performance_drop on estimated values: the label-free estimate (CBPE, estimate-performance.ts) of
 * the series' model, version (else all versions) and segments over `window` (the evaluated step), against the
 * version's validation metric as for realized values. No baseline or no estimate is no data; a
 * model the estimate cannot serve (no reference, a regressor) is an error, saying why.
 */
export async function estimatedDrop(ctx: ServiceContext, rule: AlertRule, labels: Record<string, string>, window: { from: number; to: number }, now: number): Promise<number | null> {
  const c = rule.condition;
  if (c.kind !== 'performance_drop') return null;
  const model = labels.model ?? singleModel(rule);
  if (model === null) throw new Error('an estimated performance_drop reads one model at a time: set "model" or group by model');
  const baseline = await baselineOf(ctx, rule, labels, now);
  if (baseline === null) return null;
  const est = await estimatePerformance({ ctx, input: { modelId: model, from: window.from, to: window.to, version: labels.version ?? rule.version ?? null, segments: segmentsOf(rule), stepMs: null, reference: null } });
  if (est.status === 'no_reference') throw new Error(`no performance estimate: ${est.reason ?? 'no labelled reference'}`);
  if (est.status !== 'ok') return null;
  const live = estimatedMetric(rule.metric, est.metrics.accuracy.estimate, est.positive, est.confusion_matrix);
  return live === null ? null : performanceDrop(rule.metric, live, baseline, c.mode);
}
