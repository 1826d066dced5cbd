import { binSql, scoreBinSql, type Model } from '@vigil/core';
import { featCol, predTable, segKeySql } from './model-tables.ts';
import { lit } from './sql.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const RESOLUTIONS = [
  { suffix: 'm', ms: MINUTE },
  { suffix: 'h', ms: HOUR },
] as const;

/**
 * SQL that folds one model's ingest batches in (lo, hi] into the rollups. Rollup rows are
 * partial aggregates: a key may have several rows (one per fold) and readers SUM them;
 * compaction merges them later. Everything here is a pure function of the model.
 */
export function foldModelSql(model: Model, lo: number, hi: number): string[] {
  const t = predTable(model.id);
  const m = lit(model.id);
  const seg = segKeySql(model);
  const inc = `(SELECT *, ${seg} AS seg FROM ${t} WHERE batch > ${lo} AND batch <= ${hi})`;
  const out: string[] = [];
  for (const r of RESOLUTIONS) {
    const bucket = `(ts // ${r.ms}) * ${r.ms}`;
    out.push(`INSERT INTO ru_inf_${r.suffix}
      SELECT ${m}, version, seg, ${bucket} AS bucket, count(*), count(latency_ms), coalesce(sum(latency_ms), 0), count(batch_size), coalesce(sum(batch_size), 0),
             count(score), coalesce(sum(score), 0), 0, ${hi}
      FROM ${inc} GROUP BY ALL`);
    out.push(`INSERT INTO ru_bins_${r.suffix}
      SELECT 'latency', ${m}, version, seg, ${bucket} AS bucket, ${binSql('latency_ms')} AS bin, count(*), ${hi}
      FROM ${inc} WHERE latency_ms IS NOT NULL GROUP BY ALL`);
    out.push(`INSERT INTO ru_bins_${r.suffix}
      SELECT 'score', ${m}, version, seg, ${bucket} AS bucket, ${scoreBinSql('score')} AS bin, count(*), ${hi}
      FROM ${inc} WHERE score IS NOT NULL GROUP BY ALL`);
    // A prediction counts as labelled in the fold where the later of (its batch, its first
    // label's batch) lands, so labels that come before or after the prediction count once.
    const labelledCols = `${m}, p.version, ${segKeySql(model, 'p.')}, (p.ts // ${r.ms}) * ${r.ms} AS bucket, 0, 0, 0, 0, 0, 0, 0, count(*), ${hi}`;
    out.push(`INSERT INTO ru_inf_${r.suffix}
      SELECT ${labelledCols}
      FROM ${t} p JOIN (SELECT DISTINCT prediction_id FROM labels l WHERE model = ${m} AND batch > ${lo} AND batch <= ${hi}
        AND NOT EXISTS (SELECT 1 FROM labels o WHERE o.model = ${m} AND o.prediction_id = l.prediction_id AND o.batch <= ${lo})) nl
        ON nl.prediction_id = p.id
      WHERE p.batch <= ${hi} GROUP BY ALL`);
    out.push(`INSERT INTO ru_inf_${r.suffix}
      SELECT ${labelledCols}
      FROM ${t} p SEMI JOIN (SELECT prediction_id FROM labels WHERE model = ${m} AND batch <= ${lo}) ol ON ol.prediction_id = p.id
      WHERE p.batch > ${lo} AND p.batch <= ${hi} GROUP BY ALL`);
  }
  const feats = model.schema.features;
  if (feats.length) {
    const parts = feats.map((f) => {
      const c = featCol(f.name);
      const numeric = f.type === 'numeric' ? c : f.type === 'boolean' ? `CAST(${c} AS DOUBLE)` : null;
      return `SELECT version, seg, (ts // ${HOUR}) * ${HOUR} AS bucket, ${lit(f.name)} AS feature, count(*) AS n, count(*) - count(${c}) AS nulls,
        ${numeric ? `count(${numeric}), sum(${numeric}), min(${numeric}), max(${numeric})` : '0, NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE'}
        FROM inc GROUP BY ALL`;
    });
    out.push(`INSERT INTO ru_feat_h WITH inc AS MATERIALIZED ${inc} SELECT ${m}, *, ${hi} FROM (${parts.join(' UNION ALL ')})`);
  }
  return out;
}

/** Merges partial rows of buckets touched since the last compaction into one row per key. */
export function compactSql(table: string, keys: string[], sums: string[], mins: string[], maxs: string[], since: number, build: number): string[] {
  const agg = [...sums.map((c) => `sum(${c}) AS ${c}`), ...mins.map((c) => `min(${c}) AS ${c}`), ...maxs.map((c) => `max(${c}) AS ${c}`)];
  return [
    `CREATE OR REPLACE TEMP TABLE compact_tmp AS
       SELECT ${keys.join(', ')}, ${agg.join(', ')}, ${build} AS build FROM ${table}
       WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT model, bucket FROM ${table} WHERE build > ${since}) x WHERE x.model = ${table}.model AND x.bucket = ${table}.bucket) GROUP BY ALL`,
    `DELETE FROM ${table} WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT model, bucket FROM compact_tmp) x WHERE x.model = ${table}.model AND x.bucket = ${table}.bucket)`,
    `INSERT INTO ${table} BY NAME SELECT * FROM compact_tmp`,
    `DROP TABLE compact_tmp`,
  ];
}

const INF_KEYS = ['model', 'version', 'seg', 'bucket'];
const INF_SUMS = ['count', 'latency_count', 'latency_sum', 'batch_count', 'batch_sum', 'score_count', 'score_sum', 'labelled'];

export function compactAllSql(since: number, build: number): string[] {
  return [
    ...compactSql('ru_inf_m', INF_KEYS, INF_SUMS, [], [], since, build),
    ...compactSql('ru_inf_h', INF_KEYS, INF_SUMS, [], [], since, build),
    ...compactSql('ru_bins_m', ['kind', ...INF_KEYS, 'bin'], ['count'], [], [], since, build),
    ...compactSql('ru_bins_h', ['kind', ...INF_KEYS, 'bin'], ['count'], [], [], since, build),
    ...compactSql('ru_feat_h', [...INF_KEYS, 'feature'], ['count', 'nulls', 'num_count', 'sum'], ['min'], ['max'], since, build),
  ];
}
