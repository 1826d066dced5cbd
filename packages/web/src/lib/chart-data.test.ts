import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryAnswer, Series } from '../api/query.ts';
import { alignSeries, colorIndices, countPoints, isolatedIndices, seriesLabel, thresholdColor, type Point, type Threshold } from './chart-data.ts';
import { barData, heatmapCells, lastTwo, seriesStats, sortRows, sparklinePath, statValues, tableData } from './panel-data.ts';

const T0 = Date.UTC(2026, 0, 1);
const STEP = 60_000;

function answer(series: Series[], metric = 'latency.p99'): QueryAnswer {
  return { metric, unit: 'ms', from: T0, to: T0 + 10 * STEP, step_ms: STEP, source: 'rollup', series };
}
/** A series on the shared grid from values (null = gap). */
const s = (values: (number | null)[], labels: Record<string, string> = {}): Series => ({ labels, points: values.map((v, i): Point => [T0 + i * STEP, v]) });

test('series labels: sorted key=value pairs, or the metric name', () => {
  const cases: [Record<string, string>, string][] = [
    [{}, 'latency.p99'],
    [{ model: 'fraud' }, 'model=fraud'],
    [{ version: 'v2', model: 'fraud' }, 'model=fraud, version=v2'],
  ];
  for (const [labels, want] of cases) assert.equal(seriesLabel(labels, 'latency.p99'), want);
});

test('colour indices are stable per label, distinct while the palette lasts', () => {
  const a = colorIndices(['model=a', 'model=b', 'model=c']);
  assert.equal(new Set(a).size, 3);
  // the same labels in another order keep their colours
  const b = colorIndices(['model=c', 'model=a', 'model=b']);
  assert.deepEqual([b[1], b[2], b[0]], a);
  // a label alone takes its own colour; with others it keeps it unless a sorted-earlier label took it
  const alone = colorIndices(['model=a'])[0];
  assert.equal(a[0], alone);
  assert.equal(new Set(colorIndices(['a', 'b', 'c', 'd', 'e', 'f'])).size, 6);
  const many = colorIndices(Array.from({ length: 14 }, (_, i) => `s${i}`));
  assert.ok(many.every((c) => c >= 0 && c < 6));
  assert.deepEqual(colorIndices([]), []);
});

test('thresholds: the highest threshold reached wins; below all is the base colour', () => {
  const th: Threshold[] = [
    { value: 500, color: 'red' },
    { value: 200, color: 'amber' },
  ];
  const cases: [number | null, Threshold[] | undefined, string | null][] = [
    [100, th, 'green'],
    [200, th, 'amber'],
    [499.9, th, 'amber'],
    [500, th, 'red'],
    [1e9, th, 'red'],
    [-5, th, 'green'],
    [null, th, 'grey'],
    [NaN, th, 'grey'],
    [100, undefined, null],
    [100, [], null],
    // low is bad: a threshold at the bottom of the range
    [0.2, [{ value: 0, color: 'red' }, { value: 0.9, color: 'green' }], 'red'],
    [0.95, [{ value: 0, color: 'red' }, { value: 0.9, color: 'green' }], 'green'],
  ];
  for (const [v, t, want] of cases) assert.equal(thresholdColor(v, t), want, `${v}`);
  assert.equal(thresholdColor(1, th, 'blue'), 'blue');
});

test('alignment on a shared grid: x in seconds, gaps stay null, never zero', () => {
  const a = alignSeries(answer([s([1, null, 3], { model: 'b' }), s([null, null, null], { model: 'a' })]));
  assert.deepEqual([...a.data[0]], [T0 / 1000, T0 / 1000 + 60, T0 / 1000 + 120]);
  assert.deepEqual(a.data[1], [1, null, 3]);
  assert.deepEqual(a.data[2], [null, null, null]);
  assert.deepEqual(a.labels, ['model=b', 'model=a']);
  assert.equal(a.points, 2);
  assert.notEqual(a.colors[0], a.colors[1]);
});

