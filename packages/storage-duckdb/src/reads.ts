import type { Model, NormalizedLabel, NormalizedLog, NormalizedPipelineRun, NormalizedPrediction, NormalizedTrainingRun } from '@vigil/core';
import type { ListQuery, OverviewRow } from '@vigil/storage';
import { predTable } from './model-tables.ts';
import { num, numOrNull } from './sql.ts';

type Row = Record<string, unknown>;
type Exec = (sql: string, params: (string | number)[]) => Promise<Row[]>;

const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v ?? null);

function range(q: ListQuery, col: string, params: (string | number)[], extra: string[] = []): string {
  const parts = [...extra];
  if (q.from !== undefined) {
    parts.push(`${col} >= ?`);
    params.push(q.from);
  }
  if (q.to !== undefined) {
    parts.push(`${col} < ?`);
    params.push(q.to);
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

export async function listPredictions(exec: Exec, model: Model, q: ListQuery): Promise<NormalizedPrediction[]> {
  const params: (string | number)[] = [];
  const w = range(q, 'ts', params);
  params.push(q.limit);
  const rows = await exec(`SELECT * FROM ${predTable(model.id)} ${w} ORDER BY ts DESC LIMIT ?`, params);
  return rows.map((r) => ({
    id: String(r.id),
    model: model.id,
    version: String(r.version),
    ts: num(r.ts),
    features: Object.fromEntries(model.schema.features.map((f) => [f.name, (r[`f:${f.name}`] ?? null) as number | string | boolean | null])),
    prediction: r.prediction === null || r.prediction === undefined ? String(r.prediction_num) : String(r.prediction),
    score: numOrNull(r.score),
    scores: parse(r.scores) as Record<string, number> | null,
    latency_ms: numOrNull(r.latency_ms),
    batch_size: numOrNull(r.batch_size),
    segment: Object.fromEntries(model.schema.segments.filter((s) => r[`s:${s}`] != null).map((s) => [s, String(r[`s:${s}`])])),
    feature_ts: numOrNull(r.feature_ts),
  }));
}

export async function listLabels(exec: Exec, q: ListQuery): Promise<NormalizedLabel[]> {
  const params: (string | number)[] = [];
  const extra = q.model ? ['model = ?'] : [];
  if (q.model) params.push(q.model);
  const w = range(q, 'ts', params, extra);
  params.push(q.limit);
  const rows = await exec(`SELECT model, prediction_id, label, ts FROM labels ${w} ORDER BY ts DESC LIMIT ?`, params);
  return rows.map((r) => ({ model: String(r.model), prediction_id: String(r.prediction_id), label: String(r.label), ts: num(r.ts) }));
}

export async function listPipelineRuns(exec: Exec, q: ListQuery & { pipeline?: string }): Promise<NormalizedPipelineRun[]> {
  const params: (string | number)[] = [];
  const extra: string[] = [];
  if (q.model) {
    extra.push('model = ?');
    params.push(q.model);
  }
  if (q.pipeline) {
    extra.push('pipeline = ?');
    params.push(q.pipeline);
  }
  const w = range(q, 'started_at', params, extra);
  params.push(q.limit);
  const rows = await exec(`SELECT * EXCLUDE (batch) FROM pipeline_runs ${w} ORDER BY started_at DESC, batch DESC LIMIT ?`, params);
  return rows.map((r) => ({
    pipeline: String(r.pipeline), run_id: String(r.run_id), stage: String(r.stage), status: r.status as NormalizedPipelineRun['status'],
    started_at: num(r.started_at), ended_at: numOrNull(r.ended_at), model: (r.model as string | null) ?? null,
    rows_in: numOrNull(r.rows_in), rows_out: numOrNull(r.rows_out), bytes: numOrNull(r.bytes),
    quality: parse(r.quality) as Record<string, unknown> | null, schema_checks: parse(r.schema_checks) as Record<string, unknown> | null,
  }));
}

export async function listTrainingRuns(exec: Exec, q: ListQuery): Promise<NormalizedTrainingRun[]> {
  const params: (string | number)[] = [];
  const extra = q.model ? ['model = ?'] : [];
  if (q.model) params.push(q.model);
  const w = range(q, 'started_at', params, extra);
  params.push(q.limit);
  const rows = await exec(`SELECT * EXCLUDE (batch) FROM training_runs ${w} ORDER BY started_at DESC, batch DESC LIMIT ?`, params);
  return rows.map((r) => ({
    run_id: String(r.run_id), model: String(r.model), version: (r.version as string | null) ?? null, status: r.status as NormalizedTrainingRun['status'],
    started_at: num(r.started_at), ended_at: numOrNull(r.ended_at), params: parse(r.params) as Record<string, unknown>,
    metrics: parse(r.metrics) as Record<string, [number, number][]>, dataset_sizes: parse(r.dataset_sizes) as Record<string, number>,
  }));
}

export async function listLogs(exec: Exec, q: ListQuery & { level?: string }): Promise<NormalizedLog[]> {
  const params: (string | number)[] = [];
  const extra: string[] = [];
  if (q.model) {
    extra.push('model = ?');
    params.push(q.model);
  }
  if (q.level) {
    extra.push('level = ?');
    params.push(q.level);
  }
  const w = range(q, 'ts', params, extra);
  params.push(q.limit);
  const rows = await exec(`SELECT * EXCLUDE (batch) FROM logs ${w} ORDER BY ts DESC LIMIT ?`, params);
  return rows.map((r) => ({
    id: String(r.id), ts: num(r.ts), model: (r.model as string | null) ?? null, level: r.level as NormalizedLog['level'],
    message: String(r.message), error_class: (r.error_class as string | null) ?? null, attributes: parse(r.attributes) as Record<string, unknown>,
  }));
}

/**
 * Per-model totals over [from, to) with each model's latency sketch: whole hours from the hour
 * rollups, the partial hours at either edge from the minute rollups (so the range is exact to
 * the minute).
 */
export async function overview(exec: Exec, from: number, to: number): Promise<OverviewRow[]> {
  const h = 3_600_000;
  const m = 60_000;
  const start = Math.floor(from / m) * m;
  const hStart = Math.ceil(start / h) * h;
  const hEnd = Math.floor(to / h) * h;
  const parts: [string, number, number][] = hStart < hEnd ? [['h', hStart, hEnd], ['m', start, hStart], ['m', hEnd, to]] : [['m', start, to]];
  const ranges = parts.filter(([, a, b]) => a < b);
  const union = (cols: string, table: string, extra = '') =>
    ranges.map(([res]) => `SELECT ${cols} FROM ${table}_${res} WHERE ${extra}bucket >= ? AND bucket < ?`).join(' UNION ALL ');
  const params = ranges.flatMap(([, a, b]) => [a, b]);
  // the two reads run on separate connections of the pool, side by side
  const [totals, bins] = await Promise.all([
    exec(
    `SELECT model, CAST(sum(count) AS DOUBLE) AS count, CAST(sum(latency_count) AS DOUBLE) AS latency_count, sum(latency_sum) AS latency_sum,
            CAST(sum(labelled) AS DOUBLE) AS labelled, max(bucket) FILTER (WHERE count > 0) AS last_bucket
     FROM (${union('model, count, latency_count, latency_sum, labelled, bucket', 'ru_inf')}) GROUP BY model`,
      params,
    ),
    exec(`SELECT model, bin, CAST(sum(count) AS DOUBLE) AS count FROM (${union('model, bin, count', 'ru_bins', "kind = 'latency' AND ")}) GROUP BY ALL`, params),
  ]);
  const sketches = new Map<string, Map<number, number>>();
  for (const r of bins) {
    const model = String(r.model);
    let sk = sketches.get(model);
    if (!sk) sketches.set(model, (sk = new Map()));
    sk.set(num(r.bin), num(r.count));
  }
  return totals.map((r) => ({
    model: String(r.model),
    count: num(r.count),
    latency_count: num(r.latency_count),
    latency_sum: num(r.latency_sum),
    labelled: num(r.labelled),
    last_bucket: numOrNull(r.last_bucket),
    latency_bins: sketches.get(String(r.model)) ?? new Map(),
  }));
}
