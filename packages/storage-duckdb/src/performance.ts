import { DEFAULT_AUC_SCORE_BINS, DEFAULT_CALIBRATION_BINS, linspace, LOG_LOSS_EPS, type Model } from '@vigil/core';
import { double } from './histograms.ts';
import { segCol, segKeySql } from './model-tables.ts';
import { lit } from './sql.ts';

/**
 * Realized-performance rollups (ADR 8): per model, version, segment key and hour of the
 * PREDICTION's time, the mergeable states of the core's metrics over the predictions that have a
 * label, each with its latest label (by label ts). This file turns joined rows (a temp table
 * `perf_rows`: the prediction's columns, `s` = its P(positive), `sm` = its scores as a map, and
 * `label`, `label_ts`) into rollup rows, and merges a key's rows; performance-fold.ts decides which
 * rows are joined at each fold.
 */
export const PERF_TABLES = ['ru_perf_h', 'ru_perf_conf_h', 'ru_perf_score_h', 'ru_perf_cal_h'] as const;

/** Uniform calibration bins kept for every (key, hour, class): sklearn's default and a finer curve. */
export const PERF_CALIBRATION_BINS = [DEFAULT_CALIBRATION_BINS, 10] as const;

export const HOUR = 3_600_000;
const EPS = double(LOG_LOSS_EPS); // numpy.finfo(float64).eps: sklearn's log-loss clip and MAPE floor
const MAP = `'"MAP(VARCHAR, DOUBLE)"'`;
const list = (xs: readonly string[]) => `[${xs.map(lit).join(', ')}]`;
const inList = (col: string, xs: readonly string[]) => `${col} IN (${xs.map(lit).join(', ')})`;

/** Binary models: the label texts that count as positive — `schema.classes[1]` of two classes, else '1' or 'true'. */
export function positiveTexts(model: Model): string[] {
  const c = model.schema.classes;
  return c && c.length === 2 ? [c[1] as string] : ['1', 'true'];
}
const binaryClasses = (model: Model) => (model.schema.classes?.length === 2 ? model.schema.classes : null);
const multiClasses = (model: Model) => (model.task === 'multiclass' && (model.schema.classes?.length ?? 0) >= 2 ? (model.schema.classes as string[]) : null);

/** Binary models: P(positive) of a row — its `score`, else its `scores` entry for the positive class. */
export function binaryScoreSql(model: Model, score = 'score', scores = 'scores'): string {
  const lookups = positiveTexts(model).map((p) => `from_json(${scores}, ${MAP})[${lit(p)}]`);
  return `coalesce(${score}, ${lookups.join(', ')})`;
}

/** The columns a joined row needs from the prediction table (alias `p`), as perf_rows holds them. */
export function predictionColumns(model: Model, p = 'p'): string {
  const segs = [...model.schema.segments].sort().map((s) => `${p}.${segCol(s)}, `).join('');
  const s = model.task === 'binary' ? binaryScoreSql(model, `${p}.score`, `${p}.scores`) : `${p}.score`;
  const sm = model.task === 'multiclass' ? `from_json(${p}.scores, ${MAP})` : 'NULL::MAP(VARCHAR, DOUBLE)';
  return `${p}.version, ${segs}${p}.ts, (${p}.ts // ${HOUR}) * ${HOUR} AS bucket, ${p}.prediction, ${p}.prediction_num, ${s} AS s, ${sm} AS sm`;
}

const clip = (p: string) => `least(greatest(${p}, ${EPS}), 1 - ${EPS})`;

/** A joined row's log-loss term (NULL: not scored) and whether it was skipped, as the core's terms. */
function logLossSql(model: Model): { term: string; skipped: string } {
  const multi = multiClasses(model);
  if (model.task === 'binary') {
    const classes = binaryClasses(model);
    const inClasses = classes ? inList('label', classes) : 'true';
    const p = clip('s');
    return {
      term: `CASE WHEN s IS NOT NULL AND ${inClasses} THEN -ln((CASE WHEN ${inList('label', positiveTexts(model))} THEN ${p} ELSE 1 - ${p} END) / ((1 - ${p}) + ${p})) END`,
      skipped: `s IS NOT NULL AND NOT (${inClasses})`,
    };
  }
  if (multi) {
    const sum = `list_sum(list_transform(${list(multi)}, lambda k: ${clip('coalesce(sm[k], 0)')}))`;
    return {
      term: `CASE WHEN sm IS NOT NULL AND ${inList('label', multi)} THEN -ln(${clip('coalesce(sm[label], 0)')} / ${sum}) END`,
      skipped: `sm IS NOT NULL AND NOT (${inList('label', multi)})`,
    };
  }
  return { term: 'NULL::DOUBLE', skipped: 'false' };
}

