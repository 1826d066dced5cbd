import { sketchQuantile, SCORE_BINS, scoreBinLower } from '../stats/ddsketch.ts';
import { bucketGrid, fillGrid, groupKey, type MetricQuery, type Series } from './query.ts';
import { completeness } from '../quality/summary.ts';

/** Rollup rows as the stores return them, reduced to what series building needs. */
export interface GroupedRow {
  group: Record<string, string>;
  bucket: number;
}
export interface InferenceValues extends GroupedRow {
  count: number;
  latency_count: number;
  latency_sum: number;
  batch_count: number;
  batch_sum: number;
  score_count: number;
  score_sum: number;
  labelled: number;
}
export interface BinValues extends GroupedRow {
  bin: number;
  count: number;
}
export interface FeatureValues extends GroupedRow {
  feature: string;
  count: number;
  nulls: number;
  num_count: number;
  sum: number;
}
export interface ScalarValues extends GroupedRow {
  value: number;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Collects per-group bucket values, then lays each group on the full grid. */
function assemble(q: MetricQuery, entries: Iterable<[Record<string, string>, number, number | null]>): Series[] {
  const grid = bucketGrid(q.from, q.to, q.stepMs);
  const groups = new Map<string, { labels: Record<string, string>; values: Map<number, number | null> }>();
  for (const [labels, bucket, value] of entries) {
    const k = groupKey(labels);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { labels, values: new Map() }));
    g.values.set(bucket, value);
  }
  if (groups.size === 0 && q.groupBy.length === 0 && q.metric.source !== 'score' && q.metric.source !== 'feature') {
    return [{ labels: {}, points: fillGrid(grid, new Map()) }];
  }
  return [...groups.values()]
    .sort((a, b) => (groupKey(a.labels) < groupKey(b.labels) ? -1 : 1))
    .map((g) => ({ labels: g.labels, points: fillGrid(grid, g.values) }));
}

const INFERENCE_VALUE: Record<string, (r: InferenceValues, stepMs: number) => number | null> = {
  'predictions.count': (r) => (r.count > 0 ? r.count : null),
  'predictions.rate': (r, step) => (r.count > 0 ? r.count / (step / 1000) : null),
  'latency.mean': (r) => ratio(r.latency_sum, r.latency_count),
  'batch_size.mean': (r) => ratio(r.batch_sum, r.batch_count),
  'score.mean': (r) => ratio(r.score_sum, r.score_count),
  'labels.count': (r) => (r.count > 0 || r.labelled > 0 ? r.labelled : null),
  'labels.coverage': (r) => ratio(r.labelled, r.count),
};

export function inferenceSeries(q: MetricQuery, rows: readonly InferenceValues[]): Series[] {
  const f = INFERENCE_VALUE[q.metric.name];
  if (!f) throw new Error(`${q.metric.name} is not an inference metric`);
  return assemble(q, rows.map((r) => [r.group, r.bucket, f(r, q.stepMs)]));
}

export const QUANTILE: Readonly<Record<string, number>> = { 'latency.p50': 0.5, 'latency.p90': 0.9, 'latency.p99': 0.99 };

export function latencySeries(q: MetricQuery, rows: readonly BinValues[]): Series[] {
  const quant = QUANTILE[q.metric.name];
  if (quant === undefined) throw new Error(`${q.metric.name} is not a latency quantile`);
  const sketches = new Map<string, { labels: Record<string, string>; bucket: number; bins: Map<number, number> }>();
  for (const r of rows) {
    const k = `${groupKey(r.group)}|${r.bucket}`;
    let s = sketches.get(k);
    if (!s) sketches.set(k, (s = { labels: r.group, bucket: r.bucket, bins: new Map() }));
    s.bins.set(r.bin, (s.bins.get(r.bin) ?? 0) + r.count);
  }
  return assemble(q, [...sketches.values()].map((s) => [s.labels, s.bucket, sketchQuantile(s.bins, quant)]));
}

export function scoreSeries(q: MetricQuery, rows: readonly BinValues[]): Series[] {
  return assemble(q, rows.map((r) => [{ ...r.group, le: (scoreBinLower(r.bin) + 1 / SCORE_BINS).toFixed(2) }, r.bucket, r.count]));
}

/** Scores in [0.4, 0.6): a binary classifier unsure between its two classes. */
export const LOW_CONFIDENCE_BAND: readonly [number, number] = [0.4, 0.6];

/** Share of scored predictions whose score falls in LOW_CONFIDENCE_BAND, from the score bins. */
export function lowConfidenceSeries(q: MetricQuery, rows: readonly BinValues[]): Series[] {
  const acc = new Map<string, { labels: Record<string, string>; bucket: number; low: number; total: number }>();
  const eps = 1e-9;
  for (const r of rows) {
    const k = `${groupKey(r.group)}\u0000${r.bucket}`;
    const a = acc.get(k) ?? { labels: r.group, bucket: r.bucket, low: 0, total: 0 };
    const lower = scoreBinLower(r.bin);
    a.total += r.count;
    if (lower >= LOW_CONFIDENCE_BAND[0] - eps && lower < LOW_CONFIDENCE_BAND[1] - eps) a.low += r.count;
    acc.set(k, a);
  }
  return assemble(q, [...acc.values()].map((a) => [a.labels, a.bucket, a.total > 0 ? a.low / a.total : null]));
}

export function featureSeries(q: MetricQuery, rows: readonly FeatureValues[]): Series[] {
  const wanted = q.filters.feature;
  const mean = q.metric.name === 'feature.mean';
  const complete = q.metric.name === 'quality.completeness';
  return assemble(
    q,
    rows
      .filter((r) => wanted === undefined || r.feature === wanted)
      .filter((r) => !mean || r.num_count > 0)
      .map((r) => [{ ...r.group, feature: r.feature }, r.bucket, mean ? ratio(r.sum, r.num_count) : complete ? completeness(r.count, r.nulls) : ratio(r.nulls, r.count)]),
  );
}

export function scalarSeries(q: MetricQuery, rows: readonly ScalarValues[]): Series[] {
  return assemble(q, rows.map((r) => [r.group, r.bucket, r.value]));
}
