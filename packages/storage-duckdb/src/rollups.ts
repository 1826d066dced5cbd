import { binSql, scoreBinSql, type Model } from '@vigil/core';
import { featCol, predTable, segCol, segKeySql } from './model-tables.ts';
import { lit } from './sql.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Feature age, ms: the prediction's ts less its feature_ts. Features stamped after their
 * prediction (clock skew between the feature store and the server) count as age 0.
 */
const FEATURE_AGE_SQL = 'greatest(ts - feature_ts, 0)';

export interface FoldNeeds {
  /** Labels arrived in (lo, hi] for this model. */
  newLabels: boolean;
  /** Labels arrived at or before lo for this model. */
  oldLabels: boolean;
}

/**
 * SQL that folds one model's ingest batches in (lo, hi] into the rollups. Rollup rows are
 * partial aggregates: a key may have several rows (one per fold) and readers SUM them;
 * compaction merges them later. Minute aggregates are computed once from the raw rows (grouped
 * by the raw segment columns; the JSON segment key is built per group, not per row) and hour
 * aggregates are summed from them. Everything here is a pure function of its inputs.
 */
export function foldModelSql(model: Model, lo: number, hi: number, needs: FoldNeeds = { newLabels: true, oldLabels: true }): string[] {
  const t = predTable(model.id);
  const m = lit(model.id);
  const segCols = [...model.schema.segments].sort().map(segCol);
  const segSel = segCols.length ? `${segCols.join(', ')}, ` : '';
  const seg = segKeySql(model);
  const range = `batch > ${lo} AND batch <= ${hi}`;
  const minute = `(ts // ${MINUTE}) * ${MINUTE}`;
  const hourOf = (c: string) => `(${c} // ${HOUR}) * ${HOUR}`;
  const out: string[] = [
    `CREATE OR REPLACE TEMP TABLE fold_inf AS
      SELECT version, ${segSel}${minute} AS bucket, count(*) AS count, count(latency_ms) AS latency_count, coalesce(sum(latency_ms), 0) AS latency_sum,
             count(batch_size) AS batch_count, coalesce(sum(batch_size), 0) AS batch_sum, count(score) AS score_count, coalesce(sum(score), 0) AS score_sum
      FROM ${t} WHERE ${range} GROUP BY ALL`,
    `INSERT INTO ru_inf_m SELECT ${m}, version, ${seg}, bucket, count, latency_count, latency_sum, batch_count, batch_sum, score_count, score_sum, 0, ${hi} FROM fold_inf`,
    `INSERT INTO ru_inf_h SELECT ${m}, version, ${seg}, ${hourOf('bucket')}, sum(count), sum(latency_count), sum(latency_sum), sum(batch_count), sum(batch_sum), sum(score_count), sum(score_sum), 0, ${hi}
      FROM fold_inf GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE fold_bins AS
      SELECT 'latency' AS kind, version, ${segSel}${minute} AS bucket, ${binSql('latency_ms')} AS bin, count(*) AS count FROM ${t} WHERE ${range} AND latency_ms IS NOT NULL GROUP BY ALL
      UNION ALL
      SELECT 'score', version, ${segSel}${minute}, ${scoreBinSql('score')}, count(*) FROM ${t} WHERE ${range} AND score IS NOT NULL GROUP BY ALL
      UNION ALL
      SELECT 'feature_age', version, ${segSel}${minute}, ${binSql(FEATURE_AGE_SQL)}, count(*) FROM ${t} WHERE ${range} AND feature_ts IS NOT NULL GROUP BY ALL`,
    `INSERT INTO ru_bins_m SELECT kind, ${m}, version, ${seg}, bucket, bin, count, ${hi} FROM fold_bins`,
    `INSERT INTO ru_bins_h SELECT kind, ${m}, version, ${seg}, ${hourOf('bucket')}, bin, sum(count), ${hi} FROM fold_bins GROUP BY ALL`,
    'DROP TABLE fold_inf',
    'DROP TABLE fold_bins',
  ];
  // A prediction counts as labelled in the fold where the later of (its batch, its first
  // label's batch) lands, so labels that come before or after the prediction count once.
  const labelled: string[] = [];
  if (needs.newLabels) {
    labelled.push(`SELECT p.version, ${segCols.map((c) => `p.${c}`).join(', ')}${segCols.length ? ', ' : ''}(p.ts // ${MINUTE}) * ${MINUTE} AS bucket, count(*) AS n
      FROM ${t} p JOIN (SELECT DISTINCT prediction_id FROM labels l WHERE model = ${m} AND batch > ${lo} AND batch <= ${hi}
        AND NOT EXISTS (SELECT 1 FROM labels o WHERE o.model = ${m} AND o.prediction_id = l.prediction_id AND o.batch <= ${lo})) nl
        ON nl.prediction_id = p.id
      WHERE p.batch <= ${hi} GROUP BY ALL`);
  }
  if (needs.oldLabels) {
    labelled.push(`SELECT p.version, ${segCols.map((c) => `p.${c}`).join(', ')}${segCols.length ? ', ' : ''}(p.ts // ${MINUTE}) * ${MINUTE} AS bucket, count(*) AS n
      FROM ${t} p SEMI JOIN (SELECT prediction_id FROM labels WHERE model = ${m} AND batch <= ${lo}) ol ON ol.prediction_id = p.id
      WHERE p.${range.replace(' AND ', ' AND p.')} GROUP BY ALL`);
  }
  if (labelled.length) {
    out.push(
      `CREATE OR REPLACE TEMP TABLE fold_lab AS ${labelled.join(' UNION ALL ')}`,
      `INSERT INTO ru_inf_m SELECT ${m}, version, ${seg}, bucket, 0, 0, 0, 0, 0, 0, 0, n, ${hi} FROM fold_lab`,
      `INSERT INTO ru_inf_h SELECT ${m}, version, ${seg}, ${hourOf('bucket')}, 0, 0, 0, 0, 0, 0, 0, sum(n), ${hi} FROM fold_lab GROUP BY ALL`,
      'DROP TABLE fold_lab',
    );
  }
  const feats = model.schema.features;
  if (feats.length) {
    const parts = feats.map((f) => {
      const c = featCol(f.name);
      const numeric = f.type === 'numeric' ? c : f.type === 'boolean' ? `CAST(${c} AS DOUBLE)` : null;
      return `SELECT version, ${segSel}${hourOf('ts')} AS bucket, ${lit(f.name)} AS feature, count(*) AS n, count(*) - count(${c}) AS nulls,
        ${numeric ? `count(${numeric}) AS num_count, sum(${numeric}) AS sum, min(${numeric}) AS min, max(${numeric}) AS max` : '0 AS num_count, NULL::DOUBLE AS sum, NULL::DOUBLE AS min, NULL::DOUBLE AS max'}
        FROM ${t} WHERE ${range} GROUP BY ALL`;
    });
    out.push(`INSERT INTO ru_feat_h SELECT ${m}, version, ${seg}, bucket, feature, n, nulls, num_count, sum, min, max, ${hi} FROM (${parts.join(' UNION ALL ')})`);
  }
  return out;
}

