import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  chiSquareContingency, chiSquareGoodnessOfFit, hellinger, isDrifted, jensenShannon, ks2samp, psi, wasserstein, wassersteinNormed,
  type DistanceResult,
} from '@vigil/core';
import { driftReport, DriftReportError, type CategoricalOther, type ColumnReport, type DriftReport, type NoDataColumn, type NumericOther } from './drift-report.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(REPO_ROOT, 'packages/cli/src/main.ts');
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });

let dir = '';
const file = (name: string) => path.join(dir, name);

// deterministic samples: a numeric column shifted by half a standard deviation, a category the
// reference never saw, a column in one file only, a column with no values
const N = 200;
let seed = 42;
const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
const refX = Array.from({ length: N }, () => gauss());
const curX = Array.from({ length: N }, () => gauss() + 0.5);
const refCat = Array.from({ length: N }, (_, i) => ['a', 'b', 'c'][i % 3]!);
const curCat = Array.from({ length: N }, (_, i) => ['a', 'b', 'c', 'd'][i % 4]!);

// ---------- a wider data set for the readers: every kind of value the fast CSV reader handles

interface Wide { header: string[]; rows: string[][]; numeric: Record<string, (number | null)[]>; categorical: Record<string, (string | null)[]> }

/** `rows` rows; `shift` moves the current data. Numbers as JavaScript prints them (up to 17 digits), some written by hand. */
function wide(rows: number, shift: number): Wide {
  const header = ['x', 'ties', 'n', 'big', 'few', 'flag', 'const', 'cat', 'city', 'late_empty'];
  const numeric: Wide['numeric'] = { x: [], ties: [], n: [], big: [], few: [], flag: [], const: [] };
  const categorical: Wide['categorical'] = { cat: [], city: [] };
  const out: string[][] = [];
  const cities = ['Zürich', '東京', 'São Paulo', 'Oslo', 'Kraków'];
  for (let i = 0; i < rows; i++) {
    const x = i % 97 === 5 ? null : gauss() + shift;
    const tie = i % 13 === 0 ? -0 : Math.round((gauss() + shift) * 10) / 10;
    const n = i % 41 === 3 ? null : Math.floor(uniform() * 50 + shift * 10) - 20;
    const big = 10 ** 17 + Math.floor(uniform() * 1000) * 1024;
    const few = Math.floor(uniform() * (shift ? 4 : 3));
    const flag = uniform() < 0.3 + shift / 5 ? 1 : 0;
    const cat = i % 50 === 7 ? null : ['alpha', 'beta', 'gamma', ...(shift ? ['delta'] : [])][Math.floor(uniform() * (shift ? 4 : 3))]!;
    const city = cities[(i * 7 + (shift ? 1 : 0)) % cities.length]!;
    numeric.x!.push(x); numeric.ties!.push(tie); numeric.n!.push(n); numeric.big!.push(big); numeric.few!.push(few); numeric.flag!.push(flag); numeric.const!.push(7.5);
    categorical.cat!.push(cat); categorical.city!.push(city);
    out.push([
      x === null ? '' : String(x), Object.is(tie, -0) ? '-0.0' : tie.toFixed(1), n === null ? '' : String(n), String(big), String(few), String(flag), '7.5',
      cat ?? '', city, '',
    ]);
  }
  return { header, rows: out, numeric, categorical };
}

const csv = (w: Wide, map: (cells: string[], i: number) => string[] = (c) => c) => [w.header.join(','), ...w.rows.map((r, i) => map(r, i).join(','))].join('\n') + '\n';

let wideRef: Wide, wideCur: Wide;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-drift-'));
  fs.writeFileSync(file('ref.csv'), ['x,cat,empty,only_ref', ...refX.map((x, i) => `${x},${refCat[i]},,${i}`)].join('\n') + '\n');
  fs.writeFileSync(file('cur.csv'), ['x,cat,empty,only_cur', ...curX.map((x, i) => `${x},${curCat[i]},,${i}`)].join('\n') + '\n');
  fs.writeFileSync(file('bad-config.json'), JSON.stringify({ numeric: { threshold: -1 } }));
  fs.writeFileSync(file('config.json'), JSON.stringify({ features: { x: { method: 'wasserstein', threshold: 0.3 } } }));
  wideRef = wide(3000, 0);
  wideCur = wide(2500, 0.4);
  fs.writeFileSync(file('wide-ref.csv'), csv(wideRef));
  // the current file's late_empty column has values, and its last line no \n
  fs.writeFileSync(file('wide-cur.csv'), csv(wideCur, (c, i) => [...c.slice(0, 9), String(i % 5)]).slice(0, -1));
  // ~3 MB, so that the fast reader splits it in parts
  fs.writeFileSync(file('big-ref.csv'), csv(wide(40_000, 0)));
  fs.writeFileSync(file('big-cur.csv'), csv(wide(36_000, 0.2)));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT * FROM read_csv_auto('${file('cur.csv')}')) TO '${file('cur.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const column = (columns: (ColumnReport | NoDataColumn)[], name: string) => columns.find((c) => c.column === name);
