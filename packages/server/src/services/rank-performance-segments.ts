import {
  accuracy, attributePerformanceDrop, confusionFromCells, confusionTotal, logLoss, meanAbsoluteError, meanSquaredError, mergeLogLoss, mergeRegression, VigilError,
  type ConfusionCell, type LogLossState, type MetricValue, type Model, type RegressionState, type SegmentPerformanceContribution,
} from '@vigil/core';
import type { PerformanceRows, RollupQuery } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { getModel } from './get-model.ts';

const HOUR = 3_600_000;

/** Metrics that are row-weighted means, so that a change splits exactly into segments. */
export const SEGMENT_METRICS = { accuracy: 'classifier', error_rate: 'classifier', log_loss: 'classifier', mae: 'regression', mse: 'regression' } as const;
export type SegmentMetricName = keyof typeof SEGMENT_METRICS;

export interface RankSegmentsInput {
  modelId: string;
  from: number;
  to: number;
  /** Both or neither; neither: the window of the same length right before [from, to). */
  baselineFrom: number | null;
  baselineTo: number | null;
  version: string | null;
  /** One segment key; null: each of the model's keys. */
  segment: string | null;
  /** null: accuracy for classifiers, mae for regression. */
  metric: SegmentMetricName | null;
}

type Side = { n: number; value: number | null };
export interface RankedSegment extends Omit<SegmentPerformanceContribution, 'key' | 'referenceN' | 'currentN' | 'referenceValue' | 'currentValue'> {
  /** The segment's value ('' for predictions without one). */
  value: string;
  baseline: Side;
  current: Side;
}

export interface RankSegmentsResult {
  model: string;
  metric: SegmentMetricName;
  /** Whether a rise of the metric is an improvement. */
  higher_is_better: boolean;
  status: 'ok' | 'no_data';
  reason?: string;
  current: { from: number; to: number } & Side;
  baseline: { from: number; to: number } & Side;
  /** current − baseline: the sum of every segment's total, for each key. */
  change: number | null;
  by: { segment: string; segments: RankedSegment[] }[];
}

/** A window snapped to the hours the performance rollups keep. */
const hours = (from: number, to: number) => ({ from: Math.floor(from / HOUR) * HOUR, to: Math.ceil(to / HOUR) * HOUR });

function append<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Per value of `key` (every row under '' when key is null): the metric and the rows it is a mean over. */
function sidesOf(rows: PerformanceRows, key: string | null, metric: SegmentMetricName): Map<string, Side> {
  const valueOf = (g: Record<string, string>) => (key === null ? '' : g[key] ?? '');
  const out = new Map<string, Side>();
  const put = (value: string, n: number, m: MetricValue) => out.set(value, { n, value: m.status === 'ok' ? m.value : null });
  if (metric === 'accuracy' || metric === 'error_rate') {
    const cells = new Map<string, ConfusionCell[]>();
    for (const r of rows.confusion) append(cells, valueOf(r.group), { truth: r.truth, predicted: r.predicted, count: r.count });
    for (const [value, c] of cells) {
      const state = confusionFromCells(c), m = accuracy(state);
      put(value, confusionTotal(state), metric === 'error_rate' && m.status === 'ok' ? { ...m, value: 1 - m.value } : m);
    }
    return out;
  }
  if (metric === 'log_loss') {
    const states = new Map<string, LogLossState[]>();
    for (const r of rows.totals) append(states, valueOf(r.group), r.log_loss);
    for (const [value, s] of states) {
      const merged = mergeLogLoss(...s);
      put(value, merged.n, logLoss(merged));
    }
    return out;
  }
  const states = new Map<string, RegressionState[]>();
  for (const r of rows.totals) append(states, valueOf(r.group), r.regression);
  for (const [value, s] of states) {
    const merged = mergeRegression(s[0] as RegressionState, ...s.slice(1));
    put(value, merged.n, metric === 'mae' ? meanAbsoluteError(merged) : meanSquaredError(merged));
  }
  return out;
}