test('alignment of series on different grids: the union of timestamps, missing steps are gaps', () => {
  const x: Series = { labels: { k: 'x' }, points: [[T0 + 2 * STEP, 5], [T0, 4]] }; // unsorted on purpose
  const y: Series = { labels: { k: 'y' }, points: [[T0 + STEP, 0], [T0 + 2 * STEP, null]] };
  const a = alignSeries(answer([x, y]));
  assert.deepEqual([...a.data[0]].map((t) => t * 1000 - T0), [0, STEP, 2 * STEP]);
  assert.deepEqual(a.data[1], [4, null, 5]);
  assert.deepEqual(a.data[2], [null, 0, null]); // a real zero stays zero, a gap stays null
  assert.equal(a.points, 3);
});

test('empty answers', () => {
  const none = alignSeries(answer([]));
  assert.equal(none.data.length, 1);
  assert.equal(none.data[0].length, 0);
  assert.equal(none.points, 0);
  const emptySeries = alignSeries(answer([s([])]));
  assert.deepEqual(emptySeries.data.slice(1), [[]]);
  const cases: [QueryAnswer | null, number][] = [
    [null, 0],
    [answer([]), 0],
    [answer([s([])]), 0],
    [answer([s([null, null]), s([null])]), 0],
    [answer([s([null, 0]), s([null, 2, 3])]), 3],
  ];
  for (const [a, n] of cases) assert.equal(countPoints(a), n);
});

