import type { DuckDBConnection } from '@duckdb/node-api';
import type { Model } from '@vigil/core';
import { predTable, segCol } from './model-tables.ts';
import { aggregateSql, HOUR, PERF_TABLES, predictionColumns } from './performance.ts';
import { lit, num } from './sql.ts';

/**
 * Which labelled predictions a fold of batches (lo, hi] adds to the performance rollups (ADR 8).
 * A prediction counts once it and a label are both stored, with its latest label (by label ts):
 * - newly labelled — a new prediction with a label (stored before, or now), or an older one with
 *   its first label now: its rows are ADDED to its hour (partial rows, merged by compaction), so
 *   the cost follows the new labels, not the size of their hours;
 * - corrected — an older prediction that had a label and gets another one: its old label's
 *   contribution cannot be taken out of the sums exactly (min and max of the labels, the shifted
 *   squares), so its whole hour is DELETED and RECOMPUTED from the raw join, and nothing else is
 *   added to that hour by this fold.
 * Either way only the hours of those predictions change. Everything runs in the fold's transaction.
 */
type Rows = (conn: DuckDBConnection, sql: string, params?: (string | number)[]) => Promise<Record<string, unknown>[]>;

/** At most this many hours are recomputed by one set of statements: bounds the rows held at once. */
const CHUNK_HOURS = 168;
/** And at most this many contiguous runs of hours, each read by its own ts-range scan (zone maps). */
const CHUNK_RUNS = 24;

export interface HourChunk {
  hours: number[];
  /** Contiguous runs [start, end) of the chunk's hours. */
  runs: [number, number][];
}

/** Touched hours cut into chunks of at most CHUNK_HOURS hours and CHUNK_RUNS runs. */
export function hourChunks(hours: readonly number[]): HourChunk[] {
  const out: HourChunk[] = [];
  let cur: HourChunk | null = null;
  for (const h of [...hours].sort((a, b) => a - b)) {
    const last = cur?.runs[cur.runs.length - 1];
    if (!cur || cur.hours.length >= CHUNK_HOURS || ((last === undefined || last[1] !== h) && cur.runs.length >= CHUNK_RUNS)) {
      cur = { hours: [], runs: [] };
      out.push(cur);
    }
    cur.hours.push(h);
    const run = cur.runs[cur.runs.length - 1];
    if (run && run[1] === h) run[1] = h + HOUR;
    else cur.runs.push([h, h + HOUR]);
  }
  return out;
}

const latestLabels = (m: string, hi: number, ids: string) =>
  `SELECT prediction_id, arg_max(label, ts) AS label, max(ts) AS label_ts FROM labels WHERE model = ${m} AND batch <= ${hi} AND prediction_id IN (${ids}) GROUP BY prediction_id`;

/** Deletes the model's rows of a chunk of hours and recomputes them from every prediction of those hours stored up to `hi`. */
export function recomputeSql(model: Model, hi: number, chunk: HourChunk): string[] {
  const t = predTable(model.id);
  const m = lit(model.id);
  const cols = `id, version, ${[...model.schema.segments].sort().map((s) => `${segCol(s)}, `).join('')}ts, prediction, prediction_num, score, scores`;
  const scans = chunk.runs.map(([a, b]) => `SELECT ${cols} FROM ${t} WHERE batch <= ${hi} AND ts >= ${a} AND ts < ${b}`);
  const keys = `model = ${m} AND bucket >= ${chunk.hours[0]} AND bucket <= ${chunk.hours[chunk.hours.length - 1]} AND bucket IN (${chunk.hours.join(', ')})`;
  return [
    `CREATE OR REPLACE TEMP TABLE perf_rows AS WITH p AS MATERIALIZED (${scans.join(' UNION ALL ')}), l AS (${latestLabels(m, hi, 'SELECT id FROM p')})
      SELECT ${predictionColumns(model)}, l.label, l.label_ts FROM p JOIN l ON l.prediction_id = p.id`,
    ...PERF_TABLES.map((table) => `DELETE FROM ${table} WHERE ${keys}`),
    ...aggregateSql(model, hi),
    'DROP TABLE perf_rows',
  ];
}

/** What is known of the model's batches (lo, hi]. */
export interface PerfProbe {
  lo: number;
  /** Predictions were stored in (lo, hi]. */
  predictions: boolean;
  /** Labels of the model were stored in (lo, hi]. */
  newLabels: boolean;
  /** Labels of the model were stored at or before lo. */
  oldLabels: boolean;
}

/** Every hour holding a prediction with a label, both stored up to `hi` (a fold from 0: rebuild, first fold). */
function labelledHoursSql(model: Model, hi: number): string {
  return `SELECT DISTINCT (p.ts // ${HOUR}) * ${HOUR} AS bucket FROM ${predTable(model.id)} p
    SEMI JOIN (SELECT prediction_id FROM labels WHERE model = ${lit(model.id)} AND batch <= ${hi}) l ON l.prediction_id = p.id
    WHERE p.batch <= ${hi} ORDER BY bucket`;
}

