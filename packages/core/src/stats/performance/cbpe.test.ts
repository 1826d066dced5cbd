// CBPE: the estimates against their definitions written out independently (pairwise sums for
// ROC AUC), the sampling-error components and calibration choice on small tables, and — what
// issue 6 asks — coverage on simulated data where the truth is known: over 252 windows of 500,
// 1000 and 2000 rows, 12 drawn like the reference and 240 with covariate shift (the latent
// feature's mean moved by up to ±0.75 sd, its spread scaled by 0.75 or 1.25), the realized value
// of every metric must fall inside the estimate's band in at least 90% of windows. Then a concept shift, where
// CBPE is expected to be wrong (concept-drift.test.ts shows the detectors that catch it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../errors.ts';
import { seededRng } from '../drift/random.ts';
import { CBPE_METRICS, estimateCbpe, fitCbpe, realizedCbpe, samplingError, type CbpeMetric, type CbpeModel } from './cbpe.ts';
import { rocAuc } from './ranking.ts';
import { REFERENCE_POPULATION, simulateRows, type SimulatedPopulation } from './simulate-classifier.ts';

const close = (got: number | null, want: number, what: string, tol = 1e-12) =>
  assert.ok(got !== null && Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

/** Area under the ROC curve as pairs: Σ pos_i · neg_j over s_i > s_j, ties (i = j included) counting half. */
function pairwiseAuc(scores: number[], pos: number[], neg: number[]): number {
  let num = 0, sp = 0, sn = 0;
  for (let i = 0; i < scores.length; i++) {
    sp += pos[i]!; sn += neg[i]!;
    for (let j = 0; j < scores.length; j++) {
      if (scores[i]! > scores[j]!) num += pos[i]! * neg[j]!;
      else if (scores[i] === scores[j]) num += 0.5 * pos[i]! * neg[j]!;
    }
  }
  return num / (sp * sn);
}

// A reference whose scores are probabilities, so `calibration: 'none'` keeps them and every
// estimate can be written out by hand.
const PROBABILITIES = { scores: [0.9, 0.8, 0.3, 0.1, 0.6, 0.4, 0.7, 0.2], labels: [1, 1, 0, 0, 1, 0, 0, 1] };
const plain = () => fitCbpe(PROBABILITIES, { calibration: 'none', chunkSize: 4 });

const WINDOWS: { name: string; scores: number[]; predictions?: number[] }[] = [
  { name: 'four rows', scores: [0.9, 0.8, 0.3, 0.1] },
  { name: 'ties in the scores', scores: [0.7, 0.7, 0.7, 0.2, 0.2, 0.95] },
  { name: 'given predictions override the threshold', scores: [0.9, 0.45, 0.3, 0.55], predictions: [1, 1, 0, 0] },
  { name: 'all predicted negative', scores: [0.1, 0.2, 0.3] },
];
for (const w of WINDOWS) {
  test(`estimates follow the expected confusion matrix: ${w.name}`, () => {
    const model = plain(), est = estimateCbpe(model, w), n = w.scores.length;
    const pred = w.predictions ?? w.scores.map((s) => (s >= 0.5 ? 1 : 0));
    let tp = 0, fp = 0, fn = 0, tn = 0;
    w.scores.forEach((p, i) => { if (pred[i]) { tp += p; fp += 1 - p; } else { fn += p; tn += 1 - p; } });
    const m = est.metrics;
    close(m.truePositive.value, tp, 'TP'); close(m.falsePositive.value, fp, 'FP');
    close(m.falseNegative.value, fn, 'FN'); close(m.trueNegative.value, tn, 'TN');
    close(m.accuracy.value, (tp + tn) / n, 'accuracy');
    if (tp + fp === 0) assert.equal(m.precision.value, null); else close(m.precision.value, tp / (tp + fp), 'precision');
    close(m.recall.value, tp / (tp + fn), 'recall');
    close(m.f1.value, (2 * tp) / (2 * tp + fp + fn), 'F1');
    close(m.rocAuc.value, pairwiseAuc(w.scores, w.scores, w.scores.map((p) => 1 - p)), 'ROC AUC');
    for (const metric of CBPE_METRICS) {
      const e = m[metric];
      if (e.value === null) { assert.equal(e.lower, null); continue; }
      const se = samplingError(model.samplingError[metric]!, n);
      close(e.samplingError, se, `${metric} sampling error`);
      const max = metric === 'truePositive' || metric === 'trueNegative' || metric === 'falsePositive' || metric === 'falseNegative' ? n : 1;
      close(e.lower, Math.max(0, e.value - 3 * se), `${metric} lower`);
      close(e.upper, Math.min(max, e.value + 3 * se), `${metric} upper`);
    }
  });
}

test('sampling-error components: per-row contributions on the reference, as NannyML defines them', () => {
  const se = plain().samplingError;
  // predictions ≥ 0.5: rows 0, 1, 4, 6 → TP 3 (rows 0, 1, 4), FP 1 (row 6), FN 1 (row 7), TN 3
  const bernoulliSd = (q: number) => Math.sqrt(q * (1 - q));
  close(se.accuracy!.std, bernoulliSd(6 / 8), 'accuracy std'); assert.equal(se.accuracy!.share, 1);
  close(se.precision!.std, bernoulliSd(3 / 4), 'precision std'); close(se.precision!.share, 4 / 8, 'precision share');
  close(se.recall!.std, bernoulliSd(3 / 4), 'recall std'); close(se.recall!.share, 4 / 8, 'recall share');
  // F1 rows: 3 TP, 2 FP/FN; each TP row worth 5 / (3 + 1) = 1.25: values 1.25 ×3, 0 ×2
  const f1Mean = 3.75 / 5;
  close(se.f1!.std, Math.sqrt((3 * (1.25 - f1Mean) ** 2 + 2 * f1Mean ** 2) / 5), 'F1 std'); close(se.f1!.share, 5 / 8, 'F1 share');
  // ROC AUC: positives (half the rows, no flip) at 0.9, 0.8, 0.6, 0.2; negatives at 0.7, 0.4, 0.3, 0.1
  // share of negatives below each positive: 1, 1, 0.75, 0.25
  const placements = [1, 1, 0.75, 0.25], pm = 0.75;
  close(se.rocAuc!.std, Math.sqrt(placements.reduce((a, v) => a + (v - pm) ** 2, 0) / 4), 'ROC AUC std'); close(se.rocAuc!.share, 0.5, 'ROC AUC share');
  close(se.truePositive!.std, bernoulliSd(3 / 8), 'TP std'); assert.equal(se.truePositive!.scale, 'count');
  close(samplingError(se.truePositive!, 100), bernoulliSd(3 / 8) * 10, 'a count scales with √n');
  close(samplingError(se.precision!, 100), bernoulliSd(3 / 4) / Math.sqrt(50), 'a mean over n · share rows');
});

test('ROC AUC sampling error uses the minority class; tied scores count half', () => {
  // 6 positives, 2 negatives: the negatives are the minority; scores tie across classes at 0.5
  const model = fitCbpe({ scores: [0.9, 0.8, 0.5, 0.5, 0.7, 0.6, 0.2, 0.65], labels: [1, 1, 1, 0, 1, 1, 0, 1] }, { calibration: 'none', chunkSize: 4 });
  // negative at 0.5: positives above it 0.9, 0.8, 0.7, 0.6, 0.65 (5) + tie with 0.5 (half) → 5.5 / 6; at 0.2: 6 / 6
  const placements = [5.5 / 6, 1], pm = (placements[0]! + 1) / 2;
  close(model.samplingError.rocAuc!.std, Math.sqrt(((placements[0]! - pm) ** 2 + (1 - pm) ** 2) / 2), 'std');
  close(model.samplingError.rocAuc!.share, 2 / 8, 'share');
});

test('realized metrics: the confusion matrix of the labels, ROC AUC on raw scores (as scikit-learn)', () => {
  const model = plain();
  const window = { scores: [0.9, 0.8, 0.8, 0.3, 0.1, 0.55], labels: [1, 0, 1, 0, 1, 0] };
  const r = realizedCbpe(model, window);
  // predicted 1 for 0.9, 0.8, 0.8, 0.55: TP 2, FP 2; predicted 0: FN 1 (0.1), TN 1 (0.3)
  assert.deepEqual([r.truePositive, r.falsePositive, r.falseNegative, r.trueNegative], [2, 2, 1, 1]);
  close(r.accuracy, 3 / 6, 'accuracy'); close(r.precision, 2 / 4, 'precision'); close(r.recall, 2 / 3, 'recall'); close(r.f1, 4 / 7, 'F1');
  close(r.rocAuc, pairwiseAuc(window.scores, window.labels, window.labels.map((y) => 1 - y)), 'ROC AUC');
  assert.equal(realizedCbpe(model, { scores: [0.2, 0.9], labels: [1, 1] }).rocAuc, null, 'one class: no ROC AUC');
  // and the realized ROC AUC module (checked against scikit-learn) agrees on simulated windows with ties
  const rng = seededRng('realized-auc');
  for (let k = 0; k < 5; k++) {
    const w = simulateRows(rng, REFERENCE_POPULATION, 400);
    const rounded = { scores: w.scores.map((s) => Math.round(s * 50) / 50), labels: w.labels };
    const sk = rocAuc(rounded.scores, rounded.labels.map((y) => y === 1));
    assert.equal(sk.status, 'ok');
    close(realizedCbpe(model, rounded).rocAuc, sk.status === 'ok' ? sk.value : NaN, 'ROC AUC vs ranking.ts', 1e-12);
  }
});

test('alert thresholds: realized values on reference chunks, mean ± 3 sd, clipped to the range', () => {
  const model = plain(); // chunks: rows 0–3 and 4–7
  // chunk 1: scores .9 .8 .3 .1, labels 1 1 0 0 → accuracy 1; chunk 2: .6 .4 .7 .2, labels 1 0 0 1 → accuracy 0.5
  assert.deepEqual(model.alertThresholds.accuracy, { lower: 0, upper: 1 });
  assert.deepEqual(model.reference, { rows: 8, positives: 4, predictedPositives: 4, chunkSize: 4, chunks: 2 });
  const steady = fitCbpe({ scores: [0.9, 0.1, 0.8, 0.2, 0.9, 0.1, 0.8, 0.2], labels: [1, 0, 1, 0, 1, 0, 1, 0] }, { calibration: 'none', chunkSize: 4 });
  assert.deepEqual(steady.alertThresholds.accuracy, { lower: 1, upper: 1 }, 'no spread: the band is the value');
  const est = estimateCbpe(steady, { scores: [0.9, 0.1] });
  assert.equal(est.metrics.accuracy.alert, true, 'estimated 0.9 < 1');
});

const CALIBRATION: { name: string; build: () => CbpeModel; reason: string; applied: boolean }[] = [
  { name: 'miscalibrated scores are calibrated', build: () => fitCbpe(simulateRows(seededRng(1), REFERENCE_POPULATION, 4000)), reason: 'lowers calibration error', applied: true },
  {
    name: 'already calibrated scores are kept when isotonic does not help',
    build: () => {
      const rng = seededRng(0), scores: number[] = [], labels: number[] = [];
      for (let i = 0; i < 5000; i++) { const s = rng(); scores.push(s); labels.push(rng() < s ? 1 : 0); }
      return fitCbpe({ scores, labels });
    },
    reason: 'does not lower calibration error', applied: false,
  },
  { name: 'one class in the reference', build: () => fitCbpe({ scores: [0.2, 0.4, 0.6, 0.8], labels: [1, 1, 1, 1] }, { chunkSize: 2 }), reason: 'single class', applied: false },
  { name: 'separable reference', build: () => fitCbpe({ scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1] }, { chunkSize: 2 }), reason: 'roc auc above 0.999', applied: false },
  { name: 'scores that are not probabilities', build: () => fitCbpe({ scores: [-2, -1, 0.5, 3], labels: [0, 1, 0, 1] }, { chunkSize: 2, threshold: 0 }), reason: 'scores outside [0, 1]', applied: true },
  { name: "'isotonic' always calibrates", build: () => fitCbpe(PROBABILITIES, { calibration: 'isotonic', chunkSize: 4 }), reason: 'requested', applied: true },
  { name: "'none' never does", build: plain, reason: 'disabled', applied: false },
];
for (const c of CALIBRATION) {
  test(`calibration choice: ${c.name}`, () => {
    const model = c.build();
    assert.equal(model.calibration.reason, c.reason);
    assert.equal(model.calibration.applied, c.applied);
    assert.equal(model.calibration.isotonic !== null, c.applied);
  });
}

