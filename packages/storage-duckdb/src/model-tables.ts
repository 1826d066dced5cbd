import type { FeatureSpec, Model } from '@vigil/core';
import { ident, lit } from './sql.ts';

/**
 * Each model's predictions live in their own table with one typed column per feature
 * ("f:<name>") and per segment ("s:<name>"): bulk loads parse straight into typed columns
 * and per-feature rollups read one column, not a JSON blob.
 */
export const predTable = (modelId: string): string => ident(`pred_${modelId}`);
export const featCol = (name: string): string => ident(`f:${name}`);
export const segCol = (name: string): string => ident(`s:${name}`);

/**
 * Text of a JSON scalar as JavaScript's String() spells it, for values stored as text (class
 * labels, categories, segment values): strings as they are, true/false, integers as digits.
 * Non-integer numbers never reach this (the validator sends such records through the
 * re-serialising path, where they are already strings).
 */
export const jsonTextSql = (v: string): string =>
  `CASE json_type(${v}) WHEN 'VARCHAR' THEN json_extract_string(${v}, '$') WHEN 'BOOLEAN' THEN CAST(${v} AS VARCHAR) WHEN 'NULL' THEN NULL ELSE CAST(CAST(${v} AS HUGEINT) AS VARCHAR) END`;

const SQL_TYPE: Record<FeatureSpec['type'], string> = {
  numeric: 'DOUBLE',
  categorical: 'VARCHAR',
  boolean: 'BOOLEAN',
  text: 'VARCHAR',
};
export const featureSqlType = (f: FeatureSpec): string => SQL_TYPE[f.type];

const FIXED_COLUMNS = `id VARCHAR NOT NULL, version VARCHAR NOT NULL, ts BIGINT NOT NULL, prediction VARCHAR, prediction_num DOUBLE,
  score DOUBLE, scores VARCHAR, latency_ms DOUBLE, batch_size INTEGER, feature_ts BIGINT, batch BIGINT NOT NULL`;

export function createTableSql(model: Model): string {
  return `CREATE TABLE IF NOT EXISTS ${predTable(model.id)} (${FIXED_COLUMNS})`;
}

/** ALTERs that add the columns a (new) schema needs; existing columns are kept for history. */
export function addColumnsSql(model: Model): string[] {
  const t = predTable(model.id);
  return [
    ...model.schema.features.map((f) => `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${featCol(f.name)} ${featureSqlType(f)}`),
    ...model.schema.segments.map((s) => `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${segCol(s)} VARCHAR`),
  ];
}

/** SQL expression for the canonical segment key: a JSON object of the model's segments, sorted by name. */
export function segKeySql(model: Model): string {
  const segs = [...model.schema.segments].sort();
  if (segs.length === 0) return `'{}'`;
  return `CAST(json_object(${segs.map((s) => `${lit(s)}, ${segCol(s)}`).join(', ')}) AS VARCHAR)`;
}

/** The wire ts (RFC 3339 or epoch ms, read as text) to epoch ms — the same instant the core computes. */
export const tsSql = (col: string): string => `COALESCE(CAST(ROUND(TRY_CAST(${col} AS DOUBLE)) AS BIGINT), epoch_ms(CAST(${col} AS TIMESTAMPTZ)))`;

/**
 * INSERT ... SELECT from a JSON file (the request body or re-serialised valid records),
 * skipping records whose id is already stored within the batch's time range.
 */
/** read_json over one or several files with the model's column plan. */
function readJsonSql(model: Model, files: readonly string[], format: 'array' | 'newline_delimited', withFilename = false): string {
  const feats = model.schema.features;
  const segs = model.schema.segments;
  // text-stored values are read as JSON and spelled by jsonTextSql, so a category sent as 7 or
  // as "7" is stored alike whichever path loaded it
  const readType = (f: FeatureSpec) => (f.type === 'categorical' ? 'JSON' : featureSqlType(f));
  const columns: string[] = [
    `id: 'VARCHAR'`, `model: 'VARCHAR'`, `version: 'VARCHAR'`, `ts: 'VARCHAR'`, `prediction: 'JSON'`,
    `score: 'DOUBLE'`, `scores: 'VARCHAR'`, `latency_ms: 'DOUBLE'`, `batch_size: 'INTEGER'`, `feature_ts: 'VARCHAR'`,
  ];
  if (feats.length) columns.push(`features: ${lit(`STRUCT(${feats.map((f) => `${ident(f.name)} ${readType(f)}`).join(', ')})`)}`);
  if (segs.length) columns.push(`segment: ${lit(`STRUCT(${segs.map((s) => `${ident(s)} JSON`).join(', ')})`)}`);
  return `read_json([${files.map(lit).join(', ')}], format = ${lit(format)}, columns = {${columns.join(', ')}}${withFilename ? ', filename = true' : ''})`;
}

