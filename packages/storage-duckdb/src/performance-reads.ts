import type { DuckDBConnection } from '@duckdb/node-api';
import { VigilError, type Model } from '@vigil/core';
import type { LabelledRows, PerformanceRows, RollupQuery, WindowFilter } from '@vigil/storage';
import { binaryScoreSql } from './performance.ts';
import { predTable } from './model-tables.ts';
import { grouped, type Built } from './queries.ts';
import { windowWhere } from './references.ts';
import { num } from './sql.ts';

const HOUR = 3_600_000;
type Row = Record<string, unknown>;
type Exec = (sql: string, params: (string | number)[]) => Promise<Row[]>;

function checkQuery(q: RollupQuery): RollupQuery {
  if (!(q.stepMs > 0 && q.stepMs % HOUR === 0)) {
    throw new VigilError('validation_failed', 'performance rollups are hourly: the step must be a whole number of hours', { details: [{ field: 'step', message: `got ${q.stepMs} ms` }] });
  }
  const bad = q.groupBy.find((g) => g !== 'model' && g !== 'version' && !g.startsWith('segment.'));
  if (bad !== undefined) throw new VigilError('validation_failed', `performance rows group by model, version or segment.<name>, not ${bad}`, { details: [{ field: 'groupBy', message: bad }] });
  return { ...q, filters: {} };
}

/**
 * Totals per (group, step bucket). Regression sums are kept around each hour's own shift (its mean
 * label); rows are re-centred onto the group's weighted mean shift c before adding, exactly as
 * the core's mergeRegression does: Σ(y − c) = Σ(y − c′) + n(c′ − c) and
 * Σ(y − c)² = Σ(y − c′)² + 2(c′ − c)Σ(y − c′) + n(c′ − c)² (Chan et al.'s pairwise update).
 */
function totalsSql(q: RollupQuery): Built {
  const inner = grouped(q, [
    'CAST(sum(labelled) AS DOUBLE) AS labelled', 'fsum(delay_sum) AS delay_sum', 'CAST(sum(ll_n) AS DOUBLE) AS ll_n', 'fsum(ll_sum) AS ll_sum',
    'CAST(sum(ll_skipped) AS DOUBLE) AS ll_skipped', 'CAST(sum(reg_n) AS DOUBLE) AS reg_n', 'fsum(abs_err) AS abs_err', 'fsum(sq_err) AS sq_err', 'fsum(ape) AS ape',
    'fsum(shifted_sum) AS ss1', 'fsum(shifted_sq) AS ss2', 'min(y_min) AS y_min', 'max(y_max) AS y_max', 'CAST(sum(reg_skipped) AS DOUBLE) AS reg_skipped',
  ].join(', '), 'ru_perf_h', [], ['shift']);
  const keys = [...inner.groupAliases, 'b'].join(', ');
  const d = '(shift - c)';
  return {
    ...inner,
    sql: `SELECT ${keys}, sum(labelled) AS labelled, fsum(delay_sum) AS delay_sum, sum(ll_n) AS ll_n, fsum(ll_sum) AS ll_sum, sum(ll_skipped) AS ll_skipped,
        sum(reg_n) AS reg_n, fsum(abs_err) AS abs_err, fsum(sq_err) AS sq_err, fsum(ape) AS ape, max(c) AS shift,
        fsum(ss1 + reg_n * ${d}) AS s1, fsum(ss2 + 2 * ${d} * ss1 + reg_n * ${d} * ${d}) AS s2, min(y_min) AS y_min, max(y_max) AS y_max, sum(reg_skipped) AS reg_skipped
      FROM (SELECT *, coalesce(sum(reg_n * shift) OVER w / nullif(sum(reg_n) OVER w, 0), 0) AS c
            FROM (${inner.sql.replace(/ ORDER BY b$/, '')}) WINDOW w AS (PARTITION BY ${keys}))
      GROUP BY ${keys} ORDER BY b`,
  };
}

function groupOf(r: Row, b: Built, keys: readonly string[]): Record<string, string> {
  const g: Record<string, string> = {};
  keys.forEach((k, i) => (g[k] = r[b.groupAliases[i] as string] === null ? '' : String(r[b.groupAliases[i] as string])));
  return g;
}

/** The four reads of queryPerformance; `exec` runs them in one snapshot. */
export async function readPerformance(exec: Exec, query: RollupQuery): Promise<PerformanceRows> {
  const q = checkQuery(query);
  const tb = totalsSql(q);
  const cb = grouped(q, 'CAST(sum(count) AS DOUBLE) AS count', 'ru_perf_conf_h', [], ['truth', 'predicted']);
  const sb = grouped(q, 'CAST(sum(positives) AS DOUBLE) AS positives, CAST(sum(negatives) AS DOUBLE) AS negatives', 'ru_perf_score_h', [], ['cls', 'bin']);
  const kb = grouped(q, 'CAST(sum(count) AS DOUBLE) AS count, fsum(score_sum) AS score_sum, CAST(sum(positives) AS DOUBLE) AS positives', 'ru_perf_cal_h', [], ['cls', 'bins', 'bin']);
  const totals = await exec(tb.sql, tb.params);
  const confusion = await exec(cb.sql, cb.params);
  const scores = await exec(sb.sql, sb.params);
  const calibration = await exec(kb.sql, kb.params);
  const k = q.groupBy;
  return {
    totals: totals.map((r) => {
      const n = num(r.reg_n);
      return {
        group: groupOf(r, tb, k), bucket: num(r.b), labelled: num(r.labelled), delay_sum: num(r.delay_sum),
        log_loss: { n: num(r.ll_n), sum: num(r.ll_sum), skipped: num(r.ll_skipped) },
        regression: {
          n, sumAbsError: num(r.abs_err), sumSquaredError: num(r.sq_err), sumAbsPercentageError: num(r.ape), shift: num(r.shift),
          sumShifted: num(r.s1), sumShiftedSquares: num(r.s2), minTruth: n > 0 ? num(r.y_min) : null, maxTruth: n > 0 ? num(r.y_max) : null,
        },
        regression_skipped: num(r.reg_skipped),
      };
    }),
    confusion: confusion.map((r) => ({ group: groupOf(r, cb, k), bucket: num(r.b), truth: String(r.truth), predicted: String(r.predicted), count: num(r.count) })),
    scores: scores.map((r) => ({ group: groupOf(r, sb, k), bucket: num(r.b), class: String(r.cls), bin: num(r.bin), positives: num(r.positives), negatives: num(r.negatives) })),
    calibration: calibration.map((r) => ({
      group: groupOf(r, kb, k), bucket: num(r.b), class: String(r.cls), bins: num(r.bins), bin: num(r.bin), count: num(r.count), score_sum: num(r.score_sum), positives: num(r.positives),
    })),
  };
}