const REFUSED: { name: string; run: () => unknown; field: string }[] = [
  { name: 'labels other than 0/1', run: () => fitCbpe({ scores: [0.1, 0.9, 0.5, 0.4], labels: [0, 2, 1, 0] }, { chunkSize: 2 }), field: 'labels' },
  { name: 'a label per score', run: () => fitCbpe({ scores: [0.1, 0.9], labels: [0] }), field: 'labels' },
  { name: 'NaN score', run: () => fitCbpe({ scores: [0.1, NaN, 0.5, 0.4], labels: [0, 1, 1, 0] }, { chunkSize: 2 }), field: 'scores' },
  { name: 'fewer than two chunks', run: () => fitCbpe(PROBABILITIES, { chunkSize: 5 }), field: 'chunkSize' },
  { name: 'predictions other than 0/1', run: () => fitCbpe({ ...PROBABILITIES, predictions: [1, 1, 0, 0, 1, 0, 1, 0.5] }, { chunkSize: 4 }), field: 'predictions' },
  { name: "'none' with scores outside [0, 1]", run: () => fitCbpe({ scores: [-1, 2, 0.5, 0.4], labels: [0, 1, 1, 0] }, { calibration: 'none', chunkSize: 2 }), field: 'calibration' },
  { name: 'uncalibrated model, window score outside [0, 1]', run: () => estimateCbpe(plain(), { scores: [0.5, 1.5] }), field: 'scores' },
  { name: 'window predictions of the wrong length', run: () => estimateCbpe(plain(), { scores: [0.5, 0.6], predictions: [1] }), field: 'predictions' },
];
for (const c of REFUSED) {
  test(`CBPE refuses: ${c.name}`, () => {
    assert.throws(c.run, (e: unknown) => e instanceof VigilError && e.code === 'validation_failed' && e.details[0]?.field === c.field);
  });
}

