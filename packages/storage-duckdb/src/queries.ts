import type { BinKind, RollupQuery, SampleQuery, SketchKind } from '@vigil/storage';
import { inList, jsonKeyPath } from './sql.ts';

const HOUR = 3_600_000;

/** Hour rollups answer any step that is a whole number of hours; finer steps read minutes. */
export const resolutionFor = (stepMs: number): 'm' | 'h' => (stepMs % HOUR === 0 ? 'h' : 'm');

export interface Built {
  sql: string;
  params: (string | number)[];
  groupAliases: string[];
}

/** Expression for a groupBy key over a rollup table. */
function groupExpr(key: string, params: (string | number)[]): string {
  if (key === 'model' || key === 'version' || key === 'feature' || key === 'kind') return key;
  if (key.startsWith('segment.')) {
    params.push(jsonKeyPath(key.slice(8)));
    return `json_extract_string(seg, ?)`;
  }
  throw new Error(`cannot group by ${key}`);
}

/** WHERE clause shared by rollup reads: time range on the step grid, model, version, segments, filters. */
function where(q: RollupQuery, params: (string | number)[], timeCol = 'bucket'): string {
  const start = Math.floor(q.from / q.stepMs) * q.stepMs;
  const parts = [`${timeCol} >= ?`, `${timeCol} < ?`];
  params.push(start, q.to);
  if (q.models) parts.push(inList('model', q.models, params));
  if (q.versions) parts.push(inList('version', q.versions, params));
  for (const [k, v] of Object.entries(q.segments)) {
    parts.push(`json_extract_string(seg, ?) = ?`);
    params.push(jsonKeyPath(k), v);
  }
  for (const [k, v] of Object.entries(q.filters)) {
    if (k === 'feature' || k === 'kind' || k === 'level' || k === 'error_class') {
      parts.push(`${k} = ?`);
      params.push(v);
    }
  }
  return parts.join(' AND ');
}

export function grouped(q: RollupQuery, select: string, from: string, params: (string | number)[], extraGroups: string[] = [], timeCol = 'bucket'): Built {
  const groupParams: (string | number)[] = [];
  const exprs = q.groupBy.map((g, i) => `${groupExpr(g, groupParams)} AS g${i}`);
  const whereParams: (string | number)[] = [];
  const w = where(q, whereParams, timeCol);
  const bucket = `(${timeCol} // ${q.stepMs}) * ${q.stepMs} AS b`;
  const cols = [...exprs, bucket, ...extraGroups, select].join(', ');
  params.push(...groupParams, ...whereParams);
  return { sql: `SELECT ${cols} FROM ${from} WHERE ${w} GROUP BY ALL ORDER BY b`, params, groupAliases: q.groupBy.map((_, i) => `g${i}`) };
}

export function inferenceSql(q: RollupQuery): Built {
  const sums = ['count', 'latency_count', 'latency_sum', 'batch_count', 'batch_sum', 'score_count', 'score_sum', 'labelled'].map((c) => `CAST(sum(${c}) AS DOUBLE) AS ${c}`).join(', ');
  return grouped(q, sums, `ru_inf_${resolutionFor(q.stepMs)}`, []);
}

export function binsSql(kind: BinKind, q: RollupQuery): Built {
  return grouped({ ...q, filters: { ...q.filters, kind } }, 'CAST(sum(count) AS DOUBLE) AS count', `ru_bins_${resolutionFor(q.stepMs)}`, [], ['bin']);
}

/**
 * The bin holding quantile `quantile` of each (group, bucket) sketch of `kind` (DDSketch bins:
 * latency, feature age), chosen in SQL with the core's rank rule (the first bin, in order, whose
 * cumulative count exceeds quantile × (n − 1)), so a 30-day chart returns one row per bucket
 * instead of every bin.
 */
export function quantileBinSql(quantile: number, q: RollupQuery, kind: SketchKind = 'latency'): Built {
  const b = binsSql(kind, q);
  const keys = [...b.groupAliases, 'b'].join(', ');
  return {
    ...b,
    sql: `WITH agg AS (${b.sql.replace(/ ORDER BY b$/, '')}),
      c AS (SELECT *, sum(count) OVER (PARTITION BY ${keys} ORDER BY bin ROWS UNBOUNDED PRECEDING) AS cum, sum(count) OVER (PARTITION BY ${keys}) AS n FROM agg)
      SELECT ${keys}, min(bin) AS bin, 1 AS count FROM c WHERE cum > ${Number(quantile)} * (n - 1) GROUP BY ${keys} ORDER BY b`,
  };
}

export function featuresSql(q: RollupQuery): Built {
  const cols = `feature AS feature_name, CAST(sum(count) AS DOUBLE) AS count, CAST(sum(nulls) AS DOUBLE) AS nulls, CAST(sum(num_count) AS DOUBLE) AS num_count, sum(sum) AS sum, min(min) AS min, max(max) AS max`;
  return grouped({ ...q, groupBy: q.groupBy.filter((g) => g !== 'feature') }, cols, 'ru_feat_h', []);
}

export function qualitySql(q: RollupQuery): Built {
  return grouped(q, 'CAST(sum(count) AS DOUBLE) AS count', '(SELECT *, minute AS bucket, NULL AS version, NULL AS seg FROM quality_counts)', []);
}

export function logsSql(q: RollupQuery): Built {
  const g = q.groupBy.map((k) => (k === 'level' || k === 'error_class' || k === 'model' ? k : null));
  if (g.includes(null)) throw new Error('logs group by model, level or error_class');
  const b = grouped({ ...q, groupBy: [], segments: {} }, [...g.map((k, i) => `${k} AS g${i}`), 'CAST(count(*) AS DOUBLE) AS count'].join(', '), '(SELECT *, ts AS bucket, NULL AS version, NULL AS seg FROM logs)', []);
  // the keys are selected above rather than by grouped(), so their aliases are named here
  return { ...b, groupAliases: g.map((_, i) => `g${i}`) };
}

const AGG_SQL: Record<SampleQuery['agg'], string> = {
  avg: 'avg(value)',
  sum: 'sum(value)',
  min: 'min(value)',
  max: 'max(value)',
  last: 'arg_max(value, ts)',
  count: 'CAST(count(*) AS DOUBLE)',
};

export function samplesSql(q: SampleQuery): Built {
  const params: (string | number)[] = [];
  const exprs = q.groupBy.map((k, i) => {
    params.push(jsonKeyPath(k));
    return `json_extract_string(labels, ?) AS g${i}`;
  });
  const start = Math.floor(q.from / q.stepMs) * q.stepMs;
  const parts = ['name = ?', 'ts >= ?', 'ts < ?'];
  params.push(q.name, start, q.to);
  for (const [k, v] of Object.entries(q.labels)) {
    parts.push('json_extract_string(labels, ?) = ?');
    params.push(jsonKeyPath(k), v);
  }
  const cols = [...exprs, `(ts // ${q.stepMs}) * ${q.stepMs} AS b`, `${AGG_SQL[q.agg]} AS value`].join(', ');
  return { sql: `SELECT ${cols} FROM metric_samples WHERE ${parts.join(' AND ')} GROUP BY ALL ORDER BY b`, params, groupAliases: q.groupBy.map((_, i) => `g${i}`) };
}
