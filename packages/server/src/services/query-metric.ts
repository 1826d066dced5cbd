import {
  QUANTILE,
  RECORD_KIND_OF_METRIC,
  VigilError,
  binValue,
  featureSeries,
  inferenceSeries,
  lowConfidenceSeries,
  staleCounts,
  type ScalarValues,
  latencySeries,
  scalarSeries,
  scoreSeries,
  violationRows,
  type MetricQuery,
  type Series,
} from '@vigil/core';
import type { RollupQuery } from '@vigil/storage';
import type { Actor, ServiceContext } from '../context.ts';
import { assertCanModels, auditReadAlongside, readableModelIds } from './authorize.ts';
import { driftRows } from './drift-series.ts';
import { errorRateRows } from './error-rate-series.ts';
import { performanceRows } from './performance-series.ts';

/** Most series one answer holds: a group-by on a high-cardinality key must not exhaust memory. */
export const MAX_SERIES = 1000;

const FEATURE_AGE_QUANTILE: Readonly<Record<string, number>> = { 'feature_age.p50': 0.5, 'feature_age.p99': 0.99 };

export interface QueryAnswer {
  metric: string;
  unit: string;
  from: number;
  to: number;
  step_ms: number;
  /** `rollup` answers come from pre-aggregated buckets; `raw` from stored events. */
  source: 'rollup' | 'raw';
  series: Series[];
  /** Why the answer is empty or narrowed, when access control is the reason. */
  note?: string;
}

/** Answers a catalogue query from the rollups (or raw tables for logs and samples). */
export async function queryMetric({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: MetricQuery }): Promise<QueryAnswer> {
  const { q, samplesOf } = await scopeQuery(ctx, actor, input);
  const empty = (note: string): QueryAnswer => ({ metric: q.metric.name, unit: q.metric.unit, from: q.from, to: q.to, step_ms: q.stepMs, source: 'raw', series: [], note });
  if (samplesOf && samplesOf.length === 0) return empty(SAMPLES_NOTE);
  const audited = auditReadAlongside(ctx, actor, `query ${q.metric.name}`, q.metric.source === 'samples' ? (q.filters['label.model'] ? [q.filters['label.model']] : samplesOf) : q.models);
  let answer = await answerQuery(ctx, q);
  // grouped by model label: keep only the models the caller may read (each series is one model's)
  if (samplesOf) answer = { ...answer, series: answer.series.filter((s) => samplesOf.includes(s.labels['label.model'] ?? '')) };
  await audited();
  return answer;
}

const SAMPLES_NOTE = 'metric samples that are not grouped by their model label are visible only to users who may read every model; group by label.model or filter on label.model=<model>';

/**
 * Answers an already scoped query; no access check and no audit. queryMetric scopes it to the
 * caller; the alert engine calls it directly with its internal all-models scope.
 */
export async function answerQuery(ctx: ServiceContext, q: MetricQuery): Promise<QueryAnswer> {
  const events = ctx.stores.events;
  if (q.models !== null && q.models.length === 0) return { metric: q.metric.name, unit: q.metric.unit, from: q.from, to: q.to, step_ms: q.stepMs, source: 'rollup', series: [] };
  const rq: RollupQuery = { from: q.from, to: q.to, stepMs: q.stepMs, models: q.models, versions: q.versions, segments: q.segments, groupBy: q.groupBy, filters: q.filters };
  let series: Series[];
  let source: QueryAnswer['source'] = 'rollup';
  switch (q.metric.source) {
    case 'inference':
      series = inferenceSeries(q, await events.queryInference(rq));
      break;
    case 'latency':
      // the store picks each bucket's quantile bin; latencySeries turns bins into values
      series = latencySeries(q, await events.queryLatencyQuantile(QUANTILE[q.metric.name] as number, rq));
      break;
    case 'feature_age':
      // DDSketch quantiles as for latency: one bin per bucket, whose value is the quantile
      series = scalarSeries(q, (await events.queryLatencyQuantile(FEATURE_AGE_QUANTILE[q.metric.name] as number, rq, 'feature_age')).map((r) => ({ ...r, value: binValue(r.bin) })));
      break;
    case 'score':
      series = q.metric.name === 'score.low_confidence_share' ? lowConfidenceSeries(q, await events.queryBins('score', rq)) : scoreSeries(q, await events.queryBins('score', rq));
      break;
    case 'performance':
      series = scalarSeries(q, await performanceRows(ctx, q, rq));
      break;
    case 'staleness':
      series = scalarSeries(q, await staleRows(ctx, q, rq));
      break;
    case 'feature':
      series = featureSeries(q, await events.queryFeatures(rq));
      break;
    case 'quality': {
      // one table holds violations and whole-record facts: each metric reads only its kinds
      const kind = RECORD_KIND_OF_METRIC[q.metric.name];
      const rows = kind !== undefined
        ? await events.queryQuality({ ...rq, filters: { ...rq.filters, kind } })
        : violationRows(await events.queryQuality({ ...rq, groupBy: [...new Set([...rq.groupBy, 'kind'])] }), rq.groupBy);
      series = scalarSeries(q, rows.map((r) => ({ ...r, value: r.count })));
      break;
    }
    case 'logs':
      source = 'raw';
      series = scalarSeries(q, q.metric.name === 'errors.rate' ? await errorRateRows(ctx, q, rq) : (await events.queryLogs(rq)).map((r) => ({ ...r, value: r.count })));
      break;
    case 'drift':
      series = scalarSeries(q, await driftRows(ctx, q));
      break;
    case 'samples': {
      source = 'raw';
      const labels = Object.fromEntries(Object.entries(q.filters).filter(([k]) => k.startsWith('label.')).map(([k, v]) => [k.slice(6), v]));
      const groupBy = q.groupBy.map((g) => g.slice(6));
      const rows = await events.querySamples({ name: q.name as string, from: q.from, to: q.to, stepMs: q.stepMs, labels, groupBy, agg: q.agg });
      series = scalarSeries(q, rows.map((r) => ({ ...r, group: Object.fromEntries(Object.entries(r.group).map(([k, v]) => [`label.${k}`, v])) })));
      break;
    }
  }
  if (series.length > MAX_SERIES) {
    throw new VigilError('validation_failed', `the query makes ${series.length} series; at most ${MAX_SERIES} are answered`, {
      hint: 'narrow it with filters (model, version, segment.<name>, feature) or group by fewer keys',
      details: [{ field: 'group_by', message: `gives ${series.length} series` }],
    });
  }
  return { metric: q.metric.name, unit: q.metric.unit, from: q.from, to: q.to, step_ms: q.stepMs, source, series };
}

