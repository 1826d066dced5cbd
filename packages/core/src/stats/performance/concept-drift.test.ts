// Concept-drift detectors: step traces worked out by hand, input checks, batches that continue
// a stored state, and — on the simulated classifier of cbpe.test.ts, whose concept shift CBPE
// cannot see — detection after the shift and not before, with the false-alarm rate on streams
// without shift measured over seeded runs (the figures are in docs/performance-estimation.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../errors.ts';
import { seededRng } from '../drift/random.ts';
import { fitCbpe, estimateCbpe, realizedCbpe } from './cbpe.ts';
import {
  detectConceptDrift, detectConceptDriftBatches, initConceptDrift, initDdm, initPageHinkley, stepConceptDrift, stepDdm, stepDdmBatch, stepPageHinkley,
  type ConceptDriftDetector, type DdmOptions, type DriftSignal, type OutcomeBatch, type PageHinkleyOptions,
} from './concept-drift.ts';
import { REFERENCE_POPULATION, simulateRows } from './simulate-classifier.ts';

const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

// Page-Hinkley by hand, δ = 0, α = 1, λ = 2: four zeros keep both sums at 0; then ones. With the
// running mean x̄ after each one (1/5, 2/6, 3/7) the rising sum is 0.8, 0.8 + 2/3, + 4/7 = 214/105 ≥ 2.
const PH_TRACES: { name: string; options: PageHinkleyOptions; xs: number[]; signals: DriftSignal[]; statistic: number; onset: number | null }[] = [
  { name: 'a rise', options: { delta: 0, alpha: 1, threshold: 2, minInstances: 3 }, xs: [0, 0, 0, 0, 1, 1, 1], signals: ['none', 'none', 'none', 'none', 'none', 'none', 'drift'], statistic: 214 / 105, onset: 4 },
  { name: 'a fall, watched', options: { delta: 0, alpha: 1, threshold: 2, minInstances: 3, direction: 'decrease' }, xs: [1, 1, 1, 1, 0, 0, 0], signals: ['none', 'none', 'none', 'none', 'none', 'none', 'drift'], statistic: 214 / 105, onset: 4 },
  { name: 'a fall, not watched', options: { delta: 0, alpha: 1, threshold: 2, minInstances: 3 }, xs: [1, 1, 1, 1, 0, 0, 0], signals: ['none', 'none', 'none', 'none', 'none', 'none', 'none'], statistic: 0, onset: null },
  { name: 'either way', options: { delta: 0, alpha: 1, threshold: 2, minInstances: 3, direction: 'both' }, xs: [1, 1, 1, 1, 0, 0, 0], signals: ['none', 'none', 'none', 'none', 'none', 'none', 'drift'], statistic: 214 / 105, onset: 4 },
  { name: 'a warning zone first', options: { delta: 0, alpha: 1, threshold: 2, minInstances: 3, warningThreshold: 1 }, xs: [0, 0, 0, 0, 1, 1, 1], signals: ['none', 'none', 'none', 'none', 'none', 'warning', 'drift'], statistic: 214 / 105, onset: 4 },
  // 0.8 − δ = 0.7, then 0.7 + 2/3 − 0.1 = 1.2667, then + 4/7 − 0.1 = 1.7381: δ keeps it under λ
  { name: 'δ discounts each step', options: { delta: 0.1, alpha: 1, threshold: 2, minInstances: 3 }, xs: [0, 0, 0, 0, 1, 1, 1], signals: ['none', 'none', 'none', 'none', 'none', 'none', 'none'], statistic: 0.7 + 2 / 3 - 0.1 + 4 / 7 - 0.1, onset: null },
  // the sum is 9.5 at the second observation, but nothing is signalled before minInstances
  { name: 'no signal before minInstances', options: { delta: 0, alpha: 1, threshold: 1, minInstances: 3 }, xs: [-10, 10, 10], signals: ['none', 'none', 'drift'], statistic: 10 + 10 - 10 / 3, onset: 1 },
];
for (const c of PH_TRACES) {
  test(`Page-Hinkley trace: ${c.name}`, () => {
    let state = initPageHinkley(c.options);
    const signals: DriftSignal[] = [];
    let last = { statistic: NaN, onset: null as number | null };
    for (const x of c.xs) {
      const step = stepPageHinkley(state, x);
      signals.push(step.signal); state = step.state; last = step;
    }
    assert.deepEqual(signals, c.signals);
    close(last.statistic, c.statistic, 'statistic');
    assert.equal(last.onset, c.onset);
  });
}

