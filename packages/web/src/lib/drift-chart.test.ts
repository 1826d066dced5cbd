import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bulkRange, categoryBars, driftSparkline, equalWidths, firstTrafficDay, fromLocalInput, multivariateData, numericOverlay, overlayScale, spreadIndices, stepPath, toLocalInput } from './drift-chart.ts';

test('overlay scale: a value axis for even, finite edges; slots for open or very unequal bins', () => {
  const cases: [(number | null)[], 'value' | 'bins'][] = [
    [[0, 1, 2, 3], 'value'],
    [[0, 1, 2, 30], 'bins'], // the last bin is 28× the median
    [[0, 1, 2, 9], 'value'],
    [[null, 1, 2, null], 'bins'], // open outer bins come as null in JSON
    [[0, 1, 1, 2], 'bins'], // an empty-width bin cannot be drawn by density
    [[5], 'bins'],
  ];
  for (const [edges, want] of cases) assert.equal(overlayScale(edges), want, JSON.stringify(edges));
  assert.deepEqual([equalWidths([0, 0.1, 0.2, 0.3]), equalWidths([0, 1, 3]), equalWidths([null, 1, 2])], [true, false, false]);
});

test('numeric overlay on a value axis: heights by density, so a wide bin is not mistaken for a tall one', () => {
  const o = numericOverlay({ kind: 'numeric', edges: [0, 1, 3], reference: [0.5, 0.5], current: [0.2, 0.8] });
  assert.equal(o.scale, 'value');
  assert.deepEqual(o.xs, [0, 1 / 3, 1]);
  // densities 0.5, 0.25 (reference) and 0.2, 0.4 (current), over the tallest 0.5
  assert.deepEqual(o.reference, [1, 0.5]);
  assert.deepEqual(o.current, [0.4, 0.8]);
  assert.deepEqual(o.bins, [
    { label: '0 – 1', reference: 0.5, current: 0.2 },
    { label: '1 – 3', reference: 0.5, current: 0.8 },
  ]);
  assert.deepEqual(o.ticks.map((t) => t.label), ['0', '1', '3']);
});

test('numeric overlay in slots: heights by proportion, open ends labelled, forced scale respected when it can be', () => {
  const d = { kind: 'numeric' as const, edges: [null, 10, 20, null] as unknown as number[], reference: [0.25, 0.5, 0.25], current: [0.1, 0.4, 0.5] };
  const o = numericOverlay(d);
  assert.equal(o.scale, 'bins');
  assert.deepEqual(o.xs, [0, 1 / 3, 2 / 3, 1]);
  assert.deepEqual(o.reference, [0.5, 1, 0.5]);
  assert.deepEqual(o.bins.map((b) => b.label), ['< 10', '10 – 20', '≥ 20']);
  assert.deepEqual(o.ticks.map((t) => t.label), ['10', '20']);
  assert.equal(numericOverlay(d, 'value').scale, 'bins', 'open edges cannot go on a value axis');
  assert.equal(numericOverlay({ kind: 'numeric', edges: [0, 1, 2], reference: [0.5, 0.5], current: [0.5, 0.5] }, 'bins').scale, 'bins');
  // mismatched lengths use what lines up; zeros everywhere give flat zero heights
  const z = numericOverlay({ kind: 'numeric', edges: [0, 1, 2, 3], reference: [0, 0], current: [0, 0, 0] });
  assert.deepEqual([z.reference, z.current], [[0, 0], [0, 0]]);
});