/** A classifier's scored rows for score histograms and calibration bins: (cls, s, pos). */
function scoredSql(model: Model, segSel: string): string | null {
  const multi = multiClasses(model);
  if (model.task === 'binary') {
    const classes = binaryClasses(model);
    return `SELECT version, ${segSel}bucket, ${lit(positiveTexts(model)[0] as string)} AS cls, s, ${inList('label', positiveTexts(model))} AS pos
      FROM perf_rows WHERE s IS NOT NULL${classes ? ` AND ${inList('label', classes)}` : ''}`;
  }
  if (multi) {
    return `SELECT version, ${segSel}bucket, cls, coalesce(sm[cls], 0) AS s, label = cls AS pos
      FROM perf_rows CROSS JOIN (SELECT unnest(${list(multi)}) AS cls) WHERE sm IS NOT NULL AND ${inList('label', multi)}`;
  }
  return null;
}

/** calibration_curve's bin: how many interior edges of linspace(0, 1, bins + 1) lie below s. */
function calibrationBinSql(bins: number, s: string): string {
  const interior = Array.from(linspace(0, 1, bins + 1)).slice(1, -1);
  return interior.length ? interior.map((e) => `CAST(${s} > ${double(e)} AS INTEGER)`).join(' + ') : '0';
}

/**
 * Statements that add the rollup rows of the joined rows in `perf_rows`, one row per key of
 * those rows, with build = `build`.
 */
export function aggregateSql(model: Model, build: number): string[] {
  const m = lit(model.id);
  const segCols = [...model.schema.segments].sort().map(segCol);
  const segSel = segCols.length ? `${segCols.join(', ')}, ` : '';
  const seg = segKeySql(model);
  const classifier = model.task !== 'regression';
  const y = `CASE WHEN isfinite(TRY_CAST(label AS DOUBLE)) THEN TRY_CAST(label AS DOUBLE) END`;
  const ll = logLossSql(model);
  const head = (table: string, cols: string) => `INSERT INTO ${table} BY NAME SELECT ${m} AS model, version, ${seg} AS seg, bucket, ${cols}, ${build} AS build FROM`;
  const out = [
    // e = prediction − label. Σ(y − c)² around c = the rows' mean label, as Welford's M2
    // (var_pop·n), so Σ(y − c) is 0 and nothing is lost to cancellation: the core's
    // RegressionState, whose merges re-centre states with different shifts
    `${head('ru_perf_h', 'labelled, delay_sum, ll_n, ll_sum, ll_skipped, reg_n, abs_err, sq_err, ape, shift, 0::DOUBLE AS shifted_sum, shifted_sq, y_min, y_max, reg_skipped')}
      (SELECT version, ${segSel}bucket, count(*) AS labelled, CAST(sum(label_ts - ts) AS DOUBLE) AS delay_sum,
          count(ll) AS ll_n, coalesce(fsum(ll), 0) AS ll_sum, count(*) FILTER (WHERE ll_skip) AS ll_skipped,
          count(y) AS reg_n, coalesce(fsum(abs(e)), 0) AS abs_err, coalesce(fsum(e * e), 0) AS sq_err,
          coalesce(fsum(abs(e) / greatest(abs(y), ${EPS})), 0) AS ape, coalesce(favg(y), 0) AS shift,
          coalesce(var_pop(y) * count(y), 0) AS shifted_sq, min(y) AS y_min, max(y) AS y_max, ${classifier ? '0' : 'count(*) - count(y)'} AS reg_skipped
        FROM (SELECT *, prediction_num - y AS e FROM (SELECT *, ${ll.term} AS ll, ${ll.skipped} AS ll_skip, ${classifier ? 'NULL::DOUBLE' : y} AS y FROM perf_rows))
        GROUP BY ALL)`,
  ];
  if (!classifier) return out;
  out.push(`${head('ru_perf_conf_h', 'truth, predicted, count')}
    (SELECT version, ${segSel}bucket, label AS truth, prediction AS predicted, count(*) AS count FROM perf_rows WHERE prediction IS NOT NULL GROUP BY ALL)`);
  const scored = scoredSql(model, segSel);
  if (!scored) return out;
  // one pass over the scored rows, grouped by all three binnings at once; then two small re-groupings
  const bins = DEFAULT_AUC_SCORE_BINS;
  const [c1, c2] = PERF_CALIBRATION_BINS;
  const calibration = (n: number, col: string) => `SELECT version, ${segSel}bucket, cls, ${n} AS bins, ${col} AS bin, sum(n) AS count, fsum(s_sum) AS score_sum, sum(p) AS positives FROM perf_scored GROUP BY ALL`;
  out.push(
    `CREATE OR REPLACE TEMP TABLE perf_scored AS SELECT version, ${segSel}bucket, cls, greatest(0, least(CAST(floor(s * ${bins}) AS INTEGER), ${bins - 1})) AS auc_bin,
        ${calibrationBinSql(c1, 's')} AS c1, ${calibrationBinSql(c2, 's')} AS c2, count(*) AS n, count(*) FILTER (WHERE pos) AS p, fsum(s) AS s_sum
      FROM (${scored}) GROUP BY ALL`,
    `${head('ru_perf_score_h', 'cls, bin, positives, negatives')}
      (SELECT version, ${segSel}bucket, cls, auc_bin AS bin, sum(p) AS positives, sum(n - p) AS negatives FROM perf_scored GROUP BY ALL)`,
    `${head('ru_perf_cal_h', 'cls, bins, bin, count, score_sum, positives')} (${calibration(c1, 'c1')} UNION ALL ${calibration(c2, 'c2')})`,
    'DROP TABLE perf_scored',
  );
  return out;
}