const valueOf = (r: DistanceResult) => (r.status === 'ok' ? r.value : NaN);

test('a shifted numeric column: verdict and statistic as the core functions give them', async () => {
  const r = await driftReport(file('ref.csv'), file('cur.csv'));
  const x = column(r.columns, 'x') as ColumnReport;
  const ks = ks2samp(Float64Array.from(refX), Float64Array.from(curX))!;
  assert.equal(x.kind, 'numeric');
  assert.equal(x.method, 'ks');
  assert.equal(x.statistic, ks.statistic);
  assert.equal(x.pvalue, ks.pvalue);
  assert.equal(x.threshold, 0.05);
  assert.equal(x.drifted, isDrifted('ks', ks.pvalue, 0.05));
  assert.equal(x.drifted, true);
  assert.deepEqual(x.reference, { rows: N, used: N, missing: 0, infinite: 0 });
  const other = x.other as NumericOther;
  assert.deepEqual(other.ks, { statistic: ks.statistic, pvalue: ks.pvalue });
  const wn = wassersteinNormed(refX, curX);
  assert.equal(other.wasserstein_normed, wn.status === 'ok' ? wn.value : NaN);
  for (const k of ['psi', 'psi_quantile', 'jensen_shannon', 'hellinger', 'wasserstein'] as const) assert.equal(typeof other[k], 'number', k);
});

test('an unseen category, a column in one file, a column with no values; dataset drift', async () => {
  const r = await driftReport(file('ref.csv'), file('cur.csv'));
  const cat = column(r.columns, 'cat') as ColumnReport;
  assert.equal(cat.kind, 'categorical');
  assert.equal(cat.method, 'chisquare');
  // goodness of fit: the unseen 'd' has expected count 0, so the statistic is +Infinity (scipy's too)
  assert.equal(cat.statistic, 'Infinity');
  assert.equal(cat.pvalue, 0);
  assert.equal(cat.drifted, true);
  const count = (v: string[]) => v.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});
  const contingency = chiSquareContingency(count(refCat), count(curCat))!;
  assert.deepEqual((cat.other as CategoricalOther).chi2_contingency, { statistic: contingency.statistic, pvalue: contingency.pvalue });
  assert.equal((cat.other as CategoricalOther).z, null);

  assert.deepEqual(column(r.columns, 'empty'), {
    column: 'empty', status: 'no_data', reason: 'column empty has no values in the reference',
    reference: { rows: N, used: 0, missing: N, infinite: 0 }, current: { rows: N, used: 0, missing: N, infinite: 0 },
  });
  assert.deepEqual(r.skipped.map((s) => s.column).sort(), ['only_cur', 'only_ref']);
  assert.match(r.skipped.find((s) => s.column === 'only_ref')!.reason, /only in the reference file/);
  assert.deepEqual(r.dataset, { drifted_columns: 2, columns_with_data: 2, share: 1, drift: true, threshold: 0.5 });
});

test('parquet reads as the CSV does; --columns and a config narrow and steer the report', async () => {
  const csvReport = await driftReport(file('ref.csv'), file('cur.csv'));
  const parquet = await driftReport(file('ref.csv'), file('cur.parquet'));
  assert.deepEqual(parquet.columns, csvReport.columns);
  const r = await driftReport(file('ref.csv'), file('cur.csv'), { columns: ['x', 'nope'], config: { driftShare: 0.5, smallReferenceRows: 1000, lowCardinality: 5, features: { x: { method: 'wasserstein', threshold: 0.3 } } } });
  assert.deepEqual(r.columns.map((c) => c.column), ['x']);
  const x = r.columns[0] as ColumnReport;
  assert.equal(x.method, 'wasserstein');
  assert.equal(x.pvalue, null);
  assert.equal(x.statistic, (x.other as NumericOther).wasserstein_normed);
  assert.equal(x.threshold, 0.3);
  assert.deepEqual(r.skipped, [{ column: 'nope', reason: 'in neither file' }]);
});