test('long tails are left off the plot and said so; every bin stays in the table', () => {
  const d = { kind: 'numeric' as const, edges: [0, 1, 2, 3, 4, 5, 6, 7], reference: [0.001, 0.6, 0.3, 0.098, 0.001, 0, 0], current: [0, 0.3, 0.4, 0.29, 0.005, 0.004, 0.001] };
  assert.deepEqual(bulkRange(d, 0.002), { from: 1, to: 6 });
  assert.deepEqual(bulkRange(d, 0.01), { from: 1, to: 4 }, 'the tail holds 1 % of current together');
  assert.deepEqual(bulkRange(d, 0.5), { from: 1, to: 4 }, 'at least three bins stay');
  const o = numericOverlay(d, undefined, 7, 0.002);
  assert.deepEqual(o.xs, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(o.bins.length, 7);
  assert.deepEqual(o.hidden, [
    { side: 'below', edge: '1', reference: 0.001, current: 0 },
    { side: 'above', edge: '6', reference: 0, current: 0.001 },
  ]);
  assert.deepEqual(numericOverlay(d, undefined, 7, 0).hidden, [], 'tail 0 draws every bin');
});

test('ticks spread evenly and keep both ends', () => {
  assert.deepEqual(spreadIndices(4, 7), [0, 1, 2, 3]);
  assert.deepEqual(spreadIndices(11, 6), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(spreadIndices(12, 6), [0, 3, 6, 9, 11]);
  assert.deepEqual(spreadIndices(14, 5), [0, 4, 8, 13], "a last tick too close to the one before it replaces it");
  assert.deepEqual(spreadIndices(0, 6), []);
});

test('a step histogram path: up at the first edge, across each bin, down and closed at the base', () => {
  assert.equal(stepPath([0, 0.5, 1], [1, 0.5], 100, 40), 'M0 40V0H50V20H100V40Z');
  assert.equal(stepPath([0], [], 100, 40), '');
});

test('categorical bars: largest first, the tail summed, unseen categories marked', () => {
  const bars = categoryBars({ kind: 'categorical', categories: ['a', 'b', 'c', 'd', 'new'], reference: [0.5, 0.3, 0.15, 0.05, 0], current: [0.2, 0.3, 0.1, 0.1, 0.3] }, 4);
  assert.deepEqual(bars.map((b) => b.category), ['a', 'b', 'new', '2 others']);
  assert.equal(bars[0]?.refWidth, 1);
  assert.equal(bars[0]?.curWidth, 0.4);
  assert.deepEqual(bars.map((b) => b.unseen), [false, false, true, false]);
  const other = bars[3];
  assert.ok(other && Math.abs(other.reference - 0.2) < 1e-12 && Math.abs(other.current - 0.2) < 1e-12);
  assert.deepEqual(categoryBars({ kind: 'categorical', categories: [], reference: [], current: [] }), []);
});

test('drift sparkline: up is more drift for distances and p-values alike; gaps and drifted steps kept', () => {
  const s = driftSparkline(
    [
      { t: 2000, statistic: 0.2, drifted: true },
      { t: 0, statistic: 0.05, drifted: false },
      { t: 1000, statistic: null, drifted: null },
    ],
    'wasserstein',
    0.1,
    100,
    20,
  );
  // scale 0 … 0.23 (the highest score and 15 % room)
  assert.equal(s.path, 'M0 15.7h0M100 2.6h0');
  assert.equal(s.thresholdY, 11.3);
  assert.deepEqual(s.drifted, [{ x: 100, y: 2.6 }]);
  assert.deepEqual([s.steps, s.driftedSteps], [2, 1]);
  const p = driftSparkline([{ t: 0, statistic: 0.5, drifted: false }, { t: 1, statistic: 0.001, drifted: true }], 'ks', 0.05, 100, 20);
  // −log10: 0.30 and 3, threshold 1.30; scale to 3.45
  assert.equal(p.path, 'M0 18.3L100 2.6');
  assert.equal(p.thresholdY, 12.5);
  const none = driftSparkline([], 'psi', 0.1, 100, 20);
  assert.equal(none.path, '');
  assert.equal(none.steps, 0);
});

test('multivariate: seconds, the error with gaps, the band as two constant series', () => {
  const m = multivariateData({ error: 0.3, lower: 0.1, upper: 0.4, alert: false, series: [{ t: 2000, error: 0.3 }, { t: 1000, error: null }] });
  assert.deepEqual(Array.from(m.data[0]), [1, 2]);
  assert.deepEqual(m.data.slice(1), [[null, 0.3], [0.1, 0.1], [0.4, 0.4]]);
  assert.equal(m.points, 1);
  assert.deepEqual(multivariateData({ error: null, lower: null, upper: 2, alert: null, series: [{ t: 0, error: 1 }] }).data[2], [0], 'no lower edge: from 0');
});

test('the first day of traffic, and datetime-local values both ways', () => {
  const D = 86_400_000;
  assert.deepEqual(firstTrafficDay([[3 * D, 5], [D, 0], [2 * D, null], [4 * D, 1]]), { from: 3 * D, to: 4 * D });
  assert.equal(firstTrafficDay([[D, 0], [2 * D, null]]), null);
  const t = new Date(2026, 2, 4, 9, 30).getTime();
  assert.equal(toLocalInput(t), '2026-03-04T09:30');
  assert.equal(fromLocalInput('2026-03-04T09:30'), t);
  assert.equal(fromLocalInput('yesterday'), null);
});