const KEYS = ['model', 'version', 'seg', 'bucket'];
const COMPACT: { table: string; keys: string[]; sums: string[]; fsums?: string[] }[] = [
  { table: 'ru_perf_conf_h', keys: [...KEYS, 'truth', 'predicted'], sums: ['count'] },
  { table: 'ru_perf_score_h', keys: [...KEYS, 'cls', 'bin'], sums: ['positives', 'negatives'] },
  { table: 'ru_perf_cal_h', keys: [...KEYS, 'cls', 'bins', 'bin'], sums: ['count', 'positives'], fsums: ['score_sum'] },
];

/**
 * Merges the model's performance rows, in the hours written since `since`, into one row per key.
 * Counts and sums add; the regression sums of rows with different shifts are re-centred onto their
 * weighted mean shift c before adding, as the core's mergeRegression does:
 * Σ(y − c) = Σ(y − c′) + n(c′ − c), Σ(y − c)² = Σ(y − c′)² + 2(c′ − c)·Σ(y − c′) + n(c′ − c)².
 */
export function compactPerformanceSql(model: string, since: number, build: number): string[] {
  const m = lit(model);
  const out: string[] = [];
  const touched = (table: string) => `CREATE OR REPLACE TEMP TABLE perf_touched AS SELECT DISTINCT bucket FROM ${table} WHERE build > ${since} AND model = ${m}`;
  const inTouched = `model = ${m} AND bucket >= (SELECT min(bucket) FROM perf_touched) AND bucket IN (SELECT bucket FROM perf_touched)`;
  const rewrite = (table: string, select: string) => [
    touched(table),
    `CREATE OR REPLACE TEMP TABLE perf_compact AS ${select}`,
    `DELETE FROM ${table} WHERE ${inTouched}`,
    `INSERT INTO ${table} BY NAME SELECT * FROM perf_compact`,
  ];
  const d = '(s0 - c)';
  out.push(...rewrite('ru_perf_h', `SELECT ${KEYS.join(', ')}, sum(labelled) AS labelled, fsum(delay_sum) AS delay_sum, sum(ll_n) AS ll_n, fsum(ll_sum) AS ll_sum,
      sum(ll_skipped) AS ll_skipped, sum(reg_n) AS reg_n, fsum(abs_err) AS abs_err, fsum(sq_err) AS sq_err, fsum(ape) AS ape, max(c) AS shift,
      fsum(a1 + reg_n * ${d}) AS shifted_sum, fsum(a2 + 2 * ${d} * a1 + reg_n * ${d} * ${d}) AS shifted_sq, min(y_min) AS y_min, max(y_max) AS y_max,
      sum(reg_skipped) AS reg_skipped, ${build} AS build
    FROM (SELECT *, shift AS s0, shifted_sum AS a1, shifted_sq AS a2, coalesce(sum(reg_n * shift) OVER w / nullif(sum(reg_n) OVER w, 0), 0) AS c
          FROM ru_perf_h WHERE ${inTouched} WINDOW w AS (PARTITION BY version, seg, bucket))
    GROUP BY ${KEYS.join(', ')}`));
  for (const spec of COMPACT) {
    const aggs = [...spec.sums.map((c) => `sum(${c}) AS ${c}`), ...(spec.fsums ?? []).map((c) => `fsum(${c}) AS ${c}`)];
    out.push(...rewrite(spec.table, `SELECT ${spec.keys.join(', ')}, ${aggs.join(', ')}, ${build} AS build FROM ${spec.table} WHERE ${inTouched} GROUP BY ${spec.keys.join(', ')}`));
  }
  out.push('DROP TABLE perf_compact', 'DROP TABLE perf_touched');
  return out;
}