async function recompute(conn: DuckDBConnection, model: Model, hi: number, hours: number[]): Promise<void> {
  for (const chunk of hourChunks(hours)) for (const s of recomputeSql(model, hi, chunk)) await conn.run(s);
}

/** Folds (lo, hi] for lo > 0: adds the newly labelled predictions, recomputes the hours of corrected ones. */
async function foldIncrement(rows: Rows, conn: DuckDBConnection, model: Model, hi: number, probe: PerfProbe): Promise<number> {
  const t = predTable(model.id);
  const m = lit(model.id);
  const lo = probe.lo;
  const cols = `id, version, ${[...model.schema.segments].sort().map((s) => `${segCol(s)}, `).join('')}ts, prediction, prediction_num, score, scores`;
  // candidates: the new predictions, and the older ones that got a label now (a scan of the ids)
  const cand: string[] = [];
  if (probe.predictions) cand.push(`SELECT ${cols}, true AS fresh FROM ${t} WHERE batch > ${lo} AND batch <= ${hi}`);
  if (probe.newLabels) {
    cand.push(`SELECT ${cols}, false AS fresh FROM ${t} WHERE batch <= ${lo}
      AND id IN (SELECT prediction_id FROM labels WHERE model = ${m} AND batch > ${lo} AND batch <= ${hi})`);
  }
  await conn.run(`CREATE OR REPLACE TEMP TABLE perf_cand AS ${cand.join(' UNION ALL ')}`);
  // their latest label up to hi, and whether they had one at lo already (one scan of the labels)
  await conn.run(`CREATE OR REPLACE TEMP TABLE perf_lab AS SELECT prediction_id, arg_max(label, ts) AS label, max(ts) AS label_ts, bool_or(batch <= ${lo}) AS had
    FROM labels WHERE model = ${m} AND batch <= ${hi} AND prediction_id IN (SELECT id FROM perf_cand) GROUP BY prediction_id`);
  const corrected = (await rows(conn, `SELECT DISTINCT (c.ts // ${HOUR}) * ${HOUR} AS bucket FROM perf_cand c JOIN perf_lab l ON l.prediction_id = c.id
    WHERE NOT c.fresh AND l.had ORDER BY bucket`)).map((r) => num(r.bucket));
  await recompute(conn, model, hi, corrected);
  const skip = corrected.length ? ` AND (p.ts // ${HOUR}) * ${HOUR} NOT IN (${corrected.join(', ')})` : '';
  await conn.run(`CREATE OR REPLACE TEMP TABLE perf_rows AS SELECT ${predictionColumns(model)}, l.label, l.label_ts
    FROM perf_cand p JOIN perf_lab l ON l.prediction_id = p.id WHERE (p.fresh OR NOT l.had)${skip}`);
  const [added] = await rows(conn, 'SELECT count(DISTINCT bucket) AS n FROM perf_rows');
  for (const s of aggregateSql(model, hi)) await conn.run(s);
  for (const s of ['DROP TABLE perf_rows', 'DROP TABLE perf_lab', 'DROP TABLE perf_cand']) await conn.run(s);
  return corrected.length + num(added?.n);
}

const PERF_KEY = (model: string) => `perf_watermark:${model}`;

/**
 * Brings the model's performance rows up to batch `hi`, inside the caller's fold transaction.
 * They keep their own watermark, so a database from before these rollups fills them on its first
 * fold. `known`: the fold's probe of (lo, hi], reused when lo is this watermark. `restart`
 * recomputes every labelled hour (rebuild, after the rows were dropped). Returns the hours written.
 */
export async function foldPerformance(rows: Rows, conn: DuckDBConnection, model: Model, hi: number, known: PerfProbe | null, restart = false): Promise<number> {
  const [st] = await rows(conn, 'SELECT value FROM vigil_state WHERE key = ?', [PERF_KEY(model.id)]);
  const lo = restart ? 0 : num(st?.value);
  if (lo >= hi) return 0;
  let probe = known && known.lo === lo ? known : null;
  if (!probe) {
    const [r] = await rows(
      conn,
      `SELECT EXISTS (SELECT 1 FROM ${predTable(model.id)} WHERE batch > ? AND batch <= ?) AS preds,
              EXISTS (SELECT 1 FROM labels WHERE model = ? AND batch > ? AND batch <= ?) AS new_labels,
              EXISTS (SELECT 1 FROM labels WHERE model = ? AND batch <= ?) AS old_labels`,
      [lo, hi, model.id, lo, hi, model.id, lo],
    );
    probe = { lo, predictions: r?.preds === true, newLabels: r?.new_labels === true, oldLabels: r?.old_labels === true };
  }
  let written = 0;
  if (probe.newLabels || (probe.predictions && probe.oldLabels)) {
    if (lo === 0) {
      const hours = (await rows(conn, labelledHoursSql(model, hi))).map((r) => num(r.bucket));
      await recompute(conn, model, hi, hours);
      written = hours.length;
    } else {
      written = await foldIncrement(rows, conn, model, hi, probe);
    }
  }
  await conn.run('INSERT INTO vigil_state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [PERF_KEY(model.id), hi]);
  return written;
}