function checkInput(model: Model, input: RankSegmentsInput): { keys: string[]; metric: SegmentMetricName } {
  if (model.schema.segments.length === 0) {
    throw new VigilError('validation_failed', `model ${model.id} declares no segments: worst segments ranks the values of a segment key`, {
      hint: 'declare segment keys in the model schema (schema.segments) and send them with each prediction',
      details: [{ field: 'segment', message: 'the model has no segment keys' }],
    });
  }
  if (input.segment !== null && !model.schema.segments.includes(input.segment)) {
    throw new VigilError('validation_failed', `model ${model.id} has no segment ${input.segment}`, { details: [{ field: 'segment', message: `segments are ${model.schema.segments.join(', ')}` }] });
  }
  const kind = model.task === 'regression' ? 'regression' : 'classifier';
  const metric = input.metric ?? (kind === 'regression' ? 'mae' : 'accuracy');
  if (SEGMENT_METRICS[metric] !== kind) {
    const allowed = Object.entries(SEGMENT_METRICS).filter(([, k]) => k === kind).map(([m]) => m);
    throw new VigilError('validation_failed', 'invalid query', { details: [{ field: 'metric', message: `${metric} is not a metric of ${model.task} models; use ${allowed.join(', ')}` }] });
  }
  return { keys: input.segment === null ? [...model.schema.segments] : [input.segment], metric };
}

/**
 * Worst segments (docs/performance.md): the change of a row-weighted mean metric between a
 * baseline and a current window, split exactly into each segment's within and mix parts by the
 * core's attributePerformanceDrop, from the hourly performance rollups; one ranking per key.
 */
export async function rankPerformanceSegments({ ctx, input }: { ctx: ServiceContext; input: RankSegmentsInput }): Promise<RankSegmentsResult> {
  const model = await getModel({ ctx, input: { id: input.modelId } });
  const { keys, metric } = checkInput(model, input);
  const current = hours(input.from, input.to);
  const baseline = input.baselineFrom !== null && input.baselineTo !== null ? hours(input.baselineFrom, input.baselineTo) : { from: current.from - (current.to - current.from), to: current.from };
  const query = (w: { from: number; to: number }, key: string): RollupQuery => ({
    from: w.from, to: w.to, stepMs: HOUR, models: [model.id], versions: input.version === null ? null : [input.version], segments: {}, groupBy: [`segment.${key}`], filters: {},
  });
  const read = await Promise.all(keys.map(async (key) => {
    // the confusion counts make accuracy and error rate; the totals the others
    const parts = metric === 'accuracy' || metric === 'error_rate' ? (['confusion'] as const) : (['totals'] as const);
    const [cur, base] = await Promise.all([ctx.stores.events.queryPerformance(query(current, key), parts), ctx.stores.events.queryPerformance(query(baseline, key), parts)]);
    return { key, cur, base };
  }));
  // every row has one value of a key, so the whole window's metric comes from any key's rows
  const first = read[0] as (typeof read)[number];
  const none: Side = { n: 0, value: null };
  const curAll = sidesOf(first.cur, null, metric).get('') ?? none, baseAll = sidesOf(first.base, null, metric).get('') ?? none;
  const result: RankSegmentsResult = {
    model: model.id, metric, higher_is_better: metric === 'accuracy', status: 'ok',
    current: { ...current, ...curAll }, baseline: { ...baseline, ...baseAll }, change: null, by: [],
  };
  if (curAll.n === 0 || baseAll.n === 0) {
    const where = curAll.n === 0 && baseAll.n === 0 ? 'either window' : curAll.n === 0 ? 'the current window' : 'the baseline window';
    return { ...result, status: 'no_data', reason: `no labelled predictions to compute ${metric.replace('_', ' ')} on in ${where}` };
  }
  result.change = (curAll.value as number) - (baseAll.value as number);
  for (const { key, cur, base } of read) {
    const c = sidesOf(cur, `segment.${key}`, metric), b = sidesOf(base, `segment.${key}`, metric);
    const values = [...new Set([...c.keys(), ...b.keys()])];
    const side = (s: Side | undefined) => (s && s.n > 0 && s.value !== null ? { n: s.n, value: s.value } : null);
    const split = attributePerformanceDrop(values.map((v) => ({ key: v, reference: side(b.get(v)), current: side(c.get(v)) })));
    const segments = (split?.segments ?? []).map(({ key: value, referenceN, currentN, referenceValue, currentValue, ...rest }) => ({
      value, baseline: { n: referenceN, value: referenceValue }, current: { n: currentN, value: currentValue }, ...rest,
    }));
    result.by.push({ segment: key, segments });
  }
  return result;
}