/**
 * The labelled predictions of a window, in statements to run in one snapshot:
 * - `countSql`: how many there are; beyond `limit`, `thresholdSql`: the `limit`-th smallest hash
 *   of their ids (a top-N of 8-byte hashes);
 * - `rowsSql(threshold)`: each with its latest label, in time order — all of them, or (beyond
 *   `limit`) those whose id hashes at or below the threshold: a uniform sample without replacement
 *   that needs no reservoir in memory and picks the same predictions on every call.
 */
function labelledRowsSql(model: Model, window: WindowFilter, limit: number) {
  const t = predTable(model.id);
  const params: (string | number)[] = [];
  const where = windowWhere(window, params);
  const k = Math.max(1, Math.floor(limit));
  const score = model.task === 'binary' ? binaryScoreSql(model, 'p.score', 'p.scores') : 'p.score';
  return {
    countSql: `SELECT count(*) AS n FROM ${t} p SEMI JOIN (SELECT prediction_id FROM labels WHERE model = ?) l ON l.prediction_id = p.id WHERE ${where}`,
    thresholdSql: `SELECT CAST(max(h) AS VARCHAR) AS threshold FROM (SELECT hash(p.id) AS h FROM ${t} p
      SEMI JOIN (SELECT prediction_id FROM labels WHERE model = ?) l ON l.prediction_id = p.id WHERE ${where} ORDER BY h LIMIT ${k})`,
    countParams: [model.id, ...params],
    rowsSql: (threshold: string | null) => `WITH p AS MATERIALIZED (SELECT id, ts, prediction, prediction_num, score, scores FROM ${t}
        WHERE ${where}${threshold === null ? '' : ` AND hash(id) <= ${BigInt(threshold).toString()}::UBIGINT`}),
      l AS (SELECT prediction_id, arg_max(label, ts) AS label, max(ts) AS label_ts FROM labels WHERE model = ? AND prediction_id IN (SELECT id FROM p) GROUP BY prediction_id)
      SELECT CAST(p.ts AS DOUBLE) AS ts, p.prediction, p.prediction_num, ${score} AS score, p.scores, l.label, CAST(l.label_ts AS DOUBLE) AS label_ts
      FROM p JOIN l ON l.prediction_id = p.id ORDER BY p.ts, p.id`,
    rowsParams: [...params, model.id],
  };
}

/** labelledRows on one connection: the count and the rows in one snapshot, streamed chunk by chunk into typed columns. */
export async function readLabelledRows(conn: DuckDBConnection, exec: Exec, model: Model, window: WindowFilter, limit: number): Promise<LabelledRows> {
  const q = labelledRowsSql(model, window, limit);
  await conn.run('BEGIN TRANSACTION');
  try {
    const [c] = await exec(q.countSql, q.countParams);
    const total = num(c?.n);
    const n = Math.min(total, Math.max(0, Math.floor(limit)));
    const out: LabelledRows = {
      total, ts: new Float64Array(n), prediction: new Array<string | null>(n).fill(null), predictionNum: new Float64Array(n),
      score: new Float64Array(n), scores: new Array<string | null>(n).fill(null), label: new Array<string>(n).fill(''), labelTs: new Float64Array(n),
    };
    if (n === 0) return out;
    const [cut] = total > n ? await exec(q.thresholdSql, q.countParams) : [];
    const result = await conn.stream(q.rowsSql(cut ? String(cut.threshold) : null), q.rowsParams);
    let at = 0;
    for await (const chunk of result) {
      // columns: ts, prediction, prediction_num, score, scores, label, label_ts
      const cols = chunk.getColumns();
      const get = (i: number, j: number) => cols[i]?.[j] ?? null;
      const text = (i: number, j: number) => (get(i, j) === null ? null : String(get(i, j)));
      const number = (i: number, j: number) => (get(i, j) === null ? NaN : Number(get(i, j)));
      for (let j = 0; j < chunk.rowCount && at < n; j++, at++) {
        out.ts[at] = number(0, j);
        out.prediction[at] = text(1, j);
        out.predictionNum[at] = number(2, j);
        out.score[at] = number(3, j);
        out.scores[at] = text(4, j);
        out.label[at] = String(get(5, j));
        out.labelTs[at] = number(6, j);
      }
      // a hash tie at the threshold can let a few more rows through: the first n are kept
      if (at >= n) break;
    }
    return out;
  } finally {
    await conn.run('COMMIT').catch(() => undefined);
  }
}
