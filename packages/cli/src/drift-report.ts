// `vigil drift`: an offline drift report of two files (CSV or Parquet) scored with the core's drift
// statistics (docs/drift-tests.md). DuckDB (in memory) names and types every column; plain CSV
// files are then read by the fast reader in parallel parts (drift/csv-fast.ts) and everything else
// by one DuckDB scan (drift/duckdb-read.ts); numeric columns are scored side by side on worker
// threads (drift/pool.ts, drift/score.ts). No commander and no process here: errors are
// DriftReportErrors that say which exit code they deserve.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { DriftConfigSchema, datasetDrift, type ColumnVerdict, type DriftColumnKind, type DriftConfig } from '@vigil/core';
import { planCsv } from './drift/csv-fast.ts';
import { pick, readCsvFast } from './drift/csv-read.ts';
import { describe, pullWithDuckdb, type FileColumns } from './drift/duckdb-read.ts';
import { DriftReportError } from './drift/errors.ts';
import { defaultThreads, openPool, type Pool } from './drift/pool.ts';
import { scoreCategorical } from './drift/score.ts';
import type { ColumnData, ColumnReport, DriftReport, FileData, NoDataColumn } from './drift/types.ts';

export { DriftReportError } from './drift/errors.ts';
export type { CategoricalOther, ColumnReport, DriftReport, NoDataColumn, Num, NumericOther, SideSummary, TestValue } from './drift/types.ts';

export interface DriftReportOptions {
  /** Only these columns (else every column present in both files). */
  columns?: string[];
  /** Parsed with DriftConfigSchema; see parseDriftConfig for a file. */
  config?: DriftConfig;
  /** Progress lines for large inputs (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
  /** Inputs with more rows than this report progress per column (default 100,000). */
  progressRows?: number;
  /** Worker threads (default: one per core, at most 8; 0 or 1: none, all work in this thread). Same report either way. */
  threads?: number;
  /** 'duckdb': read CSV files with DuckDB too, not the fast reader (for tests and benchmarks). Same report either way. */
  reader?: 'auto' | 'duckdb';
  /** Called as each phase ends: both files described (sniffed), both read, every column scored (for benchmarks). */
  onPhase?: (phase: 'described' | 'read' | 'scored') => void;
  /** Which reader read each file, and why a CSV file was not read by the fast one. */
  onRead?: (info: { side: 'reference' | 'current'; reader: 'fast-csv' | 'duckdb'; reason?: string }) => void;
}

// ---------- config

/** A DriftConfig from a JSON file; exit code 2 naming the file and the zod field paths when it is bad. */
export function parseDriftConfig(file: string): DriftConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DriftReportError(`cannot read the drift config ${file}: ${(e as Error).message}`, 2);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DriftReportError(`drift config ${file} is not JSON: ${(e as Error).message}`, 2);
  }
  const r = DriftConfigSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(top level)'}: ${i.message}`);
    throw new DriftReportError(`drift config ${file} is invalid:\n  ${issues.join('\n  ')}`, 2);
  }
  return r.data;
}

// ---------- columns

interface Supported { kind: DriftColumnKind; integer: boolean }
type Storage = Supported | { unsupported: string };
const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);

function storageOf(type: string): Storage {
  if (INTEGER_TYPES.has(type)) return { kind: 'numeric', integer: true };
  if (type === 'FLOAT' || type === 'DOUBLE' || type.startsWith('DECIMAL')) return { kind: 'numeric', integer: false };
  if (type === 'BOOLEAN') return { kind: 'categorical', integer: false };
  if (type === 'VARCHAR') return { kind: 'categorical', integer: false };
  return { unsupported: type };
}

interface Used { name: string; ref: Supported; cur: Supported }

function selectColumns(refFile: FileColumns, curFile: FileColumns, wantedNames: string[] | undefined, skipped: DriftReport['skipped']): Used[] {
  const wanted = wantedNames ?? [...refFile.types.keys(), ...[...curFile.types.keys()].filter((c) => !refFile.types.has(c))];
  const used: Used[] = [];
  for (const name of wanted) {
    const rt = refFile.types.get(name), ct = curFile.types.get(name);
    if (rt === undefined && ct === undefined) { skipped.push({ column: name, reason: 'in neither file' }); continue; }
    if (rt === undefined) { skipped.push({ column: name, reason: `only in the current file ${curFile.file}` }); continue; }
    if (ct === undefined) { skipped.push({ column: name, reason: `only in the reference file ${refFile.file}` }); continue; }
    const rs = storageOf(rt), cs = storageOf(ct);
    if ('unsupported' in rs || 'unsupported' in cs) {
      skipped.push({ column: name, reason: `type ${'unsupported' in rs ? rt : ct} is not supported (numeric, BOOLEAN and VARCHAR columns are)` });
      continue;
    }
    used.push({ name, ref: rs, cur: cs });
  }
  return used;
}

// ---------- the report

/** Both settled, the reference's failure first: the error a user sees does not depend on which file was quicker. */
async function both<T>(a: Promise<T>, b: Promise<T>): Promise<[T, T]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

/**
 * The drift report of `curPath` against `refPath`. Throws DriftReportError (exitCode 1 or 2).
 *
 * @example
 *   const report = await driftReport('train.csv', 'today.parquet', { columns: ['age', 'plan'] });
 *   report.dataset.drift; // true when at least half of the columns with data drifted
 */