test('series stats skip gaps', () => {
  const cases: [(number | null)[], Partial<ReturnType<typeof seriesStats>>][] = [
    [[], { count: 0, last: null, min: null, max: null, mean: null, sum: null, previous: null }],
    [[null, null], { count: 0, last: null, min: null, max: null, mean: null, sum: null }],
    [[2, null, 4, null], { count: 2, last: 4, previous: 2, min: 2, max: 4, mean: 3, sum: 6, lastAt: T0 + 2 * STEP }],
    [[-1, 0, 7], { count: 3, last: 7, previous: 0, min: -1, max: 7, mean: 2, sum: 6 }],
  ];
  for (const [values, want] of cases) {
    const got = seriesStats(s(values).points);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${JSON.stringify(values)} ${k}`);
  }
});

test('stat: last non-null value and its trend from the previous non-null one', () => {
  const cases: [(number | null)[], number | null, number | null, string | null][] = [
    [[1, 2, null], 2, 1, 'up'],
    [[5, null, 3, null, null], 3, 5, 'down'],
    [[4, 4], 4, 4, 'flat'],
    [[null, 9], 9, null, null],
    [[null, null], null, null, null],
  ];
  for (const [values, last, previous, trend] of cases) {
    const [v] = statValues(answer([s(values)]));
    assert.equal(v?.last, last, JSON.stringify(values));
    assert.equal(v?.previous, previous);
    assert.equal(v?.trend, trend);
    assert.equal(v?.label, 'latency.p99');
  }
  assert.deepEqual(lastTwo([]), { last: null, lastAt: null, previous: null });
});

test('bars: last value (or sum) per series on a shared axis through zero', () => {
  const a = answer([s([1, 10], { m: 'a' }), s([5, null], { m: 'b' }), s([null, null], { m: 'c' })]);
  const last = barData(a);
  assert.deepEqual(last.map((b) => [b.label, b.value, b.start, b.size]), [
    ['m=a', 10, 0, 1],
    ['m=b', 5, 0, 0.5],
    ['m=c', null, 0, 0],
  ]);
  assert.deepEqual(barData(a, 'sum').map((b) => b.value), [11, 5, null]);
  const neg = barData(answer([s([-5]), s([15])]));
  assert.deepEqual(neg.map((b) => [b.start, b.size]), [
    [0, 0.25],
    [0.25, 0.75],
  ]);
  assert.deepEqual(barData(answer([])), []);
});

test('table: one row per series with label columns, sortable with empty rows last', () => {
  const t = tableData(answer([s([3, null, 1], { model: 'a', version: 'v1' }), s([null], { model: 'b' }), s([10, 20], { model: 'c' })]));
  assert.deepEqual(t.labelKeys, ['model', 'version']);
  assert.deepEqual(t.rows.map((r) => [r.label, r.last, r.min, r.max, r.mean]), [
    ['model=a, version=v1', 1, 1, 3, 2],
    ['model=b', null, null, null, null],
    ['model=c', 20, 10, 20, 15],
  ]);
  assert.deepEqual(sortRows(t.rows, 'mean', 'desc').map((r) => r.labels.model), ['c', 'a', 'b']);
  assert.deepEqual(sortRows(t.rows, 'mean', 'asc').map((r) => r.labels.model), ['a', 'c', 'b']);
  assert.deepEqual(sortRows(t.rows, 'label:version', 'asc').map((r) => r.labels.model), ['a', 'b', 'c']);
  assert.deepEqual(sortRows(t.rows, 'label', 'desc').map((r) => r.labels.model), ['c', 'b', 'a']);
});

test('heatmap: time × series with empty cells as NaN and min/max over data', () => {
  const h = heatmapCells(answer([s([1, null, 3, 4], { le: '0.50' }), s([null, null, null, null], { le: '1.00' })]));
  assert.deepEqual(h.rows, ['le=0.50', 'le=1.00']);
  assert.equal(h.cols, 4);
  assert.deepEqual([...h.values.subarray(0, 4)], [1, NaN, 3, 4]);
  assert.ok([...h.values.subarray(4)].every(Number.isNaN));
  assert.equal(h.min, 1);
  assert.equal(h.max, 4);
  assert.equal(h.end, T0 + 4 * STEP);
  // more steps than columns: means of each run's non-null values
  const m = heatmapCells(answer([s([1, 3, null, null, 5, null])]), 3);
  assert.equal(m.cols, 3);
  assert.deepEqual([...m.values], [2, NaN, 5]);
  assert.deepEqual([...m.times].map((t) => (t - T0) / STEP), [0, 2, 4]);
  const none = heatmapCells(answer([]));
  assert.equal(none.cols, 0);
  assert.equal(none.min, null);
});

test('sparkline path: gaps lift the pen, lone points become dots', () => {
  const cases: [(number | null)[], string][] = [
    [[], ''],
    [[null, null], ''],
    [[0, 10], 'M0 10L100 0'],
    [[0, null, 10], 'M0 10h0M100 0h0'],
    [[0, 5, null, 10], 'M0 10L33.3 5M100 0h0'],
    [[7, 7, 7], 'M0 5L50 5L100 5'],
  ];
  for (const [values, want] of cases) assert.equal(sparklinePath(s(values).points, 100, 10), want, JSON.stringify(values));
});

test('100,000-point series: aligned and reduced in one pass, gaps kept', () => {
  const n = 100_000;
  const points: Point[] = new Array(n);
  for (let i = 0; i < n; i++) points[i] = [T0 + i * 1000, i % 1000 === 0 ? null : Math.sin(i / 500)];
  const a = answer([{ labels: { model: 'a' }, points }, { labels: { model: 'b' }, points: points.map(([t, v]): Point => [t, v === null ? null : v * 2]) }]);
  const al = alignSeries(a);
  assert.equal(al.data[0].length, n);
  assert.equal(al.data[1]?.[0], null);
  assert.equal(al.data[2]?.[1000], null);
  assert.equal(al.points, 2 * (n - 100));
  const path = sparklinePath(points, 100, 20, 200);
  assert.ok((path.match(/[ML]/g) ?? []).length <= 200, 'decimated to at most maxPoints');
  assert.equal(heatmapCells(a, 500).cols, 500);
  assert.equal(tableData(a).rows[0]?.count, n - 100);
});

test('isolatedIndices: values with a gap on both sides, which a line cannot draw', () => {
  assert.deepEqual(isolatedIndices([null, 1, null, 2, 3, null, 4]), [1, 6]);
  assert.deepEqual(isolatedIndices([5]), [0]);
  assert.equal(isolatedIndices([1, 2, 3]), null);
  assert.equal(isolatedIndices([null, null]), null);
  assert.equal(isolatedIndices([]), null);
});
