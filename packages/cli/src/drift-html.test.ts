import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { barsGeometry, formatNum, histogramGeometry, niceScale, renderDriftHtml, usableDistribution, type Distribution } from './drift-html.ts';
import type { ColumnReport, DriftReport, NoDataColumn } from './drift-report.ts';

const HOSTILE = '<script>alert(1)</script>';
const side = (rows: number, missing = 0, infinite = 0) => ({ rows, used: rows - missing - infinite, missing, infinite });
const numeric: Distribution = { kind: 'numeric', edges: [0, 1, 2, 3, 4], reference: [0.1, 0.4, 0.4, 0.1], current: [0.05, 0.15, 0.4, 0.4] };
const categorical: Distribution = { kind: 'categorical', categories: ['a', HOSTILE, '<img src=x onerror=alert(2)>', '(other)'], reference: [0.5, 0.3, 0.2, 0], current: [0.2, 0.3, 0.2, 0.3] };

// builds whether or not drift-report.ts has made `distribution` required yet
type Column = Omit<ColumnReport, 'distribution'> & { distribution?: Distribution };

function fixture(): DriftReport {
  const age: Column = {
    column: 'age', kind: 'numeric', method: 'ks', statistic: 0.25, pvalue: 1.6e-15, threshold: 0.05, drifted: true,
    reference: side(1000, 10), current: side(1200, 0, 3),
    other: { ks: { statistic: 0.25, pvalue: 1.6e-15 }, wasserstein: 0.44, wasserstein_normed: 0.43, psi: 0.24, psi_quantile: null, jensen_shannon: 0.17, hellinger: 0.17 },
    distribution: numeric,
  };
  const plan: Column = {
    column: HOSTILE, kind: 'categorical', method: 'chisquare', statistic: 'Infinity', pvalue: 0, threshold: 0.05, drifted: true,
    reference: side(1000), current: side(1200),
    other: { chisquare: { statistic: 'Infinity', pvalue: 0 }, chi2_contingency: { statistic: 72, pvalue: 1.6e-15 }, z: null, psi: 1.69, jensen_shannon: 0.28, hellinger: 'NaN' },
    distribution: categorical,
  };
  // no distribution: drift-report.ts may not give one yet
  const income: Column = {
    column: 'income', kind: 'numeric', method: 'wasserstein', statistic: 0.04, pvalue: null, threshold: 0.1, drifted: false,
    reference: side(1000), current: side(1200),
    other: { ks: null, wasserstein: 12.5, wasserstein_normed: 0.04, psi: 0.01, psi_quantile: 0.02, jensen_shannon: 0.03, hellinger: 0.02 },
  };
  const empty: NoDataColumn = { column: `score"'&`, status: 'no_data', reason: `column score has no values in the reference ${HOSTILE}`, reference: side(1000, 1000), current: side(1200) };
  return {
    reference: { file: 'data/a&b <ref>.csv', rows: 1000 },
    current: { file: 'data/cur.parquet', rows: 1200 },
    dataset: { drifted_columns: 2, columns_with_data: 3, share: 2 / 3, drift: true, threshold: 0.5 },
    columns: [income, age, plan, empty] as DriftReport['columns'],
    skipped: [{ column: 'user_id', reason: 'only in the reference file data/a&b <ref>.csv' }, { column: HOSTILE, reason: 'in neither file' }],
  };
}
const render = (r: DriftReport = fixture()) => renderDriftHtml(r, { generatedAt: '2025-01-02T03:04:05.000Z', version: '0.1.0' });

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'wbr']);
/** Every tag closed in order (escaping leaves `<` only in tags); the tag names seen, with counts. */
function tags(doc: string): Map<string, number> {
  const stack: string[] = [], seen = new Map<string, number>();
  for (const m of doc.matchAll(/<(\/?)([a-zA-Z][\w-]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m as unknown as [string, string, string, string];
    const tag = name.toLowerCase();
    if (close) assert.equal(stack.pop(), tag, `</${tag}> at ${m.index}`);
    else {
      seen.set(tag, (seen.get(tag) ?? 0) + 1);
      if (!self && !VOID.has(tag)) stack.push(tag);
    }
  }
  assert.deepEqual(stack, [], 'unclosed tags');
  return seen;
}
const body = (doc: string) => doc.slice(doc.indexOf('<body>'));

test('one well-formed document: verdict, a table with header cells, a details section and a chart per compared column', () => {
  const doc = render();
  assert.match(doc, /^<!doctype html>\n<html lang="en">/);
  const seen = tags(doc);
  assert.equal(seen.get('html'), 1);
  assert.equal(seen.get('style'), 1);
  assert.equal(seen.get('script'), undefined, 'no script element');
  assert.equal(doc.match(/<details class="column"/g)?.length, 3);
  assert.equal(doc.match(/<svg class="chart"[^>]*role="img"/g)?.length, 2, 'two charts: the third column has no distribution');
  assert.match(doc, /No distribution for this column/);
  assert.match(doc, /<h2 id="verdict-h">▲ Dataset drift detected<\/h2>/);
  assert.match(doc, /<strong>2 of 3<\/strong> compared columns drifted \(66\.7%\); the dataset drifts when 50% or more do\./);
  for (const h of ['column', 'kind', 'method', 'statistic', 'p-value', 'threshold', 'verdict', 'missing', 'infinite']) assert.match(doc, new RegExp(`<th scope="col"[^>]*>${h}</th>`), h);
  assert.match(doc, /<th scope="colgroup" colspan="2">reference<\/th>/);
  // drifted first, each group in file order; every link goes to a details section that exists
  const rows = [...doc.matchAll(/<tr><th scope="row"><a href="#(col-\d+)">([^<]*)<\/a>/g)];
  assert.deepEqual(rows.map((r) => r[2]), ['age', '&lt;script&gt;alert(1)&lt;/script&gt;', 'income']);
  for (const [, id] of rows) assert.match(doc, new RegExp(`<details class="column" id="${id}"`));
  // verdicts in words, not colour alone; drifted sections open
  assert.equal(doc.match(/<span class="badge drift">▲ drift<\/span>/g)?.length, 4);
  assert.match(doc, /<span class="badge ok">✓ no drift<\/span>/);
  assert.match(doc, /<details class="column" id="col-0" open>/);
  assert.match(doc, /<details class="column" id="col-2">/);
  // threshold as a rule, and why the verdict is what it is
  assert.match(doc, /<td>p ≤ 0\.05<\/td>/);
  assert.match(doc, /<td>≥ 0\.1<\/td>/);
  assert.match(doc, /statistic 0\.25, p = 1\.6e-15 ≤ 0\.05/);
  assert.match(doc, /0\.04 &lt; 0\.1/);
  // missing / infinite counts per side
  assert.match(doc, /<td class="num">10<\/td><td class="num"><span class="muted">0<\/span><\/td><td class="num"><span class="muted">0<\/span><\/td><td class="num">3<\/td>/);
  // no_data and skipped with their reasons
  assert.match(doc, /<strong>score&quot;&#39;&amp;<\/strong> <span class="badge nodata">– no data<\/span> — column score has no values/);
  assert.match(doc, /<strong>user_id<\/strong> — only in the reference file data\/a&amp;b &lt;ref&gt;\.csv/);
});

test('charts: titled SVG, labelled axes, the chosen statistic marked among all others', () => {
  const doc = render();
  for (const m of doc.matchAll(/<svg class="chart"[^>]*aria-labelledby="([^"]+)"/g)) {
    for (const id of m[1]!.split(' ')) assert.match(doc, new RegExp(`id="${id}"`), id);
  }
  assert.match(doc, /<title id="chart-0-t">Distribution of age: reference and current<\/title>/);
  assert.match(doc, /<title id="chart-1-t">Categories of &lt;script&gt;alert\(1\)&lt;\/script&gt;: reference and current<\/title>/);
  assert.match(doc, />share of rows<\/text>/);
  assert.match(doc, /<tr class="used"><th scope="row">Kolmogorov–Smirnov <span class="tag">used<\/span><\/th><td>0\.25<\/td><td>1\.6e-15<\/td><\/tr>/);
  assert.match(doc, /<tr class="used"><th scope="row">Chi-square \(goodness of fit\) <span class="tag">used<\/span><\/th><td>∞<\/td><td>0<\/td><\/tr>/);
  assert.match(doc, /<th scope="row">Two-proportion z<\/th><td><span class="muted">n\/a<\/span><\/td>/);
  assert.match(doc, /<th scope="row">Hellinger<\/th><td>NaN<\/td>/);
  assert.match(doc, /<th scope="row">\[3, 4\]<\/th><td>10%<\/td><td>40%<\/td>/, 'values table, the last bin closed');
});

test('every string from the data is escaped: names, categories, reasons, file paths', () => {
  const doc = render();
  assert.doesNotMatch(doc, /<script/i);
  assert.doesNotMatch(doc, /<img/i);
  assert.doesNotMatch(doc, /<[^>]*\sonerror=/i, 'no event handler inside a tag');
  assert.match(body(doc), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(doc, /&lt;img src=x onerror=alert\(2\)&gt;/);
  assert.match(doc, /<title>Drift report: cur\.parquet against a&amp;b &lt;ref&gt;\.csv<\/title>/);
  assert.match(doc, /<code>data\/a&amp;b &lt;ref&gt;\.csv<\/code>/);
  assert.doesNotMatch(body(doc), /&(?!(amp|lt|gt|quot|#39);)/, 'no bare ampersand');
});

test('self-contained: no URL but in-page anchors, no script, a CSP that allows only the inline style', () => {
  const doc = render();
  assert.doesNotMatch(doc, /<[a-z][^>]*\s(src|srcset|poster|data|action|xlink:href)\s*=/i, 'no attribute that loads anything');
  assert.doesNotMatch(doc, /url\(|@import|https?:\/\//i);
  for (const [, href] of doc.matchAll(/href="([^"]*)"/g)) assert.match(href!, /^#col-\d+$/);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(doc)?.[1];
  const style = /<style>([\s\S]*?)<\/style>/.exec(doc)![1]!;
  assert.equal(csp, `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; base-uri 'none'; form-action 'none'`);
  assert.doesNotMatch(body(doc), /\sstyle=/, 'no style attribute: the CSP would block it');
  assert.match(style, /prefers-color-scheme:dark/);
  assert.match(style, /@media print/);
});

test('dataset verdict without drift and without data', () => {
  const r = fixture();
  r.dataset = { drifted_columns: 1, columns_with_data: 3, share: 1 / 3, drift: false, threshold: 0.5 };
  assert.match(render(r), /<section class="verdict ok"[^>]*><h2 id="verdict-h">✓ No dataset drift<\/h2><p><strong>1 of 3<\/strong>/);
  const none: DriftReport = { ...r, dataset: { drifted_columns: 0, columns_with_data: 0, share: null, drift: null, threshold: 0.5 }, columns: [r.columns[3]!], skipped: [] };
  const doc = render(none);
  tags(doc);
  assert.match(doc, /No verdict: no column has data on both sides/);
  assert.match(doc, /No column could be compared\./);
  assert.doesNotMatch(doc, /class="meter"/);
});

test('formatNum', () => {
  const cases: [Parameters<typeof formatNum>[0], string][] = [
    [null, '—'], ['Infinity', '∞'], ['-Infinity', '-∞'], ['NaN', 'NaN'], [Infinity, '∞'], [0, '0'], [0.123456, '0.1235'],
    [12.5, '12.5'], [1234.56, '1235'], [0.05, '0.05'], [1.6e-15, '1.6e-15'], [2.27e-146, '2.27e-146'], [0.0005, '5e-4'], [-3.25, '-3.25'], [12_345_678, '1.23e7'],
  ];
  for (const [v, s] of cases) assert.equal(formatNum(v), s, String(v));
});

test('niceScale: round steps (1, 2, 2.5, 5 × 10ⁿ) covering the range', () => {
  const cases: [number, number, number, { lo: number; hi: number; step: number }][] = [
    [0, 0.43, 4, { lo: 0, hi: 0.6, step: 0.2 }], [0, 1, 5, { lo: 0, hi: 1, step: 0.2 }], [18, 90, 6, { lo: 0, hi: 100, step: 20 }],
    [-3.2, 4.1, 6, { lo: -4, hi: 6, step: 2 }], [5, 5, 4, { lo: 4.5, hi: 5.5, step: 0.25 }], [0, 0.0003, 3, { lo: 0, hi: 0.0003, step: 0.0001 }],
  ];
  for (const [lo, hi, n, want] of cases) {
    const s = niceScale(lo, hi, n);
    assert.deepEqual({ lo: s.lo, hi: s.hi, step: Number(s.step.toPrecision(12)) }, want, `${lo}..${hi}`);
    assert.equal(s.ticks.length, Math.round((s.hi - s.lo) / s.step) + 1);
  }
});

test('histogram geometry: bins side by side over the edges, densities for unequal bins', () => {
  const g = histogramGeometry(numeric as Extract<Distribution, { kind: 'numeric' }>);
  assert.equal(g.bins.length, 4);
  assert.equal(g.density, false);
  for (let i = 1; i < g.bins.length; i++) assert.equal(g.bins[i]!.x, Math.round((g.bins[i - 1]!.x + g.bins[i - 1]!.w) * 10) / 10);
  assert.ok(g.bins[0]!.x >= 50 && g.bins.at(-1)!.x + g.bins.at(-1)!.w <= g.width);
  assert.ok(g.bins[1]!.refY < g.bins[0]!.refY, 'a taller bar is higher');
  assert.match(g.currentPath, /^M[\d.]+ [\d.]+(V[\d.]+H[\d.]+){4}V[\d.]+$/);
  assert.deepEqual(g.xTicks.map((t) => t.label), ['0', '1', '2', '3', '4']);
  assert.equal(g.yTicks.at(-1)!.label, '40%');
  const uneven = histogramGeometry({ kind: 'numeric', edges: [0, 1, 10], reference: [0.5, 0.5], current: [0.5, 0.5] });
  assert.equal(uneven.density, true);
  assert.ok(uneven.bins[0]!.refY < uneven.bins[1]!.refY, 'the narrow bin is the denser');
});

test('bar geometry and which distributions are usable', () => {
  const long = 'x'.repeat(40);
  const g = barsGeometry({ kind: 'categorical', categories: ['a', long], reference: [0.75, 0.25], current: [0.25, 0.75] });
  assert.deepEqual(g.rows.map((r) => r.label), ['a', `${'x'.repeat(21)}…`]);
  assert.equal(g.rows[1]!.category, long);
  assert.equal(g.rows[0]!.refW, g.rows[1]!.curW);
  assert.equal(g.xTicks.at(-1)!.label, '80%');
  assert.equal(usableDistribution(undefined), null);
  assert.equal(usableDistribution(numeric), numeric);
  assert.equal(usableDistribution({ ...numeric, edges: [0, 1] } as Distribution), null, 'edges must be one more than bins');
  assert.equal(usableDistribution({ ...categorical, current: [0.5, 0.5] } as Distribution), null);
  assert.equal(usableDistribution({ ...numeric, reference: [NaN, 0, 0, 1] } as Distribution), null);
  assert.equal(usableDistribution({ kind: 'numeric', edges: [0, 2, 1], reference: [0.5, 0.5], current: [0.5, 0.5] }), null, 'edges must not decrease');
});

// ---------- the command (spawns the CLI, which reads the files with DuckDB)

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(REPO_ROOT, 'packages/cli/src/main.ts');
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
let dir = '';
const file = (name: string) => path.join(dir, name);
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-drift-html-'));
  const rows = (shift: number) => ['x,plan', ...Array.from({ length: 300 }, (_, i) => `${((i * 37) % 100) / 10 + shift},${['free', 'pro', '<b>team</b>'][(i + shift * 2) % 3]}`)].join('\n') + '\n';
  fs.writeFileSync(file('ref.csv'), rows(0));
  fs.writeFileSync(file('cur.csv'), rows(2));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('vigil drift --format html --output writes the page; without --output it goes to stdout', () => {
  const out = file('report.html');
  const r = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--format', 'html', '--output', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /wrote the html report to .*report\.html/);
  const doc = fs.readFileSync(out, 'utf8');
  tags(doc);
  assert.match(doc, /^<!doctype html>/);
  assert.match(doc, /<a href="#col-\d+">x<\/a>/);
  assert.match(doc, /<a href="#col-\d+">plan<\/a>/);
  assert.match(doc, /<meta name="generator" content="vigil \d+\.\d+\.\d+">/);
  assert.doesNotMatch(doc, /<b>/);

  const stdout = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--format', 'html', '--columns', 'x']);
  assert.equal(stdout.status, 0, stdout.stderr);
  assert.match(stdout.stdout, /^<!doctype html>[\s\S]*<\/html>\n$/);
});

test('vigil drift: json to a file, a bad format exits 2, an unwritable --output exits 1 before the work', () => {
  const json = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--output', file('report.json')]);
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual((JSON.parse(fs.readFileSync(file('report.json'), 'utf8')) as DriftReport).columns.map((c) => c.column), ['x', 'plan']);

  const bad = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--format', 'pdf']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format must be json or html, not "pdf"/);

  const missingDir = cli(['drift', '--reference', file('nope.csv'), '--current', file('cur.csv'), '--format', 'html', '--output', file('no/such/dir/r.html')]);
  assert.equal(missingDir.status, 1);
  assert.match(missingDir.stderr, /cannot write the report to .*r\.html: the folder .* does not exist; create it or choose another --output/);

  const folder = cli(['drift', '--reference', file('ref.csv'), '--current', file('cur.csv'), '--format', 'html', '--output', dir]);
  assert.equal(folder.status, 1);
  assert.match(folder.stderr, /is a folder; name a file in it/);
});