test('an empty window estimates nothing and alerts nothing', () => {
  const est = estimateCbpe(plain(), { scores: [] });
  assert.equal(est.rows, 0);
  for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'rocAuc'] as const) assert.equal(est.metrics[metric].value, null);
  for (const metric of CBPE_METRICS) { assert.equal(est.metrics[metric].lower, null); assert.equal(est.metrics[metric].alert, false); }
});

test('the fitted model is plain JSON: a stored copy estimates the same', () => {
  const rng = seededRng('json');
  const model = fitCbpe(simulateRows(rng, REFERENCE_POPULATION, 3000));
  const copy = JSON.parse(JSON.stringify(model)) as CbpeModel;
  assert.deepEqual(copy, model);
  const window = simulateRows(rng, REFERENCE_POPULATION, 500);
  assert.deepEqual(estimateCbpe(copy, window), estimateCbpe(model, window));
});

// ---------- simulation: the truth is known

interface Coverage { inside: number; windows: number }
function coverage(model: CbpeModel, windows: { scores: number[]; labels: number[] }[]): Record<CbpeMetric, Coverage> {
  const out = Object.fromEntries(CBPE_METRICS.map((m) => [m, { inside: 0, windows: 0 }])) as Record<CbpeMetric, Coverage>;
  for (const w of windows) {
    const est = estimateCbpe(model, { scores: w.scores }), real = realizedCbpe(model, w);
    for (const m of CBPE_METRICS) {
      const e = est.metrics[m], r = real[m];
      if (r === null || e.lower === null || e.upper === null) continue;
      out[m].windows++;
      if (r >= e.lower && r <= e.upper) out[m].inside++;
    }
  }
  return out;
}