test('Page-Hinkley starts afresh after a drift; indexes keep counting', () => {
  const step = [0, 0, 0, 0, 1, 1, 1].reduce((s, x) => stepPageHinkley(s.state, x), { state: initPageHinkley({ delta: 0, alpha: 1, threshold: 2, minInstances: 3 }) } as { state: ReturnType<typeof initPageHinkley> });
  assert.deepEqual({ ...step.state, options: undefined }, { ...initPageHinkley(), options: undefined, seen: 7 });
  assert.equal(step.state.options.threshold, 2, 'options survive the reset');
});

test('Page-Hinkley defaults are River\'s', () => {
  assert.deepEqual(initPageHinkley().options, { minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 1e-4, direction: 'increase', warningThreshold: null });
  assert.deepEqual(initDdm().options, { warmStart: 30, warningThreshold: 2, driftThreshold: 3 });
});

// DDM by hand, warm start 3: at n = 4 (one error) p = 0.25, s = √(0.25 · 0.75 / 4) is the minimum;
// each further error raises p + s; (p + s − p_min) / s_min passes 2 at n = 6 (warning) and 3 at
// n = 15 (drift), whose onset is where the warning began.
test('DDM trace: warning zone, then drift with its onset', () => {
  let state = initDdm({ warmStart: 3 });
  const xs = [0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  const signals: DriftSignal[] = [], stats: number[] = [];
  let onset: number | null = null;
  for (const x of xs) {
    const step = stepDdm(state, x);
    signals.push(step.signal); stats.push(step.statistic);
    if (step.signal === 'drift') onset = step.onset;
    state = step.state;
  }
  assert.deepEqual(signals, [...Array(5).fill('none'), ...Array(9).fill('warning'), 'drift', 'none']);
  assert.equal(onset, 5);
  const pMin = 0.25, sMin = Math.sqrt(0.25 * 0.75 / 4);
  close(stats[3]!, 1, 'at the minimum');
  close(stats[4]!, (0.4 + Math.sqrt(0.4 * 0.6 / 5) - pMin) / sMin, 'n = 5');
  close(stats[14]!, (0.8 + Math.sqrt(0.8 * 0.2 / 15) - pMin) / sMin, 'n = 15');
  assert.equal(state.count, 1, 'fresh after the drift');
  assert.equal(state.seen, 16);
});

test('DDM does not fire at the first error of a model that has made none (s = 0 is no minimum)', () => {
  const stream = [...Array(200).fill(0), 1, ...Array(50).fill(0), 1];
  const result = detectConceptDrift({ method: 'ddm' }, stream);
  assert.deepEqual(result.drifts, []);
  assert.equal(stepDdm(initDdm({ warmStart: 0 }), true).state.errors, 1, 'booleans are outcomes too');
});

const REFUSED: { name: string; run: () => unknown; field: string }[] = [
  { name: 'minInstances 0', run: () => initPageHinkley({ minInstances: 0 }), field: 'minInstances' },
  { name: 'negative delta', run: () => initPageHinkley({ delta: -1 }), field: 'delta' },
  { name: 'threshold 0', run: () => initPageHinkley({ threshold: 0 }), field: 'threshold' },
  { name: 'alpha above 1', run: () => initPageHinkley({ alpha: 1.5 }), field: 'alpha' },
  { name: 'unknown direction', run: () => initPageHinkley({ direction: 'sideways' as 'both' }), field: 'direction' },
  { name: 'warning above the drift threshold', run: () => initPageHinkley({ threshold: 5, warningThreshold: 6 }), field: 'warningThreshold' },
  { name: 'NaN observation', run: () => stepPageHinkley(initPageHinkley(), NaN), field: 'observation' },
  { name: 'negative warm start', run: () => initDdm({ warmStart: -1 }), field: 'warmStart' },
  { name: 'drift threshold under the warning one', run: () => initDdm({ warningThreshold: 3, driftThreshold: 2 }), field: 'driftThreshold' },
  { name: 'DDM outcome other than 0/1', run: () => stepDdm(initDdm(), 0.5), field: 'observation' },
  { name: 'a batch of a fractional count', run: () => stepDdmBatch(initDdm(), 1.5, 0), field: 'count' },
  { name: 'a batch of a negative count', run: () => stepDdmBatch(initDdm(), -1, 0), field: 'count' },
  { name: 'a batch of an infinite count', run: () => stepDdmBatch(initDdm(), Infinity, 0), field: 'count' },
  { name: 'a batch with negative errors', run: () => stepDdmBatch(initDdm(), 10, -1), field: 'errors' },
  { name: 'a batch with more errors than outcomes', run: () => stepDdmBatch(initDdm(), 10, 11), field: 'errors' },
  { name: 'a batch with fractional errors', run: () => stepDdmBatch(initDdm(), 10, 2.5), field: 'errors' },
  { name: 'a batch with NaN errors', run: () => stepDdmBatch(initDdm(), 10, NaN), field: 'errors' },
  { name: 'a bad batch among good ones', run: () => detectConceptDriftBatches({ method: 'ddm' }, [{ count: 5, errors: 1 }, { count: 5, errors: 6 }]), field: 'errors' },
];
for (const c of REFUSED) {
  test(`concept-drift detectors refuse: ${c.name}`, () => {
    assert.throws(c.run, (e: unknown) => e instanceof VigilError && e.code === 'validation_failed' && e.details[0]?.field === c.field);
  });
}

// ---------- batched DDM: the test once per batch (an hour of predictions) on exact counts

test('batched DDM with batches of one is stepDdm, step for step, on random streams', () => {
  const OPTIONS: DdmOptions[] = [{}, { warmStart: 0 }, { warmStart: 1000 }, { warmStart: 50, warningThreshold: 1.5, driftThreshold: 2.5 }];
  let drifts = 0, warnings = 0;
  for (let r = 0; r < 24; r++) {
    const rng = seededRng(`batch-of-one-${r}`);
    // an error rate that may change once, somewhere in the stream
    const n = 3000, change = Math.floor(rng() * n), p1 = 0.01 + rng() * 0.2, p2 = p1 + rng() * 0.3;
    const stream = Array.from({ length: n }, (_, i) => (rng() < (i < change ? p1 : p2) ? 1 : 0));
    const options = OPTIONS[r % OPTIONS.length]!;
    let one = initDdm(options), batch = initDdm(options);
    for (const x of stream) {
      const a = stepDdm(one, x), b = stepDdmBatch(batch, 1, x);
      assert.deepEqual(b, a);
      one = a.state; batch = b.state;
    }
    const rows = detectConceptDrift({ method: 'ddm', options }, stream);
    const batches = detectConceptDriftBatches({ method: 'ddm', options }, stream.map((x) => ({ count: 1, errors: x })));
    assert.deepEqual(batches, rows, `stream ${r}`);
    drifts += rows.drifts.length; warnings += rows.warnings.length;
  }
  assert.ok(drifts > 10 && warnings > 10, `the streams exercise both signals: ${drifts} drifts, ${warnings} warnings`);
});

// By hand. With equal error rates p + s falls batch after batch (s shrinks), so the minimum is the
// latest batch; a batch of 1000 at 30% after 20 at 5% (warm start 1000) has p = 1300 / 21000 and
// p + s above p_min + 3·s_min = 0.05 + 3·√(0.05 · 0.95 / 20000): a drift in that batch, without a
// warning zone before it. A milder rise (80 errors of 1000 after 10 batches at 5%: p + s = 0.0559
// against 0.05 + 2·0.00218 = 0.0544 and + 3·0.00218 = 0.0565) warns; the next such batch drifts,
// with its onset at the warning.
const repeat = (times: number, batch: OutcomeBatch): OutcomeBatch[] => Array.from({ length: times }, () => batch);
const BATCH_TRACES: { name: string; options: DdmOptions; batches: OutcomeBatch[]; drifts: { index: number; onset: number }[]; warnings: number[] }[] = [
  { name: 'a clear rise, found in its batch', options: { warmStart: 1000 }, batches: [...repeat(20, { count: 1000, errors: 50 }), ...repeat(5, { count: 1000, errors: 300 })], drifts: [{ index: 20, onset: 20 }], warnings: [] },
  { name: 'a mild rise: a warning, then a drift with its onset there', options: { warmStart: 100 }, batches: [...repeat(10, { count: 1000, errors: 50 }), ...repeat(2, { count: 1000, errors: 80 })], drifts: [{ index: 11, onset: 10 }], warnings: [10] },
  { name: 'nothing tested within the warm start (in outcomes, not batches)', options: { warmStart: 1000 }, batches: [{ count: 400, errors: 0 }, { count: 400, errors: 200 }, { count: 400, errors: 20 }], drifts: [], warnings: [] },
  { name: 'no minimum before a first error (s = 0), so no alarm at it', options: { warmStart: 0 }, batches: [...repeat(5, { count: 1000, errors: 0 }), { count: 1000, errors: 1 }, { count: 1000, errors: 0 }], drifts: [], warnings: [] },
  { name: 'hours of uneven sizes (the TSDoc example)', options: { warmStart: 1000 }, batches: [{ count: 4200, errors: 210 }, { count: 3900, errors: 204 }, { count: 4100, errors: 820 }], drifts: [{ index: 2, onset: 2 }], warnings: [] },
];
for (const c of BATCH_TRACES) {
  test(`batched DDM: ${c.name}`, () => {
    const r = detectConceptDriftBatches({ method: 'ddm', options: c.options }, c.batches);
    assert.deepEqual(r.drifts.map((d) => ({ index: d.index, onset: d.onset })), c.drifts);
    assert.deepEqual(r.warnings, c.warnings);
    assert.equal(r.state.seen, c.batches.length, 'indexes count batches');
  });
}

test('batched DDM: the statistic of the clear rise, and the reset after it', () => {
  const r = detectConceptDriftBatches({ method: 'ddm', options: { warmStart: 1000 } }, BATCH_TRACES[0]!.batches);
  const pMin = 0.05, sMin = Math.sqrt((0.05 * 0.95) / 20000), p = 1300 / 21000;
  close(r.drifts[0]!.statistic, (p + Math.sqrt((p * (1 - p)) / 21000) - pMin) / sMin, 'statistic');
  // fresh after the drift: the four batches at 30% since are the new concept
  assert.deepEqual([r.state.count, r.state.errors, r.state.pMin], [4000, 1200, 0.3]);
  // a stored state continues the batch indexes; a batch of no outcomes takes an index and changes no count
  const more = detectConceptDriftBatches(JSON.parse(JSON.stringify(r.state)), [{ count: 0, errors: 0 }, { count: 1000, errors: 300 }]);
  assert.deepEqual([more.drifts, more.warnings, more.state.seen, more.state.count], [[], [], 27, 5000]);
});

// ---------- the simulated classifier: errors of its predictions, before and after a concept shift

const CONCEPT_SHIFT = { ...REFERENCE_POPULATION, slope: 0.7, intercept: 0.6 };
const errors = (rows: { scores: number[]; labels: number[] }): number[] => rows.scores.map((s, i) => ((s >= 0.5 ? 1 : 0) === rows.labels[i] ? 0 : 1));
const DETECTORS: { name: string; detector: ConceptDriftDetector }[] = [
  { name: 'Page-Hinkley (defaults)', detector: { method: 'page-hinkley' } },
  { name: 'DDM (defaults)', detector: { method: 'ddm' } },
  { name: 'DDM (warm start 1000)', detector: { method: 'ddm', options: { warmStart: 1000 } } },
];

test('a batch and the same stream in pieces (continuing the stored state) find the same change points', () => {
  const rng = seededRng('pieces');
  const stream = [...errors(simulateRows(rng, REFERENCE_POPULATION, 3000)), ...errors(simulateRows(rng, CONCEPT_SHIFT, 3000))];
  for (const { detector } of DETECTORS) {
    const whole = detectConceptDrift(detector, stream);
    let state = initConceptDrift(detector);
    const drifts = [], warnings = [];
    for (let from = 0; from < stream.length; from += 700) {
      const part = detectConceptDrift(JSON.parse(JSON.stringify(state)), stream.slice(from, from + 700));
      drifts.push(...part.drifts); warnings.push(...part.warnings); state = part.state;
    }
    assert.deepEqual(drifts, whole.drifts);
    assert.deepEqual(warnings, whole.warnings);
    assert.deepEqual(state, whole.state);
    assert.deepEqual(stepConceptDrift(state, 1), stepConceptDrift(whole.state, 1));
  }
});

test('concept shift: CBPE misses it, the detectors on the labelled outcomes fire after it and not before', (t) => {
  const rng = seededRng('concept-stream-2');
  const reference = simulateRows(rng, REFERENCE_POPULATION, 20_000);
  const model = fitCbpe(reference, { chunkSize: 1000 });
  const before = simulateRows(rng, REFERENCE_POPULATION, 5000), after = simulateRows(rng, CONCEPT_SHIFT, 5000);
  // CBPE: the estimate looks the same on both sides, the realized accuracy drops out of its band
  const window = { scores: after.scores.slice(0, 1000), labels: after.labels.slice(0, 1000) };
  const est = estimateCbpe(model, window);
  assert.equal(est.metrics.accuracy.alert, false);
  assert.ok(realizedCbpe(model, window).accuracy! < est.metrics.accuracy.lower!);
  const stream = [...errors(before), ...errors(after)];
  for (const { name, detector } of DETECTORS) {
    const { drifts } = detectConceptDrift(detector, stream);
    t.diagnostic(`${name}: drifts at ${drifts.map((d) => `${d.index} (onset ${d.onset})`).join(', ')}`);
    assert.ok(drifts.length > 0 && drifts[0]!.index >= 5000, `${name}: first drift at ${drifts[0]?.index}, the shift is at 5000`);
  }
});

test('false alarms and delays over 100 seeded streams (5000 outcomes before the shift, 5000 after)', (t) => {
  // measured (docs/performance-estimation.md): Page-Hinkley ≈ 4% of streams with a false alarm
  // before the shift, all detected, median delay ≈ 500; DDM ≈ 23% and ≈ 70%, delay ≈ 900; DDM with
  // a warm start of 1000 ≈ 6%, all detected, delay ≈ 750. Bounds leave room for other seeds.
  const BOUNDS: Record<string, { falseAlarms: number; detected: number; medianDelay: number }> = {
    'Page-Hinkley (defaults)': { falseAlarms: 0.1, detected: 0.95, medianDelay: 800 },
    'DDM (defaults)': { falseAlarms: 0.35, detected: 0.55, medianDelay: 1500 },
    'DDM (warm start 1000)': { falseAlarms: 0.15, detected: 0.95, medianDelay: 1200 },
  };
  const runs = 100, n = 5000;
  const streams = Array.from({ length: runs }, (_, r) => {
    const rng = seededRng(`stream-${r}`);
    return [...errors(simulateRows(rng, REFERENCE_POPULATION, n)), ...errors(simulateRows(rng, CONCEPT_SHIFT, n))];
  });
  for (const { name, detector } of DETECTORS) {
    let falseAlarms = 0, detected = 0;
    const delays: number[] = [];
    for (const stream of streams) {
      const { drifts } = detectConceptDrift(detector, stream);
      if (drifts.some((d) => d.index < n)) falseAlarms++;
      const first = drifts.find((d) => d.index >= n);
      if (first) { detected++; delays.push(first.index - n); }
    }
    delays.sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)]!;
    t.diagnostic(`${name}: false alarm before the shift in ${falseAlarms}/${runs} streams, detected in ${detected}/${runs}, median delay ${median}`);
    const b = BOUNDS[name]!;
    assert.ok(falseAlarms / runs <= b.falseAlarms, `${name}: ${falseAlarms} false alarms`);
    assert.ok(detected / runs >= b.detected, `${name}: detected ${detected}`);
    assert.ok(median <= b.medianDelay, `${name}: median delay ${median}`);
  }
});

test('a metric series: Page-Hinkley watching accuracy per window for a fall, in the metric\'s units', () => {
  const rng = seededRng('metric-series');
  const accuracy = (rows: { scores: number[]; labels: number[] }) => 1 - errors(rows).reduce((a, b) => a + b, 0) / rows.scores.length;
  const series = [
    ...Array.from({ length: 30 }, () => accuracy(simulateRows(rng, REFERENCE_POPULATION, 500))),
    ...Array.from({ length: 30 }, () => accuracy(simulateRows(rng, CONCEPT_SHIFT, 500))),
  ];
  // windows of 500 rows: accuracy's sd ≈ 0.02; δ a quarter of it, λ about 8 of it
  const { drifts } = detectConceptDrift({ method: 'page-hinkley', options: { direction: 'decrease', delta: 0.005, threshold: 0.15, minInstances: 5 } }, series);
  assert.ok(drifts.length >= 1, 'the fall is found');
  assert.ok(drifts[0]!.index >= 30 && drifts[0]!.index <= 36, `first drift at window ${drifts[0]!.index}; the shift is at 30`);
});
