// `vigil drift`: an offline drift report of two files (CSV or Parquet), read with an in-memory
// DuckDB and scored with the core's drift statistics (docs/drift-tests.md). No commander and no
// process here: errors are DriftReportErrors that say which exit code they deserve.
import fs from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  chiSquareContingency, chiSquareGoodnessOfFit, chooseMethod, datasetDrift, DriftConfigSchema, finiteValues, hellinger, isDrifted,
  jensenShannon, ks2samp, presentCategories, psi, twoProportionZTest, VigilError, wasserstein, wassersteinNormed,
  type Category, type ColumnVerdict, type DriftColumnKind, type DriftConfig, type DriftMethod, type SampleAccounting,
} from '@vigil/core';

/** exitCode 2: the command was used wrongly (bad option, bad config); 1: it could not do the work. */
export class DriftReportError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
    this.name = 'DriftReportError';
  }
}

export interface DriftReportOptions {
  /** Only these columns (else every column present in both files). */
  columns?: string[];
  /** Parsed with DriftConfigSchema; see parseDriftConfig for a file. */
  config?: DriftConfig;
  /** Progress lines for large inputs (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
  /** Inputs with more rows than this report progress per column (default 100,000). */
  progressRows?: number;
}

/** Statistic that JSON cannot hold: an unseen category under goodness of fit gives +Infinity. */
export type Num = number | 'Infinity' | '-Infinity' | 'NaN';
export interface SideSummary { rows: number; used: number; missing: number; infinite: number }
export interface TestValue { statistic: Num; pvalue: Num }

export interface NumericOther {
  ks: TestValue | null;
  wasserstein: Num | null;
  wasserstein_normed: Num | null;
  psi: Num | null;
  psi_quantile: Num | null;
  jensen_shannon: Num | null;
  hellinger: Num | null;
}
export interface CategoricalOther {
  chisquare: TestValue | null;
  chi2_contingency: TestValue | null;
  /** Only for columns with at most two distinct values. */
  z: TestValue | null;
  psi: Num | null;
  jensen_shannon: Num | null;
  hellinger: Num | null;
}

export interface ColumnReport {
  column: string;
  kind: DriftColumnKind;
  method: DriftMethod;
  statistic: Num;
  pvalue: Num | null;
  threshold: number;
  drifted: boolean;
  reference: SideSummary;
  current: SideSummary;
  /** Every statistic that applies to the column's kind, the chosen method's included. */
  other: NumericOther | CategoricalOther;
}
export interface NoDataColumn { column: string; status: 'no_data'; reason: string; reference: SideSummary; current: SideSummary }

export interface DriftReport {
  reference: { file: string; rows: number };
  current: { file: string; rows: number };
  dataset: { drifted_columns: number; columns_with_data: number; share: number | null; drift: boolean | null; threshold: number };
  columns: (ColumnReport | NoDataColumn)[];
  skipped: { column: string; reason: string }[];
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

// ---------- reading

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

// DuckDB's parser errors end with the query and a caret: the first line says it
const firstLine = (e: unknown) => String((e as Error).message).split('\n')[0]!.trim();
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

function source(file: string, side: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return `read_parquet(${sqlString(file)})`;
  if (/\.(csv|tsv|txt)(\.gz|\.zst)?$/.test(lower)) return `read_csv_auto(${sqlString(file)})`;
  throw new DriftReportError(`${side} file ${file}: cannot tell its format; name it .csv, .tsv or .parquet`, 2);
}

interface FileColumns { file: string; from: string; types: Map<string, string> }

async function describe(conn: DuckDBConnection, file: string, side: string): Promise<FileColumns> {
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

type Pulled = { kind: 'numeric'; values: Float64Array } | { kind: 'categorical'; values: (string | null)[] };

/** One scan of a file: numeric columns as Float64Array (NULL → NaN), the others as strings (NULL → null). */
async function pull(conn: DuckDBConnection, f: FileColumns, cols: { name: string; kind: DriftColumnKind }[], side: string): Promise<{ rows: number; columns: Pulled[] }> {
  const select = cols.map((c) => `CAST(${ident(c.name)} AS ${c.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR'})`).join(', ');
  let capacity = 1024, rows = 0;
  let nums = cols.map((c) => (c.kind === 'numeric' ? new Float64Array(capacity) : null));
  const strs = cols.map((c) => (c.kind === 'categorical' ? ([] as (string | null)[]) : null));
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
        const num = nums[c], str = strs[c];
        if (num) for (let i = 0; i < n; i++) num[rows + i] = (vector.getItem(i) as number | null) ?? NaN;
        else if (str) for (let i = 0; i < n; i++) str.push(vector.getItem(i) as string | null);
      }
      rows += n;
    }
  } catch (e) {
    throw new DriftReportError(`cannot read the ${side} file ${f.file}: ${firstLine(e)}`, 1);
  }
  return {
    rows,
    columns: cols.map((c, i) => (c.kind === 'numeric' ? { kind: 'numeric', values: nums[i]!.slice(0, rows) } : { kind: 'categorical', values: strs[i]! })),
  };
}