/**
 * Narrows a query to what the actor may read: named models must all be readable; with none
 * named, the query covers the readable ones. Metric samples carry their model as a label, so a
 * caller limited to some models must filter on label.model.
 */
async function scopeQuery(ctx: ServiceContext, actor: Actor, q: MetricQuery): Promise<{ q: MetricQuery; samplesOf: string[] | null }> {
  if (q.metric.source === 'samples') {
    const model = q.filters['label.model'];
    if (model !== undefined) {
      await assertCanModels(ctx, actor, 'read', [model]);
      return { q, samplesOf: null };
    }
    const visible = await readableModelIds(ctx, actor);
    if (visible === null) return { q, samplesOf: null };
    // grouped by the model label, the readable models' series can be kept; otherwise nothing can
    return { q, samplesOf: q.groupBy.includes('label.model') ? visible : [] };
  }
  if (q.models !== null) {
    await assertCanModels(ctx, actor, 'read', q.models);
    return { q, samplesOf: null };
  }
  const visible = await readableModelIds(ctx, actor);
  return { q: visible === null ? q : { ...q, models: visible }, samplesOf: null };
}

/**
 * predictions.stale_share: per model, traffic by version against the production version of the
 * time, read per minute (deployments switch within a step) and added up to the query's step;
 * pooled over models unless grouped by model.
 */
async function staleRows(ctx: ServiceContext, q: MetricQuery, rq: RollupQuery): Promise<ScalarValues[]> {
  const MINUTE = 60_000;
  const ids = q.models ?? (await ctx.stores.meta.listModels()).map((m) => m.id);
  const byModel = q.groupBy.includes('model');
  const sums = new Map<string, { group: Record<string, string>; bucket: number; stale: number; total: number }>();
  for (const id of ids) {
    const [deployments, rows] = await Promise.all([
      ctx.stores.meta.listDeployments(id, { environment: 'production' }),
      ctx.stores.events.queryInference({ ...rq, stepMs: MINUTE, models: [id], groupBy: ['version'] }),
    ]);
    if (deployments.length === 0) continue;
    for (const [minute, c] of staleCounts(deployments, rows.map((r) => ({ bucket: r.bucket, version: r.group.version ?? '', count: r.count })))) {
      if (c.stale === null) continue;
      const bucket = Math.floor(minute / q.stepMs) * q.stepMs;
      const group: Record<string, string> = byModel ? { model: id } : {};
      const key = `${byModel ? id : ''}\u0000${bucket}`;
      const acc = sums.get(key) ?? { group, bucket, stale: 0, total: 0 };
      acc.stale += c.stale;
      acc.total += c.total;
      sums.set(key, acc);
    }
  }
  return [...sums.values()].filter((a) => a.total > 0).map((a) => ({ group: a.group, bucket: a.bucket, value: a.stale / a.total }));
}
