import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { chiSquareContingency, isDrifted, ks2samp, wassersteinNormed } from '@vigil/core';
import { driftReport, type ColumnReport, type NoDataColumn, type NumericOther, type CategoricalOther } from './drift-report.ts';

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

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-drift-'));
  fs.writeFileSync(file('ref.csv'), ['x,cat,empty,only_ref', ...refX.map((x, i) => `${x},${refCat[i]},,${i}`)].join('\n') + '\n');
  fs.writeFileSync(file('cur.csv'), ['x,cat,empty,only_cur', ...curX.map((x, i) => `${x},${curCat[i]},,${i}`)].join('\n') + '\n');
  fs.writeFileSync(file('bad-config.json'), JSON.stringify({ numeric: { threshold: -1 } }));
  fs.writeFileSync(file('config.json'), JSON.stringify({ features: { x: { method: 'wasserstein', threshold: 0.3 } } }));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT * FROM read_csv_auto('${file('cur.csv')}')) TO '${file('cur.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const column = (columns: (ColumnReport | NoDataColumn)[], name: string) => columns.find((c) => c.column === name);

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
  const csv = await driftReport(file('ref.csv'), file('cur.csv'));
  const parquet = await driftReport(file('ref.csv'), file('cur.parquet'));
  assert.deepEqual(parquet.columns, csv.columns);
  const r = await driftReport(file('ref.csv'), file('cur.csv'), { columns: ['x', 'nope'], config: { driftShare: 0.5, smallReferenceRows: 1000, lowCardinality: 5, features: { x: { method: 'wasserstein', threshold: 0.3 } } } });
  assert.deepEqual(r.columns.map((c) => c.column), ['x']);
  const x = r.columns[0] as ColumnReport;
  assert.equal(x.method, 'wasserstein');
  assert.equal(x.pvalue, null);
  assert.equal(x.statistic, (x.other as NumericOther).wasserstein_normed);
  assert.equal(x.threshold, 0.3);
  assert.deepEqual(r.skipped, [{ column: 'nope', reason: 'in neither file' }]);
});

test('the command: JSON on stdout; a missing file exits 1, a bad config or --format html exits 2', () => {
  const ok = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--config', file('config.json'), '--columns', 'x,cat']);
  assert.equal(ok.status, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout) as { columns: ColumnReport[] };
  assert.deepEqual(doc.columns.map((c) => [c.column, c.method]), [['x', 'wasserstein'], ['cat', 'chisquare']]);

  const missing = cli(['drift', '--reference', file('nope.csv'), '--current', file('cur.csv')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /reference file .*nope\.csv does not exist/);

  const bad = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--config', file('bad-config.json')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad-config\.json is invalid/);
  assert.match(bad.stderr, /numeric\.threshold: /);

  const html = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--format', 'html']);
  assert.equal(html.status, 2);
  assert.match(html.stderr, /html is not available yet; use --format json/);
});
