// The overview's requests: the model rows, and one query per key figure for every card at once
// (grouped by model), never one per card. Sparklines are extras: when their query fails the
// cards still show their numbers.
import { overview, type ModelOverview } from '../../api/models.ts';
import { catalog, queryMetric, type CatalogMetric } from '../../api/query.ts';
import { futureMetric, seriesByModel, sparklineStep, type FutureMetric, type Points } from '../../lib/overview.ts';
import { resolveBound, type TimeRange } from '../../lib/time-range.ts';

export interface FigureSeries {
  metric: string;
  unit: string;
  byModel: Map<string, Points>;
}

export interface OverviewData {
  rows: ModelOverview[];
  rate: Map<string, Points>;
  p99: Map<string, Points>;
  /** Null until the catalogue has such a metric. */
  future: Record<FutureMetric, FigureSeries | null>;
}

/** `resolutionMs`: the metric's finest step (drift is kept per hour); the sparkline step is rounded up to it. */
const byModel = (metric: string, range: TimeRange, signal: AbortSignal, resolutionMs = 0) => {
  const now = Date.now();
  const step = sparklineStep(resolveBound(range.from, now) ?? now - 3_600_000, resolveBound(range.to, now) ?? now, 40, resolutionMs);
  return queryMetric({ metric, group_by: ['model'], step }, range.from, range.to, signal).then(
    (a) => a,
    () => null,
  );
};

async function futureSeries(metrics: CatalogMetric[], kind: FutureMetric, range: TimeRange, signal: AbortSignal): Promise<FigureSeries | null> {
  const name = futureMetric(metrics, kind);
  if (!name) return null;
  const answer = await byModel(name, range, signal, metrics.find((m) => m.name === name)?.resolution_ms ?? 0);
  return { metric: name, unit: answer?.unit ?? metrics.find((m) => m.name === name)?.unit ?? '', byModel: seriesByModel(answer) };
}

export async function loadOverview(range: TimeRange, signal: AbortSignal): Promise<OverviewData> {
  const metrics = catalog().catch(() => [] as CatalogMetric[]);
  const [ov, rate, p99, accuracy, drift] = await Promise.all([
    overview(range.from, range.to),
    byModel('predictions.rate', range, signal),
    byModel('latency.p99', range, signal),
    metrics.then((m) => futureSeries(m, 'accuracy', range, signal)),
    metrics.then((m) => futureSeries(m, 'drift', range, signal)),
  ]);
  return { rows: ov.models, rate: seriesByModel(rate), p99: seriesByModel(p99), future: { accuracy, drift } };
}