// ---------- statistics

const num = (x: number): Num => (Number.isFinite(x) ? x : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity');
const test = (r: { statistic: number; pvalue: number } | null): TestValue | null => (r ? { statistic: num(r.statistic), pvalue: num(r.pvalue) } : null);
const dist = (r: { status: 'ok'; value: number } | { status: 'no_data' }): Num | null => (r.status === 'ok' ? num(r.value) : null);

function countsOf(values: ArrayLike<Category>): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < values.length; i++) { const k = String(values[i]); m.set(k, (m.get(k) ?? 0) + 1); }
  return m;
}

/** Distinct values of both samples together, stopping once past `limit`. */
function distinctUpTo(a: ArrayLike<Category>, b: ArrayLike<Category>, limit: number): number {
  const seen = new Set<Category>();
  for (const v of [a, b]) for (let i = 0; i < v.length; i++) { seen.add(v[i] as Category); if (seen.size > limit) return seen.size; }
  return seen.size;
}

/** Evidently's z-test on a binary column: the first category in sorted order is the failure. */
function zTest(ref: Map<string, number>, cur: Map<string, number>) {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  if (keys.length > 2) return null;
  const side = (m: Map<string, number>) => {
    let total = 0;
    for (const c of m.values()) total += c;
    return { successes: total - (m.get(keys[0]!) ?? 0), total };
  };
  return twoProportionZTest(side(ref), side(cur));
}

interface Scored { statistic: number; pvalue: number | null }

function scoreNumeric(ref: Float64Array, cur: Float64Array, integer: boolean, method: DriftMethod, column: string): { main: Scored; other: NumericOther } {
  const opts = { kind: 'numeric' as const, integer };
  const ks = ks2samp(ref, cur);
  const w = wasserstein(ref, cur), wn = wassersteinNormed(ref, cur);
  const p = psi(ref, cur, opts), pq = psi(ref, cur, { kind: 'numeric', binning: 'reference-quantiles' });
  const js = jensenShannon(ref, cur, opts), h = hellinger(ref, cur, opts);
  const other: NumericOther = { ks: test(ks), wasserstein: dist(w), wasserstein_normed: dist(wn), psi: dist(p), psi_quantile: dist(pq), jensen_shannon: dist(js), hellinger: dist(h) };
  const value = (r: { status: 'ok'; value: number } | { status: 'no_data' }): Scored => ({ statistic: r.status === 'ok' ? r.value : NaN, pvalue: null });
  switch (method) {
    case 'ks': return { main: { statistic: ks!.statistic, pvalue: ks!.pvalue }, other };
    case 'wasserstein': return { main: value(wn), other };
    case 'psi': return { main: value(p), other };
    case 'psi_quantile': return { main: value(pq), other };
    case 'jensenshannon': return { main: value(js), other };
    case 'hellinger': return { main: value(h), other };
    default: {
      // the count tests on a numeric column (chosen by default for few distinct values): on its values as categories
      const r = finiteValues(ref).values, c = finiteValues(cur).values;
      return { main: countTest(method, countsOf(r), countsOf(c), column), other };
    }
  }
}

function countTest(method: DriftMethod, ref: Map<string, number>, cur: Map<string, number>, column: string): Scored {
  const r = method === 'chisquare' ? chiSquareGoodnessOfFit(ref, cur) : method === 'chi2_contingency' ? chiSquareContingency(ref, cur) : zTest(ref, cur);
  if (!r) {
    const distinct = new Set([...ref.keys(), ...cur.keys()]).size;
    throw new DriftReportError(`drift method z needs a column with at most two values; column ${column} has ${distinct} (set another method for it in the config)`, 2);
  }
  return { statistic: r.statistic, pvalue: r.pvalue };
}

function scoreCategorical(ref: Category[], cur: Category[], method: DriftMethod, column: string): { main: Scored; other: CategoricalOther } {
  const opts = { kind: 'categorical' as const };
  const rc = countsOf(ref), cc = countsOf(cur);
  const p = psi(ref, cur, opts), js = jensenShannon(ref, cur, opts), h = hellinger(ref, cur, opts);
  const other: CategoricalOther = {
    chisquare: test(chiSquareGoodnessOfFit(rc, cc)), chi2_contingency: test(chiSquareContingency(rc, cc)), z: test(zTest(rc, cc)),
    psi: dist(p), jensen_shannon: dist(js), hellinger: dist(h),
  };
  const value = (r: { status: 'ok'; value: number } | { status: 'no_data' }): Scored => ({ statistic: r.status === 'ok' ? r.value : NaN, pvalue: null });
  switch (method) {
    case 'psi': return { main: value(p), other };
    case 'jensenshannon': return { main: value(js), other };
    case 'hellinger': return { main: value(h), other };
    default: return { main: countTest(method, rc, cc, column), other };
  }
}

const side = (rows: number, a: SampleAccounting): SideSummary => ({ rows, used: a.used, missing: a.missing, infinite: a.infinite });

// ---------- the report

