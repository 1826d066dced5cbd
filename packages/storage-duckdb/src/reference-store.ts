// Drift references and raw windows of predictions, on the DuckDB event store: reference rows in
// ref_<model> (references.ts has the SQL), one feature's or several features' raw values for the
// exact drift path. The store hands in its read pool and its write queue.
import type { DuckDBConnection } from '@duckdb/node-api';
import { VigilError, type Model } from '@vigil/core';
import type { FeatureColumn, ReferenceLoad, WindowFilter } from '@vigil/storage';
import { featCol, predTable } from './model-tables.ts';
import { badValuesSql, createRefTableSql, insertFromFileSql, insertFromWindowSql, refTable, sourceSql, windowWhere } from './references.ts';
import { num } from './sql.ts';

type Row = Record<string, unknown>;

export interface RefDb {
  rows(sql: string, params?: (string | number)[]): Promise<Row[]>;
  withReader<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** A job in the store's write queue: one transaction, serialised with folds and loads. */
  write<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
}

/** One column of a query's answer: doubles (NULL as NaN) or text (NULL as null). */
async function column(db: RefDb, sql: string, params: (string | number)[], numeric: boolean): Promise<FeatureColumn> {
  const values = await db.withReader(async (conn) => (await conn.runAndReadAll(sql, params)).getColumnsJS()[0] ?? []);
  if (numeric) return { kind: 'numeric', values: Float64Array.from(values, (v) => (v === null ? NaN : Number(v))) };
  return { kind: 'text', values: values.map((v) => (v === null ? null : String(v))) };
}

export async function loadReferenceFile(db: RefDb, model: Model, version: string, file: string, format: 'csv' | 'parquet'): Promise<ReferenceLoad> {
  const from = sourceSql(file, format);
  let columns: string[];
  try {
    columns = (await db.rows(`DESCRIBE SELECT * FROM ${from}`)).map((r) => String(r.column_name));
  } catch (e) {
    // DuckDB's message names the file by its path on the server: say "the file" instead
    const why = String((e as Error).message).split('\n')[0]!.split(file).join('the file');
    throw new VigilError('validation_failed', `the reference file is not readable ${format === 'csv' ? 'CSV' : 'Parquet'}: ${why}`, {
      details: [{ field: 'body', message: `expected a ${format === 'csv' ? 'CSV file with a header row' : 'Parquet file'}` }],
    });
  }
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const pairs = model.schema.features.flatMap((f) => (byLower.has(f.name.toLowerCase()) ? [{ feature: f, column: byLower.get(f.name.toLowerCase()) as string }] : []));
  const features = new Set(model.schema.features.map((f) => f.name.toLowerCase()));
  const load: ReferenceLoad = {
    rows: 0,
    features: pairs.map((p) => p.feature.name),
    missing: model.schema.features.filter((f) => !byLower.has(f.name.toLowerCase())).map((f) => f.name),
    ignored: columns.filter((c) => !features.has(c.toLowerCase())),
  };
  if (pairs.length === 0) {
    throw new VigilError('validation_failed', `the reference file has no column named after a feature of model ${model.id}`, {
      details: [{ field: 'body', message: `columns found: ${columns.slice(0, 20).join(', ') || 'none'}; features: ${model.schema.features.map((f) => f.name).join(', ') || 'none (give the model a schema first)'}` }],
    });
  }
  const [bad] = await db.rows(badValuesSql(pairs, from));
  const details = pairs.flatMap((p, i) => {
    const n = num(bad?.[`n${i}`]);
    return n > 0 ? [{ field: p.column, message: `${n} value${n === 1 ? ' is' : 's are'} not ${p.feature.type === 'numeric' ? 'numbers' : 'booleans'}, e.g. "${String(bad?.[`v${i}`]).slice(0, 60)}" in data row ${num(bad?.[`r${i}`])}` }] : [];
  });
  if (details.length) throw new VigilError('validation_failed', `the reference file has values that do not fit the feature types of model ${model.id}; nothing was stored`, { details });
  load.rows = await db.write(async (conn) => {
    for (const sql of createRefTableSql(model)) await conn.run(sql);
    await conn.run(`DELETE FROM ${refTable(model.id)} WHERE version = ?`, [version]);
    const rows = (await conn.run(insertFromFileSql(model, pairs, from, version))).rowsChanged;
    // thrown inside the transaction, so the version's earlier rows are rolled back into place
    if (rows === 0) throw new VigilError('validation_failed', 'the reference file has no data rows; nothing was stored', { details: [{ field: 'body', message: 'expected a header row and at least one row of values' }] });
    return rows;
  });
  return load;
}

