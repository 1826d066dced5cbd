// Reading the two files with an in-memory DuckDB: the column names and types of each (DuckDB's
// CSV sniffer decides them for every file, the fast CSV reader included), and, for the files
// the fast reader does not take (Parquet, compressed or quoted CSV, other types), one scan that
// pulls every column: numbers as doubles (NULL → NaN), the others as counts of their text values.
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DriftColumnKind } from '@vigil/core';
import { DriftReportError } from './errors.ts';
import type { ColumnData, FileData } from './types.ts';

// DuckDB's parser errors end with the query and a caret: the first line says it
export const firstLine = (e: unknown) => String((e as Error).message).split('\n')[0]!.trim();
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

function source(file: string, side: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return `read_parquet(${sqlString(file)})`;
  if (/\.(csv|tsv|txt)(\.gz|\.zst)?$/.test(lower)) return `read_csv_auto(${sqlString(file)})`;
  throw new DriftReportError(`${side} file ${file}: cannot tell its format; name it .csv, .tsv or .parquet`, 2);
}

export interface FileColumns { file: string; from: string; types: Map<string, string> }

/** The file's columns and DuckDB types; exit code 1 when it is missing or unreadable, 2 for an unknown format. */
export async function describe(conn: DuckDBConnection, file: string, side: string): Promise<FileColumns> {
  const from = source(file, side);
  if (!fs.existsSync(file)) throw new DriftReportError(`${side} file ${file} does not exist`, 1);
  try {
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
    const types = new Map<string, string>();
    for (const row of r.getRowObjectsJS()) types.set(String(row.column_name), String(row.column_type));
    return { file, from, types };
  } catch (e) {
    throw new DriftReportError(`cannot read the ${side} file ${file}: ${firstLine(e)}`, 1);
  }
}

/** One scan of a file: numeric columns as doubles (NULL → NaN), the others as counts of their text (NULL counted apart). */
export async function pullWithDuckdb(conn: DuckDBConnection, f: FileColumns, cols: { name: string; kind: DriftColumnKind }[], side: string): Promise<FileData> {
  // NULL becomes NaN in SQL: both are missing values, and a vector without NULLs is read without its validity mask
  const select = cols.map((c) => (c.kind === 'numeric' ? `coalesce(CAST(${ident(c.name)} AS DOUBLE), 'NaN'::DOUBLE)` : `CAST(${ident(c.name)} AS VARCHAR)`)).join(', ');
  let capacity = 1024, rows = 0;
  let nums = cols.map((c) => (c.kind === 'numeric' ? new Float64Array(capacity) : null));
  const cats = cols.map((c) => (c.kind === 'categorical' ? { counts: new Map<string, number>(), missing: 0 } : null));
  try {
    const result = await conn.stream(`SELECT ${select} FROM ${f.from}`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      if (rows + n > capacity) {
        while (rows + n > capacity) capacity *= 2;
        nums = nums.map((a) => { if (!a) return null; const b = new Float64Array(capacity); b.set(a.subarray(0, rows)); return b; });
      }
      for (let c = 0; c < cols.length; c++) {
        const vector = chunk.getColumnVector(c);
        const out = nums[c], cat = cats[c];
        if (out) for (let i = 0; i < n; i++) out[rows + i] = vector.getItem(i) as number;
        else if (cat) {
          for (let i = 0; i < n; i++) {
            const v = vector.getItem(i) as string | null;
            if (v === null) cat.missing++;
            else cat.counts.set(v, (cat.counts.get(v) ?? 0) + 1);
          }
        }
      }
      rows += n;
    }
  } catch (e) {
    throw new DriftReportError(`cannot read the ${side} file ${f.file}: ${firstLine(e)}`, 1);
  }
  const columns: ColumnData[] = cols.map((c, i) => (c.kind === 'numeric'
    ? { kind: 'numeric', pieces: [nums[i]!.slice(0, rows)] }
    : { kind: 'categorical', counts: cats[i]!.counts, missing: cats[i]!.missing }));
  return { rows, columns };
}