/** The drift report of `curPath` against `refPath`. Throws DriftReportError (exitCode 1 or 2). */
export async function driftReport(refPath: string, curPath: string, opts: DriftReportOptions = {}): Promise<DriftReport> {
  const config = opts.config ?? DriftConfigSchema.parse({});
  const progress = opts.onProgress ?? (() => undefined);
  const progressRows = opts.progressRows ?? 100_000;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const refFile = await describe(conn, refPath, 'reference');
    const curFile = await describe(conn, curPath, 'current');

    const skipped: DriftReport['skipped'] = [];
    const wanted = opts.columns ?? [...refFile.types.keys(), ...[...curFile.types.keys()].filter((c) => !refFile.types.has(c))];
    const used: { name: string; ref: Supported; cur: Supported }[] = [];
    for (const name of wanted) {
      const rt = refFile.types.get(name), ct = curFile.types.get(name);
      if (rt === undefined && ct === undefined) { skipped.push({ column: name, reason: 'in neither file' }); continue; }
      if (rt === undefined) { skipped.push({ column: name, reason: `only in the current file ${curPath}` }); continue; }
      if (ct === undefined) { skipped.push({ column: name, reason: `only in the reference file ${refPath}` }); continue; }
      const rs = storageOf(rt), cs = storageOf(ct);
      if ('unsupported' in rs || 'unsupported' in cs) {
        skipped.push({ column: name, reason: `type ${'unsupported' in rs ? rt : ct} is not supported (numeric, BOOLEAN and VARCHAR columns are)` });
        continue;
      }
      used.push({ name, ref: rs, cur: cs });
    }

    // the row count is known only once read: a file of a few MB has about 100,000 rows
    const large = (file: string) => fs.statSync(file).size > progressRows * 40;
    if (large(refPath)) progress(`reading ${refPath}…`);
    const ref = await pull(conn, refFile, used.map((u) => ({ name: u.name, kind: u.ref.kind })), 'reference');
    if (large(curPath)) progress(`reading ${curPath}…`);
    const cur = await pull(conn, curFile, used.map((u) => ({ name: u.name, kind: u.cur.kind })), 'current');
    const verbose = ref.rows > progressRows || cur.rows > progressRows;

    const columns: DriftReport['columns'] = [];
    const verdicts: ColumnVerdict[] = [];
    for (let i = 0; i < used.length; i++) {
      const u = used[i]!;
      if (verbose) progress(`column ${i + 1}/${used.length} (${u.name})`);
      let r = ref.columns[i]!, c = cur.columns[i]!;
      // CSV sniffing calls a column with no values VARCHAR: it takes the kind of the other side
      if (r.kind !== c.kind) {
        const empty = (p: Pulled) => p.kind === 'categorical' && p.values.every((v) => v === null);
        const nanOf = (p: Pulled): Pulled => ({ kind: 'numeric', values: new Float64Array(p.values.length).fill(NaN) });
        if (empty(r)) r = nanOf(r);
        else if (empty(c)) c = nanOf(c);
        else {
          skipped.push({ column: u.name, reason: `numeric in one file (${refFile.types.get(u.name)} / ${curFile.types.get(u.name)}) and categorical in the other` });
          continue;
        }
      }
      const kind = r.kind;
      const ra = r.kind === 'numeric' ? finiteValues(r.values) : presentCategories(r.values);
      const ca = c.kind === 'numeric' ? finiteValues(c.values) : presentCategories(c.values);
      const refSide = side(ref.rows, ra), curSide = side(cur.rows, ca);
      let choice;
      try {
        choice = chooseMethod({ name: u.name, kind, referenceRows: ra.used, currentRows: ca.used, distinctValues: distinctUpTo(ra.values, ca.values, config.lowCardinality) }, config);
      } catch (e) {
        if (e instanceof VigilError) throw new DriftReportError(`${e.message}${e.details.map((d) => `\n  ${d.field}: ${d.message}`).join('')}`, 2);
        throw e;
      }
      if (choice.status === 'no_data') {
        columns.push({ column: u.name, status: 'no_data', reason: choice.reason, reference: refSide, current: curSide });
        verdicts.push({ name: u.name, status: 'no_data' });
        continue;
      }
      const integer = u.ref.integer && u.cur.integer;
      const scored = r.kind === 'numeric' && c.kind === 'numeric'
        ? scoreNumeric(r.values, c.values, integer, choice.method, u.name)
        : scoreCategorical(ra.values as Category[], ca.values as Category[], choice.method, u.name);
      const drifted = isDrifted(choice.method, scored.main.pvalue ?? scored.main.statistic, choice.threshold);
      columns.push({
        column: u.name, kind, method: choice.method, statistic: num(scored.main.statistic), pvalue: scored.main.pvalue === null ? null : num(scored.main.pvalue),
        threshold: choice.threshold, drifted, reference: refSide, current: curSide, other: scored.other,
      });
      verdicts.push({ name: u.name, status: 'ok', drifted });
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
    conn.closeSync();
    instance.closeSync();
  }
}