export async function loadReferenceWindow(db: RefDb, model: Model, version: string, window: WindowFilter): Promise<ReferenceLoad> {
  const rows = await db.write(async (conn) => {
    for (const sql of createRefTableSql(model)) await conn.run(sql);
    await conn.run(`DELETE FROM ${refTable(model.id)} WHERE version = ?`, [version]);
    const params: (string | number)[] = [];
    const sql = insertFromWindowSql(model, version, window, params);
    const n = (await conn.run(sql, params)).rowsChanged;
    if (n === 0) throw new VigilError('validation_failed', 'the window holds no predictions; nothing was stored', { details: [{ field: 'from', message: 'choose a window with traffic (see GET /api/v1/query?metric=predictions.count)' }] });
    return n;
  });
  return { rows, features: model.schema.features.map((f) => f.name), missing: [], ignored: [] };
}

export async function deleteReference(db: RefDb, modelId: string, version: string): Promise<void> {
  const exists = await db.rows(`SELECT 1 FROM duckdb_tables() WHERE table_name = ?`, [`ref_${modelId}`]);
  if (exists.length === 0) return;
  await db.write((conn) => conn.run(`DELETE FROM ${refTable(modelId)} WHERE version = ?`, [version]));
}

export async function referenceValues(db: RefDb, model: Model, version: string, feature: string, limit?: number): Promise<FeatureColumn> {
  const f = model.schema.features.find((x) => x.name === feature);
  if (!f) throw new VigilError('not_found', `model ${model.id} has no feature ${feature}`);
  const exists = await db.rows(`SELECT 1 FROM duckdb_columns() WHERE table_name = ? AND column_name = ?`, [`ref_${model.id}`, `f:${feature}`]);
  const numeric = f.type === 'numeric';
  if (exists.length === 0) return numeric ? { kind: 'numeric', values: new Float64Array(0) } : { kind: 'text', values: [] };
  const select = `SELECT ${numeric ? featCol(feature) : `CAST(${featCol(feature)} AS VARCHAR)`} AS v FROM ${refTable(model.id)} WHERE version = ?`;
  if (limit === undefined) return column(db, select, [version], numeric);
  const [c] = await db.rows(`SELECT count(*) AS n FROM ${refTable(model.id)} WHERE version = ?`, [version]);
  const sql = num(c?.n) > limit ? `SELECT v FROM (${select}) USING SAMPLE reservoir(${Math.floor(limit)} ROWS) REPEATABLE (7)` : select;
  return column(db, sql, [version], numeric);
}

export async function windowRows(db: RefDb, model: Model, features: string[], window: WindowFilter, limit: number): Promise<{ total: number; ts: Float64Array; columns: FeatureColumn[] }> {
  const specs = features.map((name) => {
    const f = model.schema.features.find((x) => x.name === name);
    if (!f) throw new VigilError('not_found', `model ${model.id} has no feature ${name}`);
    return f;
  });
  const params: (string | number)[] = [];
  const where = windowWhere(window, params);
  const [c] = await db.rows(`SELECT count(*) AS n FROM ${predTable(model.id)} WHERE ${where}`, params);
  const total = num(c?.n);
  const cols = specs.map((f, i) => `${f.type === 'numeric' ? featCol(f.name) : `CAST(${featCol(f.name)} AS VARCHAR)`} AS c${i}`);
  const select = `SELECT ts${cols.map((x) => `, ${x}`).join('')} FROM ${predTable(model.id)} WHERE ${where}`;
  const sql = `SELECT * FROM (${total > limit ? `SELECT * FROM (${select}) USING SAMPLE reservoir(${Math.floor(limit)} ROWS) REPEATABLE (7)` : select}) ORDER BY ts`;
  const data = await db.withReader(async (conn) => (await conn.runAndReadAll(sql, params)).getColumnsJS());
  return {
    total,
    ts: Float64Array.from(data[0] ?? [], (v) => Number(v)),
    columns: specs.map((f, i): FeatureColumn => (f.type === 'numeric'
      ? { kind: 'numeric', values: Float64Array.from(data[i + 1] ?? [], (v) => (v === null ? NaN : Number(v))) }
      : { kind: 'text', values: (data[i + 1] ?? []).map((v) => (v === null ? null : String(v))) })),
  };
}

export async function windowValues(db: RefDb, model: Model, feature: string, window: WindowFilter, limit?: number): Promise<FeatureColumn & { total: number }> {
  const f = model.schema.features.find((x) => x.name === feature);
  if (!f) throw new VigilError('not_found', `model ${model.id} has no feature ${feature}`);
  const numeric = f.type === 'numeric';
  const params: (string | number)[] = [];
  const where = windowWhere(window, params);
  const [c] = await db.rows(`SELECT count(*) AS n FROM ${predTable(model.id)} WHERE ${where}`, params);
  const total = num(c?.n);
  const select = `SELECT ${numeric ? featCol(feature) : `CAST(${featCol(feature)} AS VARCHAR)`} AS v FROM ${predTable(model.id)} WHERE ${where}`;
  const sql = limit !== undefined && total > limit ? `SELECT v FROM (${select}) USING SAMPLE reservoir(${Math.floor(limit)} ROWS) REPEATABLE (7)` : select;
  return { ...(await column(db, sql, params, numeric)), total };
}
