import type { DuckDBConnection } from '@duckdb/node-api';
import type { Model } from '@vigil/core';
import type { HistogramSpec } from '@vigil/storage';
import { dropNumericCountsSql, histogramFoldSql } from './histograms.ts';
import { ROLLUP_TABLES } from './migrations.ts';
import { predTable } from './model-tables.ts';
import { compactPerformanceSql } from './performance.ts';
import { foldPerformance } from './performance-fold.ts';
import { compactModelSql, foldModelSql } from './rollups.ts';
import { num } from './sql.ts';

/**
 * Rollup folding, one model per transaction. Each model has its own watermark
 * (`watermark:<model>` in vigil_state), so a backlog is folded model by model with bounded
 * memory, and a failure in one model holds back only that model. State is read inside the
 * transaction: only a committed fold moves it.
 */
type Rows = (conn: DuckDBConnection, sql: string, params?: (string | number)[]) => Promise<Record<string, unknown>[]>;

async function stateOf(rows: Rows, conn: DuckDBConnection, model: string): Promise<{ watermark: number; compacted: number }> {
  const r = await rows(conn, `SELECT key, value FROM vigil_state WHERE key IN (?, ?, 'watermark', 'compacted')`, [`watermark:${model}`, `compacted:${model}`]);
  // a model without keys of its own starts from the store-wide marks (databases from before
  // per-model folding kept only those; new stores keep them at 0)
  const get = (k: string, fallback: string) => num((r.find((x) => x.key === k) ?? r.find((x) => x.key === fallback))?.value);
  return { watermark: get(`watermark:${model}`, 'watermark'), compacted: get(`compacted:${model}`, 'compacted') };
}

const setState = (conn: DuckDBConnection, key: string, value: number) =>
  conn.run('INSERT INTO vigil_state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);

export interface FoldResult {
  rows: number;
  /** Something was folded (predictions or labels): counts toward the next compaction. */
  folded: boolean;
  compacted: boolean;
}

/** Folds the model's batches in (its watermark, hi] and, when `compact` is set, merges its partial rows. */
export async function foldModel(rows: Rows, conn: DuckDBConnection, model: Model, specs: ReadonlyMap<string, HistogramSpec>, hi: number, compact: boolean): Promise<FoldResult> {
  const { watermark: lo, compacted } = await stateOf(rows, conn, model.id);
  if (lo >= hi) {
    // the performance rows keep their own watermark: a database from before them catches up here
    await foldPerformance(rows, conn, model, hi, null);
    return { rows: 0, folded: false, compacted: false };
  }
  const [probe] = await rows(
    conn,
    `SELECT (SELECT count(*) FROM ${predTable(model.id)} WHERE batch > ? AND batch <= ?) AS n,
            EXISTS (SELECT 1 FROM labels WHERE model = ? AND batch > ? AND batch <= ?) AS new_labels,
            EXISTS (SELECT 1 FROM labels WHERE model = ? AND batch <= ?) AS old_labels`,
    [lo, hi, model.id, lo, hi, model.id, lo],
  );
  const n = num(probe?.n);
  const newLabels = probe?.new_labels === true;
  if (n > 0 || newLabels) {
    for (const sql of foldModelSql(model, lo, hi, { newLabels, oldLabels: n > 0 && probe?.old_labels === true })) await conn.run(sql);
  }
  if (n > 0) for (const sql of histogramFoldSql(model, specs, lo, hi)) await conn.run(sql);
  await foldPerformance(rows, conn, model, hi, { lo, predictions: n > 0, newLabels, oldLabels: probe?.old_labels === true });
  await setState(conn, `watermark:${model.id}`, hi);
  if (compact && (n > 0 || newLabels)) {
    for (const sql of compactModelSql(model.id, compacted, hi)) await conn.run(sql);
    for (const sql of compactPerformanceSql(model.id, compacted, hi)) await conn.run(sql);
    await setState(conn, `compacted:${model.id}`, hi);
    return { rows: n, folded: true, compacted: true };
  }
  return { rows: n, folded: n > 0 || newLabels, compacted: false };
}

/** Drops the model's rollup rows and folds all its stored events again. */
export async function rebuildModel(rows: Rows, conn: DuckDBConnection, model: Model, specs: ReadonlyMap<string, HistogramSpec>, hi: number): Promise<number> {
  for (const t of ROLLUP_TABLES) await conn.run(`DELETE FROM ${t} WHERE model = ?`, [model.id]);
  for (const sql of foldModelSql(model, 0, hi, { newLabels: true, oldLabels: false })) await conn.run(sql);
  for (const sql of histogramFoldSql(model, specs, 0, hi)) await conn.run(sql);
  await foldPerformance(rows, conn, model, hi, null, true);
  await setState(conn, `watermark:${model.id}`, hi);
  await setState(conn, `compacted:${model.id}`, hi);
  return num((await rows(conn, `SELECT count(*) AS n FROM ${predTable(model.id)} WHERE batch <= ?`, [hi]))[0]?.n);
}

/**
 * Recounts the model's numeric features with new histogram specs over everything folded so far
 * (up to the model's watermark); later folds count the rest the same way.
 */
export async function recountNumeric(rows: Rows, conn: DuckDBConnection, model: Model, specs: ReadonlyMap<string, HistogramSpec>): Promise<void> {
  const { watermark } = await stateOf(rows, conn, model.id);
  for (const sql of dropNumericCountsSql(model)) await conn.run(sql);
  if (watermark > 0) for (const sql of histogramFoldSql(model, specs, 0, watermark, true)) await conn.run(sql);
}