export interface LoadFile {
  file: string;
  /** Time range of the file's records: its duplicate check looks there. */
  lo: number;
  hi: number;
}

/** The files of a load with their own time ranges, as a table to join on the file name. */
const rangesSql = (files: readonly LoadFile[]): string =>
  `(VALUES ${files.map((f) => `(${lit(f.file)}, ${Math.floor(f.lo)}, ${Math.ceil(f.hi)})`).join(', ')}) AS f(file, lo, hi)`;

/**
 * Per file, how many of its records this batch stored: asked only when a multi-file load found
 * duplicates, and only for the first statement of its table in the transaction (the files of
 * one load never share an id, so an id stored in this batch is its file's).
 */
export function insertedPerFileSql(model: Model, files: readonly LoadFile[], format: 'array' | 'newline_delimited', batch: number): string {
  const t = predTable(model.id);
  const lo = Math.min(...files.map((f) => f.lo));
  const hi = Math.max(...files.map((f) => f.hi));
  return `SELECT s.filename AS file, count(*) AS n FROM ${readJsonSql(model, files.map((f) => f.file), format, true)} s
    WHERE EXISTS (SELECT 1 FROM ${t} p WHERE p.batch = ${batch} AND p.ts BETWEEN ${lo} AND ${hi} AND p.id = s.id) GROUP BY ALL`;
}

/**
 * INSERT ... SELECT from JSON files (request bodies, or re-serialised valid records), skipping
 * records whose id is already stored within their own file's time range — the same answer
 * whether a file is loaded alone or with others.
 */
export function insertFromJsonSql(model: Model, files: readonly LoadFile[], format: 'array' | 'newline_delimited', batch: number): string {
  const minTs = Math.floor(Math.min(...files.map((f) => f.lo)));
  const maxTs = Math.ceil(Math.max(...files.map((f) => f.hi)));
  const feats = model.schema.features;
  const segs = model.schema.segments;
  const targetCols = ['id', 'version', 'ts', 'prediction', 'prediction_num', 'score', 'scores', 'latency_ms', 'batch_size', 'feature_ts', 'batch', ...feats.map((f) => featCol(f.name)), ...segs.map(segCol)];
  const values = [
    's.id', 's.version', tsSql('s.ts'),
    // regression predictions are numbers: kept in prediction_num only, so no text spelling can differ
    model.task === 'regression' ? 'NULL' : jsonTextSql('s.prediction'),
    'TRY_CAST(s.prediction AS DOUBLE)', 's.score', 's.scores', 's.latency_ms', 's.batch_size',
    `CASE WHEN s.feature_ts IS NULL THEN NULL ELSE ${tsSql('s.feature_ts')} END`, String(batch),
    ...feats.map((f) => (f.type === 'categorical' ? jsonTextSql(`s.features.${ident(f.name)}`) : `s.features.${ident(f.name)}`)),
    ...segs.map((s) => jsonTextSql(`s.segment.${ident(s)}`)),
  ];
  const t = predTable(model.id);
  return `INSERT INTO ${t} (${targetCols.join(', ')})
    SELECT ${values.join(', ')}
    FROM ${readJsonSql(model, files.map((f) => f.file), format, files.length > 1)} s
    ${files.length > 1 ? `JOIN ${rangesSql(files)} ON f.file = s.filename` : ''}
    WHERE s.model = ${lit(model.id)}
      AND NOT EXISTS (SELECT 1 FROM ${t} p WHERE p.ts BETWEEN ${minTs} AND ${maxTs}${files.length > 1 ? ' AND p.ts BETWEEN f.lo AND f.hi' : ''} AND p.id = s.id)`;
}