const share = (c: Coverage) => c.inside / c.windows;

test('coverage: the realized value is inside the band in ≥ 90% of 252 windows for every metric, with covariate shift', (t) => {
  const rng = seededRng('cbpe-coverage');
  const model = fitCbpe(simulateRows(rng, REFERENCE_POPULATION, 20_000), { chunkSize: 1000 });
  assert.equal(model.calibration.applied, true, 'the raw scores are miscalibrated: isotonic must be used');
  const windows = [];
  // 7 means × 3 spreads of the latent feature (mean 0, sd 1 is the reference) × 3 window sizes × 4
  for (let w = 0; w < 252; w++) {
    const population: SimulatedPopulation = { ...REFERENCE_POPULATION, mean: [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75][w % 7]!, sd: [0.75, 1, 1.25][Math.floor(w / 7) % 3]! };
    windows.push(simulateRows(rng, population, [500, 1000, 2000][Math.floor(w / 21) % 3]!));
  }
  const cov = coverage(model, windows);
  t.diagnostic(CBPE_METRICS.map((m) => `${m} ${cov[m].inside}/${cov[m].windows}`).join(', '));
  for (const m of CBPE_METRICS) {
    assert.equal(cov[m].windows, 252, `${m}: every window has a value`);
    assert.ok(share(cov[m]) >= 0.9, `${m}: ${cov[m].inside} of ${cov[m].windows} windows inside the band`);
  }
  // without shift, at the chunk size the thresholds were made for, the estimates rarely alert
  const steady = Array.from({ length: 50 }, () => estimateCbpe(model, { scores: simulateRows(rng, REFERENCE_POPULATION, 1000).scores }));
  for (const m of CBPE_METRICS) assert.ok(steady.filter((e) => e.metrics[m].alert).length <= 2, `${m}: alerts without shift`);
});

