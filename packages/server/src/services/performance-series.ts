import {
  accuracy, confusionFromCells, confusionTotal, labelSums, meanAbsoluteError, mergeRegression, rootMeanSquaredError,
  type ConfusionCell, type MetricQuery, type MetricValue, type Model, type RegressionState, type ScalarValues,
} from '@vigil/core';
import type { PerformanceConfusionRow, RollupQuery } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';
import { positiveClass } from './get-performance.ts';

const groupKey = (g: Record<string, string>, bucket: number) => `${JSON.stringify(g)}\u0000${bucket}`;

/** Confusion cells per (group, bucket). */
function cellsByGroup(rows: readonly PerformanceConfusionRow[]) {
  const out = new Map<string, { group: Record<string, string>; bucket: number; cells: ConfusionCell[] }>();
  for (const r of rows) {
    const k = groupKey(r.group, r.bucket);
    const e = out.get(k) ?? { group: r.group, bucket: r.bucket, cells: [] };
    e.cells.push({ truth: r.truth, predicted: r.predicted, count: r.count });
    out.set(k, e);
  }
  return out;
}

/**
 * Rows of the performance.* catalogue metrics from the performance rollups: per group and step,
 * accuracy and error rate from the summed confusion counts, FPR / FNR of binary models, MAE /
 * RMSE from the summed regression states, the mean label delay. Exact over each step (the
 * states add up), by the predictions' time.
 */
export async function performanceRows(ctx: ServiceContext, q: MetricQuery, rq: RollupQuery): Promise<ScalarValues[]> {
  if (q.metric.name === 'performance.fpr' || q.metric.name === 'performance.fnr') return binaryRateRows(ctx, q, rq);
  const confusionOnly = q.metric.name === 'performance.accuracy' || q.metric.name === 'performance.error_rate';
  // each metric reads only the rows it is made of
  const rows = await ctx.stores.events.queryPerformance(rq, confusionOnly ? ['confusion'] : ['totals']);
  const out: ScalarValues[] = [];
  const push = (group: Record<string, string>, bucket: number, m: MetricValue) => { if (m.status === 'ok') out.push({ group, bucket, value: m.value }); };
  if (q.metric.name === 'performance.accuracy' || q.metric.name === 'performance.error_rate') {
    const errorRate = q.metric.name === 'performance.error_rate';
    for (const e of cellsByGroup(rows.confusion).values()) {
      const m = accuracy(confusionFromCells(e.cells));
      push(e.group, e.bucket, errorRate && m.status === 'ok' ? { ...m, value: 1 - m.value } : m);
    }
    return out;
  }
  const states = new Map<string, { group: Record<string, string>; bucket: number; regression: RegressionState[]; labelled: number; delay: number }>();
  for (const r of rows.totals) {
    const k = groupKey(r.group, r.bucket);
    const e = states.get(k) ?? { group: r.group, bucket: r.bucket, regression: [], labelled: 0, delay: 0 };
    e.regression.push(r.regression);
    e.labelled += r.labelled;
    e.delay += r.delay_sum;
    states.set(k, e);
  }
  for (const e of states.values()) {
    if (q.metric.name === 'labels.delay_mean') {
      if (e.labelled > 0) out.push({ group: e.group, bucket: e.bucket, value: e.delay / e.labelled / 1000 });
      continue;
    }
    const merged = mergeRegression(e.regression[0] as RegressionState, ...e.regression.slice(1));
    push(e.group, e.bucket, q.metric.name === 'performance.mae' ? meanAbsoluteError(merged) : rootMeanSquaredError(merged));
  }
  return out;
}

/**
 * performance.fpr = FP / (FP + TN) and performance.fnr = FN / (FN + TP) of binary models. Each
 * model's positive class is the one GET /performance reports for the same window (its declared
 * classes[1], else '1' or 'true'), so the counts are read per model and then added up per group
 * and step: pooled over models unless grouped by model. A step without actual negatives (FPR) or
 * positives (FNR) has no value.
 */
async function binaryRateRows(ctx: ServiceContext, q: MetricQuery, rq: RollupQuery): Promise<ScalarValues[]> {
  const models = q.models === null ? await ctx.stores.meta.listModels() : (await Promise.all(q.models.map((id) => ctx.stores.meta.getModel(id)))).filter((m): m is Model => m !== null);
  const binary = new Map(models.filter((m) => m.task === 'binary').map((m) => [m.id, m]));
  if (binary.size === 0) return [];
  const byModel = rq.groupBy.includes('model');
  const rows = await ctx.stores.events.queryPerformance({ ...rq, models: [...binary.keys()], groupBy: byModel ? rq.groupBy : [...rq.groupBy, 'model'] }, ['confusion']);
  const perModel = new Map<string, PerformanceConfusionRow[]>();
  for (const r of rows.confusion) {
    const id = r.group.model ?? '';
    const list = perModel.get(id);
    if (list) list.push(r);
    else perModel.set(id, [r]);
  }
  const sums = new Map<string, { group: Record<string, string>; bucket: number; total: number; actual: number; predicted: number; tp: number }>();
  for (const [id, mine] of perModel) {
    const model = binary.get(id);
    if (!model) continue;
    const positive = positiveClass(model, confusionFromCells(mine).labels);
    for (const e of cellsByGroup(mine).values()) {
      const state = confusionFromCells(e.cells);
      const s = labelSums(state, [positive]);
      const group = byModel ? e.group : Object.fromEntries(Object.entries(e.group).filter(([k]) => k !== 'model'));
      const k = groupKey(group, e.bucket);
      const acc = sums.get(k) ?? { group, bucket: e.bucket, total: 0, actual: 0, predicted: 0, tp: 0 };
      acc.total += confusionTotal(state);
      acc.actual += s.actual[0] as number;
      acc.predicted += s.predicted[0] as number;
      acc.tp += s.tp[0] as number;
      sums.set(k, acc);
    }
  }
  const fpr = q.metric.name === 'performance.fpr';
  const out: ScalarValues[] = [];
  for (const a of sums.values()) {
    const negatives = a.total - a.actual;
    if (fpr && negatives > 0) out.push({ group: a.group, bucket: a.bucket, value: (a.predicted - a.tp) / negatives });
    if (!fpr && a.actual > 0) out.push({ group: a.group, bucket: a.bucket, value: (a.actual - a.tp) / a.actual });
  }
  return out;
}