test('every statistic of every column is the core function\'s on the raw values (fast reader, worker threads)', async () => {
  const r = await driftReport(file('wide-ref.csv'), file('wide-cur.csv'), { threads: 2 });
  assert.deepEqual(r.skipped, []);
  const num = (v: number) => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
  for (const name of Object.keys(wideRef.numeric)) {
    const ref = Float64Array.from(wideRef.numeric[name]!, (v) => v ?? NaN), cur = Float64Array.from(wideCur.numeric[name]!, (v) => v ?? NaN);
    const c = column(r.columns, name) as ColumnReport;
    const integer = ['n', 'big', 'few', 'flag'].includes(name);
    const opts = { kind: 'numeric' as const, integer };
    const ks = ks2samp(ref, cur)!;
    assert.deepEqual(c.other, {
      ks: { statistic: num(ks.statistic), pvalue: num(ks.pvalue) },
      wasserstein: num(valueOf(wasserstein(ref, cur))), wasserstein_normed: num(valueOf(wassersteinNormed(ref, cur))),
      psi: num(valueOf(psi(ref, cur, opts))), psi_quantile: num(valueOf(psi(ref, cur, { kind: 'numeric', binning: 'reference-quantiles' }))),
      jensen_shannon: num(valueOf(jensenShannon(ref, cur, opts))), hellinger: num(valueOf(hellinger(ref, cur, opts))),
    }, name);
    const missing = (a: Float64Array) => a.filter((v) => Number.isNaN(v)).length;
    assert.deepEqual(c.reference, { rows: 3000, used: 3000 - missing(ref), missing: missing(ref), infinite: 0 }, name);
    const d = c.distribution;
    assert.equal(d.kind, 'numeric');
    if (d.kind === 'numeric') {
      assert.equal(d.edges.length, d.reference.length + 1, name);
      assert.ok(Math.abs(d.reference.reduce((a, b) => a + b, 0) - 1) < 1e-9 && Math.abs(d.current.reduce((a, b) => a + b, 0) - 1) < 1e-9, name);
    }
  }
  for (const name of Object.keys(wideRef.categorical)) {
    const ref = wideRef.categorical[name]!.filter((v): v is string => v !== null), cur = wideCur.categorical[name]!.filter((v): v is string => v !== null);
    const counts = (v: string[]) => v.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
    const c = column(r.columns, name) as ColumnReport;
    const opts = { kind: 'categorical' as const };
    const gof = chiSquareGoodnessOfFit(counts(ref), counts(cur))!, ct = chiSquareContingency(counts(ref), counts(cur))!;
    assert.deepEqual(c.other, {
      chisquare: { statistic: num(gof.statistic), pvalue: num(gof.pvalue) }, chi2_contingency: { statistic: num(ct.statistic), pvalue: num(ct.pvalue) }, z: null,
      psi: num(valueOf(psi(ref, cur, opts))), jensen_shannon: num(valueOf(jensenShannon(ref, cur, opts))), hellinger: num(valueOf(hellinger(ref, cur, opts))),
    }, name);
    assert.equal(c.distribution.kind, 'categorical');
  }
  const city = column(r.columns, 'city') as ColumnReport;
  assert.deepEqual(city.distribution.kind === 'categorical' && [...city.distribution.categories].sort(), ['Kraków', 'Oslo', 'São Paulo', 'Zürich', '東京']);
  // a column empty in the reference (sniffed VARCHAR) and numeric in the current: no data, as before
  assert.equal((column(r.columns, 'late_empty') as NoDataColumn).status, 'no_data');
});

const sameReport = (a: DriftReport, b: DriftReport, what: string) => {
  assert.deepEqual(a.columns, b.columns, what);
  assert.deepEqual(a.dataset, b.dataset, what);
  assert.deepEqual(a.skipped, b.skipped, what);
  assert.deepEqual([a.reference.rows, a.current.rows], [b.reference.rows, b.current.rows], what);
};

/** The report and which reader read each side (with the reason for DuckDB). */
async function reportWith(ref: string, cur: string, opts: Parameters<typeof driftReport>[2] = {}) {
  const readers: string[] = [];
  const report = await driftReport(ref, cur, { ...opts, onRead: (i) => readers.push(`${i.side}: ${i.reader}${i.reason ? ` (${i.reason})` : ''}`) });
  return { report, readers: readers.sort() };
}

test('the fast reader in parts on worker threads, in this thread, and DuckDB give the same report', async () => {
  const viaDuckdb = await reportWith(file('big-ref.csv'), file('big-cur.csv'), { reader: 'duckdb', threads: 0 });
  assert.deepEqual(viaDuckdb.readers, ['current: duckdb (asked for)', 'reference: duckdb (asked for)']);
  for (const threads of [3, 0]) {
    const fast = await reportWith(file('big-ref.csv'), file('big-cur.csv'), { threads });
    assert.deepEqual(fast.readers, ['current: fast-csv', 'reference: fast-csv']);
    sameReport(fast.report, viaDuckdb.report, `${threads} threads`);
  }
  const wideFast = await reportWith(file('wide-ref.csv'), file('wide-cur.csv'));
  assert.deepEqual(wideFast.readers, ['current: fast-csv', 'reference: fast-csv']);
  sameReport(wideFast.report, await driftReport(file('wide-ref.csv'), file('wide-cur.csv'), { reader: 'duckdb' }), 'wide');
});