/**
 * Merges one model's partial rows in the buckets its folds touched since `since` into one row
 * per key. The touched buckets are found from the newest rows (build > since: the end of the
 * table) and the rewrite is bounded to them, so it never hashes the whole table.
 */
export function compactModelSql(model: string, since: number, build: number): string[] {
  const m = lit(model);
  const out: string[] = [];
  for (const spec of COMPACT) {
    const agg = [...spec.sums.map((c) => `sum(${c}) AS ${c}`), ...(spec.mins ?? []).map((c) => `min(${c}) AS ${c}`), ...(spec.maxs ?? []).map((c) => `max(${c}) AS ${c}`)];
    const inTouched = `model = ${m} AND bucket >= (SELECT min(bucket) FROM compact_touched) AND bucket IN (SELECT bucket FROM compact_touched)`;
    out.push(
      `CREATE OR REPLACE TEMP TABLE compact_touched AS SELECT DISTINCT bucket FROM ${spec.table} WHERE build > ${since} AND model = ${m}`,
      `CREATE OR REPLACE TEMP TABLE compact_tmp AS SELECT ${spec.keys.join(', ')}, ${agg.join(', ')}, ${build} AS build FROM ${spec.table} WHERE ${inTouched} GROUP BY ALL`,
      `DELETE FROM ${spec.table} WHERE ${inTouched}`,
      `INSERT INTO ${spec.table} BY NAME SELECT * FROM compact_tmp`,
    );
  }
  out.push('DROP TABLE compact_tmp', 'DROP TABLE compact_touched');
  return out;
}

const INF_KEYS = ['model', 'version', 'seg', 'bucket'];
const INF_SUMS = ['count', 'latency_count', 'latency_sum', 'batch_count', 'batch_sum', 'score_count', 'score_sum', 'labelled'];
const COMPACT: { table: string; keys: string[]; sums: string[]; mins?: string[]; maxs?: string[] }[] = [
  { table: 'ru_inf_m', keys: INF_KEYS, sums: INF_SUMS },
  { table: 'ru_inf_h', keys: INF_KEYS, sums: INF_SUMS },
  { table: 'ru_bins_m', keys: ['kind', ...INF_KEYS, 'bin'], sums: ['count'] },
  { table: 'ru_bins_h', keys: ['kind', ...INF_KEYS, 'bin'], sums: ['count'] },
  { table: 'ru_feat_h', keys: [...INF_KEYS, 'feature'], sums: ['count', 'nulls', 'num_count', 'sum'], mins: ['min'], maxs: ['max'] },
  { table: 'ru_hist_h', keys: [...INF_KEYS, 'feature', 'bin'], sums: ['count'], mins: ['min'], maxs: ['max'] },
  { table: 'ru_vals_h', keys: [...INF_KEYS, 'feature', 'value'], sums: ['count'] },
];