test('concept shift: CBPE cannot see it — the estimate stays, the realized value leaves the band', (t) => {
  const rng = seededRng('cbpe-concept');
  const model = fitCbpe(simulateRows(rng, REFERENCE_POPULATION, 20_000), { chunkSize: 1000 });
  // same inputs, same model, new relation between input and outcome
  const shifted = { ...REFERENCE_POPULATION, slope: 0.7, intercept: 0.6 };
  const windows = Array.from({ length: 50 }, () => simulateRows(rng, shifted, 1000));
  const cov = coverage(model, windows);
  t.diagnostic(CBPE_METRICS.map((m) => `${m} ${cov[m].inside}/${cov[m].windows}`).join(', '));
  for (const m of ['accuracy', 'recall', 'rocAuc', 'trueNegative', 'falseNegative'] as const) {
    assert.ok(share(cov[m]) <= 0.1, `${m}: ${cov[m].inside} of ${cov[m].windows} windows inside the band under concept shift`);
  }
  const est = estimateCbpe(model, windows[0]!), real = realizedCbpe(model, windows[0]!);
  assert.equal(est.metrics.accuracy.alert, false, 'the estimated accuracy looks normal');
  assert.ok(real.accuracy! < est.metrics.accuracy.lower!, `realized accuracy ${real.accuracy} below the band from ${est.metrics.accuracy.lower}`);
});
