import type { FeatureSpec, Model } from '@vigil/core';
import type { WindowFilter } from '@vigil/storage';
import { featCol, featureSqlType, predTable, segCol } from './model-tables.ts';
import { ident, lit } from './sql.ts';

/**
 * Reference rows live in one table per model, `ref_<model>`, with a version column and one typed
 * column per feature, like the prediction tables: a reference is read back one column at a time.
 */
export const refTable = (modelId: string): string => ident(`ref_${modelId}`);

export function createRefTableSql(model: Model): string[] {
  const t = refTable(model.id);
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (version VARCHAR NOT NULL)`,
    ...model.schema.features.map((f) => `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${featCol(f.name)} ${featureSqlType(f)}`),
  ];
}

/**
 * A CSV is read as text (the dialect is still detected): each value is then converted by its
 * feature's type alone, so a category such as "2.50" or "1.0" is kept as written, not turned into
 * the number the column's detected type would make of it ("2.5", "1").
 */
export const sourceSql = (file: string, format: 'csv' | 'parquet'): string =>
  format === 'parquet' ? `read_parquet(${lit(file)})` : `read_csv(${lit(file)}, header = true, auto_detect = true, sample_size = -1, all_varchar = true)`;

/** How a source column converts to a feature's stored type; `bad` is true for a value that does not. */
export function conversion(f: FeatureSpec, src: string): { value: string; bad: string } {
  switch (f.type) {
    case 'numeric': return { value: `TRY_CAST(${src} AS DOUBLE)`, bad: `${src} IS NOT NULL AND TRY_CAST(${src} AS DOUBLE) IS NULL` };
    case 'boolean': return { value: `TRY_CAST(${src} AS BOOLEAN)`, bad: `${src} IS NOT NULL AND TRY_CAST(${src} AS BOOLEAN) IS NULL` };
    default: return { value: `CAST(${src} AS VARCHAR)`, bad: 'false' };
  }
}

/** Per matched feature: how many values fail to convert, and the first one with its row number. */
export function badValuesSql(pairs: { feature: FeatureSpec; column: string }[], from: string): string {
  const parts = pairs.map(({ feature, column }, i) => {
    const { bad } = conversion(feature, `src.${ident(column)}`);
    return `count(*) FILTER (WHERE ${bad}) AS n${i}, min(CASE WHEN ${bad} THEN rn END) AS r${i}, arg_min(CAST(src.${ident(column)} AS VARCHAR), CASE WHEN ${bad} THEN rn END) AS v${i}`;
  });
  return `SELECT ${parts.join(', ')} FROM (SELECT *, row_number() OVER () AS rn FROM ${from}) src`;
}

export function insertFromFileSql(model: Model, pairs: { feature: FeatureSpec; column: string }[], from: string, version: string): string {
  const cols = pairs.map((p) => featCol(p.feature.name));
  const values = pairs.map((p) => conversion(p.feature, `src.${ident(p.column)}`).value);
  return `INSERT INTO ${refTable(model.id)} (version${cols.map((c) => `, ${c}`).join('')}) SELECT ${lit(version)}${values.map((v) => `, ${v}`).join('')} FROM ${from} src`;
}

export function windowWhere(w: WindowFilter, params: (string | number)[]): string {
  const parts = ['ts >= ?', 'ts < ?'];
  params.push(w.from, w.to);
  if (w.versions) {
    parts.push(`version IN (${w.versions.map(() => '?').join(', ')})`);
    params.push(...w.versions);
  }
  for (const [k, v] of Object.entries(w.segments)) {
    parts.push(`${segCol(k)} = ?`);
    params.push(v);
  }
  return parts.join(' AND ');
}

export function insertFromWindowSql(model: Model, version: string, w: WindowFilter, params: (string | number)[]): string {
  const cols = model.schema.features.map((f) => featCol(f.name));
  params.push(version);
  const where = windowWhere(w, params);
  return `INSERT INTO ${refTable(model.id)} (version${cols.map((c) => `, ${c}`).join('')}) SELECT ?${cols.map((c) => `, ${c}`).join('')} FROM ${predTable(model.id)} WHERE ${where}`;
}
