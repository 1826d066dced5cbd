import { accuracy, confusionFromCells, meanAbsoluteError, mergeRegression, rootMeanSquaredError, type ConfusionCell, type MetricQuery, type MetricValue, type RegressionState, type ScalarValues } from '@vigil/core';
import type { RollupQuery } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';

const groupKey = (g: Record<string, string>, bucket: number) => `${JSON.stringify(g)}\u0000${bucket}`;

/**
 * Rows of the performance.* catalogue metrics from the performance rollups: per group and step,
 * accuracy from the summed confusion counts, MAE / RMSE from the summed regression states, the
 * mean label delay. Exact over each step (the states add up), by the predictions' time.
 */
export async function performanceRows(ctx: ServiceContext, q: MetricQuery, rq: RollupQuery): Promise<ScalarValues[]> {
  const rows = await ctx.stores.events.queryPerformance(rq);
  const out: ScalarValues[] = [];
  const push = (group: Record<string, string>, bucket: number, m: MetricValue) => { if (m.status === 'ok') out.push({ group, bucket, value: m.value }); };
  if (q.metric.name === 'performance.accuracy') {
    const cells = new Map<string, { group: Record<string, string>; bucket: number; cells: ConfusionCell[] }>();
    for (const r of rows.confusion) {
      const k = groupKey(r.group, r.bucket);
      const e = cells.get(k) ?? { group: r.group, bucket: r.bucket, cells: [] };
      e.cells.push({ truth: r.truth, predicted: r.predicted, count: r.count });
      cells.set(k, e);
    }
    for (const e of cells.values()) push(e.group, e.bucket, accuracy(confusionFromCells(e.cells)));
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
