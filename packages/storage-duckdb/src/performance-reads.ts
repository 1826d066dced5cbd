import type { DuckDBConnection } from '@duckdb/node-api';
import { VigilError, type Model } from '@vigil/core';
import type { LabelledRows, PerformancePart, PerformanceRows, RollupQuery, WindowFilter } from '@vigil/storage';
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
export async function readPerformance(exec: Exec, query: RollupQuery, parts: readonly PerformancePart[] = ['totals', 'confusion', 'scores', 'calibration']): Promise<PerformanceRows> {
  const q = checkQuery(query);
  const tb = totalsSql(q);
  const cb = grouped(q, 'CAST(sum(count) AS DOUBLE) AS count', 'ru_perf_conf_h', [], ['truth', 'predicted']);
  const sb = grouped(q, 'CAST(sum(positives) AS DOUBLE) AS positives, CAST(sum(negatives) AS DOUBLE) AS negatives', 'ru_perf_score_h', [], ['cls', 'bin']);
  const kb = grouped(q, 'CAST(sum(count) AS DOUBLE) AS count, fsum(score_sum) AS score_sum, CAST(sum(positives) AS DOUBLE) AS positives', 'ru_perf_cal_h', [], ['cls', 'bins', 'bin']);
  const read = (part: PerformancePart, b: Built) => (parts.includes(part) ? exec(b.sql, b.params) : Promise.resolve([]));
  const totals = await read('totals', tb);
  const confusion = await read('confusion', cb);
  const scores = await read('scores', sb);
  const calibration = await read('calibration', kb);
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

/** The performance rollups' own watermark (performance-fold.ts): the batches they were folded from. */
const perfWatermarkKey = (model: string) => `perf_watermark:${model}`;
/**
 * At most about this many of the window's predictions are held in one pass (their rows, and their
 * ids as the join's build side), whatever the window's size: a little more than a full sample of
 * 500,000 at full label coverage, so that one pass reads it.
 */
const LABELLED_PASS_ROWS = 600_000;
/** DuckDB's hash() is a UBIGINT: the sample is cut on [0, 2⁶⁴). */
const HASHES = 2n ** 64n;

/**
 * How many predictions of the window are labelled, as of batch `upTo`, without joining them all:
 * the hourly `labelled` counts (folded from exactly those batches) for the whole hours of the
 * window, and a join of the predictions of the partial hours at its edges (an hour at most each).
 */
async function labelledTotal(exec: Exec, model: Model, window: WindowFilter, upTo: number): Promise<number> {
  const t = predTable(model.id);
  const a = Math.ceil(window.from / HOUR) * HOUR, b = Math.floor(window.to / HOUR) * HOUR;
  let total = 0;
  if (a < b) {
    const q = grouped({ from: a, to: b, stepMs: HOUR, models: [model.id], versions: window.versions, segments: window.segments, groupBy: [], filters: {} }, 'sum(labelled) AS n', 'ru_perf_h', []);
    const [r] = await exec(`SELECT CAST(coalesce(sum(n), 0) AS DOUBLE) AS n FROM (${q.sql})`, q.params);
    total += num(r?.n);
  }
  const edges: [number, number][] = a < b ? [[window.from, a], [b, window.to]] : [[window.from, window.to]];
  for (const [from, to] of edges) {
    if (from >= to) continue;
    const params: (string | number)[] = [];
    const edge = () => `${windowWhere({ ...window, from, to }, params)} AND batch <= ${upTo}`;
    // the edge's ids are the build side: the labels are only scanned past them
    const outer = edge();
    params.push(model.id);
    const sql = `SELECT count(*) AS n FROM ${t} WHERE ${outer} AND id IN (SELECT prediction_id FROM labels WHERE model = ? AND batch <= ${upTo} AND prediction_id IN (SELECT id FROM ${t} WHERE ${edge()}))`;
    const [r] = await exec(sql, params);
    total += num(r?.n);
  }
  return total;
}

/**
 * One pass over the hashes [lo, hi]: the window's labelled predictions whose id hashes there, each
 * with its latest label (as of `upTo`), at most the `need` with the smallest (hash, id), in time
 * order. The range's predictions are picked (one scan) before any join; their ids are the join's
 * build side and the labels are streamed past them.
 */
function passSql(model: Model, window: WindowFilter, upTo: number, lo: bigint, hi: bigint, need: number): { sql: string; params: (string | number)[] } {
  const t = predTable(model.id);
  const params: (string | number)[] = [];
  const inRange = (col: string) => `hash(${col}) BETWEEN ${lo}::UBIGINT AND ${hi}::UBIGINT`;
  const where = windowWhere(window, params);
  params.push(model.id);
  const score = model.task === 'binary' ? binaryScoreSql(model, 'p.score', 'p.scores') : 'p.score';
  return {
    sql: `WITH p AS MATERIALIZED (SELECT id, ts, prediction, prediction_num, score, scores FROM ${t} WHERE ${where} AND batch <= ${upTo} AND ${inRange('id')}),
      l AS (SELECT prediction_id, arg_max(label, ts) AS label, max(ts) AS label_ts FROM labels
        WHERE model = ? AND batch <= ${upTo} AND ${inRange('prediction_id')} AND prediction_id IN (SELECT id FROM p) GROUP BY prediction_id
        QUALIFY row_number() OVER (ORDER BY hash(prediction_id), prediction_id) <= ${need})
      SELECT CAST(p.ts AS DOUBLE) AS ts, p.id, p.prediction, p.prediction_num, ${score} AS score, p.scores, l.label, CAST(l.label_ts AS DOUBLE) AS label_ts
      FROM p JOIN l ON l.prediction_id = p.id ORDER BY p.ts, p.id`,
    params,
  };
}

/**
 * The next range of hashes after `lo`: wide enough to hold the `need` labelled predictions still
 * wanted, with a margin of four standard deviations (the `left` ones not yet read are spread
 * uniformly over [lo, 2⁶⁴)), and narrow enough to hold about `passRows` predictions.
 */
function nextRange(lo: bigint, need: number, left: number, predictions: number, passRows: number): bigint {
  const rest = HASHES - lo;
  const share = need >= left ? 1 : Math.min(1, (need + 4 * Math.sqrt(need) + 16) / left);
  const SCALE = 2n ** 52n;
  let width = (rest * BigInt(Math.ceil(share * 2 ** 52))) / SCALE;
  if (predictions > passRows) {
    const cap = (HASHES * BigInt(passRows)) / BigInt(predictions);
    if (cap < width) width = cap;
  }
  if (width < 1n) width = 1n;
  return lo + width - 1n >= HASHES ? HASHES - 1n : lo + width - 1n;
}

/**
 * labelledRows on one connection. Everything is read in one snapshot, and from what the
 * performance rollups were folded from (batches up to their watermark), so `total` is their
 * `labelled` count and the rows are the predictions behind them.
 *
 * The sample: the `min(limit, total)` labelled predictions whose (hash(id), id) are smallest — a
 * uniform sample without replacement that picks the same predictions on every call, and a
 * smaller limit's sample is part of a larger one's. It is read in passes over increasing ranges
 * of hashes, each picked from the predictions alone before they are joined with the labels: the
 * first range is sized to hold the sample with a margin, a later one (rarely needed) the rows
 * still missing, and none holds more than about `passRows` predictions, so memory stays bounded
 * whatever the window's size or label coverage. The answer does not depend on the ranges.
 */
export async function readLabelledRows(conn: DuckDBConnection, exec: Exec, model: Model, window: WindowFilter, limit: number, passRows = LABELLED_PASS_ROWS): Promise<LabelledRows> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const [w] = await exec('SELECT value FROM vigil_state WHERE key = ?', [perfWatermarkKey(model.id)]);
    const upTo = num(w?.value);
    const total = await labelledTotal(exec, model, window, upTo);
    const n = Math.min(total, Math.max(0, Math.floor(limit)));
    const out: LabelledRows = {
      total, ts: new Float64Array(n), prediction: new Array<string | null>(n).fill(null), predictionNum: new Float64Array(n),
      score: new Float64Array(n), scores: new Array<string | null>(n).fill(null), label: new Array<string>(n).fill(''), labelTs: new Float64Array(n),
    };
    if (n === 0) return out;
    const cp: (string | number)[] = [];
    const [c] = await exec(`SELECT count(*) AS n FROM ${predTable(model.id)} WHERE ${windowWhere(window, cp)} AND batch <= ${upTo}`, cp);
    const predictions = num(c?.n);
    const ids = new Array<string>(n);
    let at = 0, passes = 0;
    for (let lo = 0n; at < n && lo < HASHES; passes++) {
      const hi = nextRange(lo, n - at, total - at, predictions, passRows);
      const q = passSql(model, window, upTo, lo, hi, n - at);
      const result = await conn.stream(q.sql, q.params);
      for await (const chunk of result) {
        // columns: ts, id, prediction, prediction_num, score, scores, label, label_ts
        const cols = chunk.getColumns();
        const get = (i: number, j: number) => cols[i]?.[j] ?? null;
        const text = (i: number, j: number) => (get(i, j) === null ? null : String(get(i, j)));
        const number = (i: number, j: number) => (get(i, j) === null ? NaN : Number(get(i, j)));
        // an id stored twice (at two times) can join twice: the first n rows are kept
        for (let j = 0; j < chunk.rowCount && at < n; j++, at++) {
          out.ts[at] = number(0, j);
          ids[at] = String(get(1, j));
          out.prediction[at] = text(2, j);
          out.predictionNum[at] = number(3, j);
          out.score[at] = number(4, j);
          out.scores[at] = text(5, j);
          out.label[at] = String(get(6, j));
          out.labelTs[at] = number(7, j);
        }
        if (at >= n) break;
      }
      lo = hi + 1n;
    }
    // each pass is in time order; several are merged (and the rows cut to those found, should
    // the rollups count a prediction the raw tables no longer hold)
    return passes > 1 || at < n ? ordered(out, ids, at) : out;
  } finally {
    await conn.run('COMMIT').catch(() => undefined);
  }
}

/** The first `n` rows of `r` in (ts, id) order. */
function ordered(r: LabelledRows, ids: string[], n: number): LabelledRows {
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => (r.ts[a] as number) - (r.ts[b] as number) || ((ids[a] as string) < (ids[b] as string) ? -1 : (ids[a] as string) > (ids[b] as string) ? 1 : 0));
  const f64 = (a: Float64Array) => Float64Array.from(idx, (i) => a[i] as number);
  const arr = <T>(a: T[]) => idx.map((i) => a[i] as T);
  return { total: r.total, ts: f64(r.ts), prediction: arr(r.prediction), predictionNum: f64(r.predictionNum), score: f64(r.score), scores: arr(r.scores), label: arr(r.label), labelTs: f64(r.labelTs) };
}