test('files outside the fast reader\'s subset are read by DuckDB, with the same report', async () => {
  const lines = csv(wideCur).trimEnd().split('\n');
  const edit = (at: number, f: (line: string) => string) => lines.map((l, i) => (i === at ? f(l) : l)).join('\n');
  const variants: [string, string, RegExp][] = [
    ['quoted.csv', edit(10, (l) => l.replace('alpha', '"alpha"')), /a quote or carriage return/],
    ['crlf.csv', lines.join('\r\n'), /a header with quotes, a carriage return/],
    ['spaces.csv', edit(10, (l) => l.replace('alpha', ' alpha')), /a value with spaces around it/],
    ['exponent.csv', edit(10, (l) => `1e-3${l.slice(l.indexOf(','))}`), /not a plain number/],
    ['infinity.csv', edit(10, (l) => `inf${l.slice(l.indexOf(','))}`), /not a number/],
  ];
  for (const [name, text, why] of variants) {
    fs.writeFileSync(file(name), text + '\n');
    const a = await reportWith(file('wide-ref.csv'), file(name), { threads: 2 });
    assert.equal(a.readers[1], 'reference: fast-csv', name);
    assert.match(a.readers[0]!, why, name);
    sameReport(a.report, await driftReport(file('wide-ref.csv'), file(name), { reader: 'duckdb', threads: 0 }), name);
  }
  const inf = await driftReport(file('wide-ref.csv'), file('infinity.csv'));
  assert.equal((column(inf.columns, 'x') as ColumnReport).current.infinite, 1);
  // a BOOLEAN column in both files: DuckDB reads them
  for (const [name, w] of [['bool-ref.csv', wideRef], ['bool-cur.csv', wideCur]] as const) fs.writeFileSync(file(name), csv({ ...w, header: [...w.header, 'ok'] }, (c, i) => [...c, i % 3 ? 'true' : 'false']));
  const bool = await reportWith(file('bool-ref.csv'), file('bool-cur.csv'));
  assert.deepEqual(bool.readers, ['current: duckdb (column ok is BOOLEAN)', 'reference: duckdb (column ok is BOOLEAN)']);
  assert.equal((column(bool.report.columns, 'ok') as ColumnReport).kind, 'categorical');
});

test('the fast reader takes DuckDB\'s types: integers first and decimals further on make a DOUBLE column', async () => {
  const w = wide(12_000, 0);
  fs.writeFileSync(file('late-decimals.csv'), csv(w, (c, i) => (i > 6000 ? [c[0]!, c[1]!, `${c[2] || 0}.5`, ...c.slice(3)] : c)));
  const fast = await reportWith(file('wide-ref.csv'), file('late-decimals.csv'), { threads: 2 });
  const slow = await reportWith(file('wide-ref.csv'), file('late-decimals.csv'), { reader: 'duckdb', threads: 0 });
  assert.deepEqual(fast.readers, ['current: fast-csv', 'reference: fast-csv']);
  sameReport(fast.report, slow.report, 'late decimals');
  assert.equal((column(fast.report.columns, 'n') as ColumnReport).kind, 'numeric');
});

test('a method that does not fit a numeric column, found in a worker thread, is a usage error', async () => {
  await assert.rejects(
    driftReport(file('wide-ref.csv'), file('wide-cur.csv'), { threads: 2, config: { driftShare: 0.5, smallReferenceRows: 1000, lowCardinality: 5, features: { x: { method: 'z' } } } }),
    (e: unknown) => e instanceof DriftReportError && e.exitCode === 2 && /drift method z needs a column with at most two values; column x has/.test(e.message),
  );
});

test('the command: JSON on stdout; a missing file exits 1, a bad config or an unknown format exits 2', () => {
  const ok = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--config', file('config.json'), '--columns', 'x,cat']);
  assert.equal(ok.status, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout) as { columns: ColumnReport[] };
  assert.deepEqual(doc.columns.map((c) => [c.column, c.method]), [['x', 'wasserstein'], ['cat', 'chisquare']]);
  assert.deepEqual(doc.columns.map((c) => c.distribution.kind), ['numeric', 'categorical']);

  const missing = cli(['drift', '--reference', file('nope.csv'), '--current', file('cur.csv')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /reference file .*nope\.csv does not exist/);

  const bad = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--config', file('bad-config.json')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad-config\.json is invalid/);
  assert.match(bad.stderr, /numeric\.threshold: /);

  const format = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--format', 'xml']);
  assert.equal(format.status, 2);
  assert.match(format.stderr, /--format must be json or html/);
});