export async function driftReport(refPath: string, curPath: string, opts: DriftReportOptions = {}): Promise<DriftReport> {
  const config = opts.config ?? DriftConfigSchema.parse({});
  const progress = opts.onProgress ?? (() => undefined);
  const progressRows = opts.progressRows ?? 100_000;
  // the workers start while DuckDB sniffs the files (reading them on a guess of the types meanwhile
  // gained nothing measurable: on two cores the sniffing and the reading share the CPU)
  const opening = openPool(opts.threads ?? defaultThreads());
  let pool: Pool | null = null;
  const instance = await DuckDBInstance.create(':memory:');
  const conns = [await instance.connect(), await instance.connect()] as const;
  try {
    const [refFile, curFile] = await both(describe(conns[0], refPath, 'reference'), describe(conns[1], curPath, 'current'));
    opts.onPhase?.('described');
    const skipped: DriftReport['skipped'] = [];
    const used = selectColumns(refFile, curFile, opts.columns, skipped);

    // the row count is known only once read: a file of a few MB has about 100,000 rows
    for (const file of [refPath, curPath]) if (fs.statSync(file).size > progressRows * 40) progress(`reading ${file}…`);
    pool = await opening;
    const read = async (f: FileColumns, side: 'reference' | 'current', conn: (typeof conns)[number]): Promise<FileData> => {
      const cols = used.map((u) => ({ name: u.name, kind: (side === 'reference' ? u.ref : u.cur).kind }));
      const names = [...f.types.keys()];
      const fields = cols.map((c) => names.indexOf(c.name));
      let reason = 'asked for';
      if (opts.reader !== 'duckdb') {
        const plan = planCsv(f.file, names, [...f.types.values()], new Set(cols.map((c) => c.name)));
        const fast = typeof plan === 'string' ? plan : await readCsvFast(pool!, plan);
        if (typeof fast !== 'string') {
          opts.onRead?.({ side, reader: 'fast-csv' });
          return pick(fast, fields);
        }
        reason = fast;
      }
      opts.onRead?.({ side, reader: 'duckdb', reason });
      return pullWithDuckdb(conn, f, cols, side);
    };
    const [ref, cur] = await both(read(refFile, 'reference', conns[0]), read(curFile, 'current', conns[1]));
    opts.onPhase?.('read');
    const verbose = ref.rows > progressRows || cur.rows > progressRows;

    let done = 0;
    const jobs: Promise<ColumnReport | NoDataColumn | null>[] = used.map((u, i) => {
      let r = ref.columns[i]!, c = cur.columns[i]!;
      // CSV sniffing calls a column with no values VARCHAR: it takes the kind of the other side
      if (r.kind !== c.kind) {
        const empty = (d: ColumnData) => d.kind === 'categorical' && d.counts.size === 0;
        const nanOf = (rows: number): ColumnData => ({ kind: 'numeric', pieces: [new Float64Array(rows).fill(NaN)] });
        if (empty(r)) r = nanOf(ref.rows);
        else if (empty(c)) c = nanOf(cur.rows);
        else {
          skipped.push({ column: u.name, reason: `numeric in one file (${refFile.types.get(u.name)} / ${curFile.types.get(u.name)}) and categorical in the other` });
          return Promise.resolve(null);
        }
      }
      const job = r.kind === 'numeric' && c.kind === 'numeric'
        ? pool!.run({ type: 'score', numeric: { column: u.name, integer: u.ref.integer && u.cur.integer, config, ref: { rows: ref.rows, pieces: r.pieces }, cur: { rows: cur.rows, pieces: c.pieces } } })
        : Promise.resolve().then(() => scoreCategorical(u.name, { rows: ref.rows, ...(r as Extract<ColumnData, { kind: 'categorical' }>) }, { rows: cur.rows, ...(c as Extract<ColumnData, { kind: 'categorical' }>) }, config));
      if (verbose) void job.then(() => progress(`column ${++done}/${used.length} (${u.name})`), () => undefined);
      return job;
    });
    const scored = await Promise.allSettled(jobs);
    opts.onPhase?.('scored');

    const columns: DriftReport['columns'] = [];
    const verdicts: ColumnVerdict[] = [];
    for (const s of scored) {
      // the first failing column in column order, whichever thread finished first
      if (s.status === 'rejected') throw s.reason;
      const col = s.value;
      if (!col) continue;
      columns.push(col);
      verdicts.push('status' in col ? { name: col.column, status: 'no_data' } : { name: col.column, status: 'ok', drifted: col.drifted });
    }
    const d = datasetDrift(verdicts, config.driftShare);
    return {
      reference: { file: refPath, rows: ref.rows },
      current: { file: curPath, rows: cur.rows },
      dataset: d.status === 'ok'
        ? { drifted_columns: d.driftedColumns, columns_with_data: d.columns, share: d.share, drift: d.drifted, threshold: config.driftShare }
        : { drifted_columns: 0, columns_with_data: 0, share: null, drift: null, threshold: config.driftShare },
      columns,
      skipped,
    };
  } finally {
    await (pool ?? (await opening.catch(() => null)))?.close();
    for (const c of conns) c.closeSync();
    instance.closeSync();
  }
}
