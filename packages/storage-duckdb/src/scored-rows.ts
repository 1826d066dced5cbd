// scoredRows: the scored predictions of a window, labelled or not — what label-free performance
// estimation (CBPE) reads. No join with the labels.
//
// The sample beyond `limit`: the `limit` scored rows of the window with the smallest
// hash(rowid) — uniform, without replacement, the same rows on every call (while the table's rows
// stay where they are: a retention purge can move them), and a smaller limit's sample inside a
// larger one's. Found in one scan, without a top-N over the whole window (which cost 0.3–0.45 s at
// 10 million rows): the count is cheap, so the scan keeps the rows whose hash is below the share of
// the hash range that should hold about `limit` of them plus a margin of a few standard deviations,
// and the `limit` smallest of those are kept. In the rare case the margin is not enough,
// the next scan widens it. DuckDB ranks the few rows that pass and puts them in time order.
// hash(rowid) rather than hash(id): an integer hashes in half the time of a text id.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Model } from '@vigil/core';
import type { ScoredRows, WindowFilter } from '@vigil/storage';
import { binaryScoreSql } from './performance.ts';
import { predTable } from './model-tables.ts';
import { windowWhere } from './references.ts';
import { num } from './sql.ts';

type Row = Record<string, unknown>;
type Exec = (sql: string, params: (string | number)[]) => Promise<Row[]>;

const HASH_RANGE = 2n ** 64n;

function scoredRowsSql(model: Model, window: WindowFilter) {
  const t = predTable(model.id);
  const params: (string | number)[] = [];
  const where = windowWhere(window, params);
  const score = model.task === 'binary' ? binaryScoreSql(model) : 'score';
  const scored = model.task === 'multiclass' ? 'scores IS NOT NULL' : `${score} IS NOT NULL`;
  const scores = model.task === 'multiclass' ? 'scores' : 'NULL::VARCHAR';
  const filter = `${where} AND ${scored}`;
  return {
    countSql: `SELECT count(*) AS n FROM ${t} WHERE ${filter}`,
    /** Below a hash threshold (null: every row), the `limit` smallest (hash, rowid), in time order. */
    rowsSql: (below: bigint | null, limit: number) => `SELECT ts, prediction, score, scores FROM (
        SELECT CAST(ts AS DOUBLE) AS ts, prediction, ${score} AS score, ${scores} AS scores, rowid AS r FROM ${t}
        WHERE ${filter}${below === null ? '' : ` AND hash(rowid) < ${below.toString()}::UBIGINT`} ORDER BY hash(rowid), rowid LIMIT ${limit})
      ORDER BY ts, r`,
    params,
  };
}

/** scoredRows on one connection: the count and the rows in one snapshot, into typed columns in time order. */
export async function readScoredRows(conn: DuckDBConnection, exec: Exec, model: Model, window: WindowFilter, limit: number): Promise<ScoredRows> {
  const q = scoredRowsSql(model, window);
  await conn.run('BEGIN TRANSACTION');
  try {
    const [c] = await exec(q.countSql, q.params);
    const total = num(c?.n);
    const n = Math.min(total, Math.max(0, Math.floor(limit)));
    const out: ScoredRows = { total, ts: new Float64Array(n), prediction: new Array<string | null>(n).fill(null), score: new Float64Array(n), scores: new Array<string | null>(n).fill(null) };
    if (n === 0) return out;
    // the expected count under the threshold is n + margin; its standard deviation is about √n
    for (let margin = 4 * Math.sqrt(n) + 16; ; margin *= 4) {
      const share = total <= n ? null : Math.min(1, (n + margin) / total);
      const below = share === null || share >= 1 ? null : (BigInt(Math.ceil(share * 2 ** 32)) * HASH_RANGE) >> 32n;
      // read whole (at most a few hundred thousand rows): a stream converts values chunk by chunk,
      // five times slower here
      const reader = await conn.runAndReadAll(q.rowsSql(below, n), q.params);
      if (reader.currentRowCount < n && below !== null) continue;
      const [cTs, cPred, cScore, cScores] = reader.getColumns() as unknown[][];
      for (let j = 0; j < n; j++) {
        const p = cPred?.[j], sc = cScore?.[j], scs = cScores?.[j];
        out.ts[j] = Number(cTs?.[j]);
        out.prediction[j] = p === null || p === undefined ? null : String(p);
        out.score[j] = sc === null || sc === undefined ? NaN : Number(sc);
        out.scores[j] = scs === null || scs === undefined ? null : String(scs);
      }
      break;
    }
    return out;
  } finally {
    await conn.run('COMMIT').catch(() => undefined);
  }
}
