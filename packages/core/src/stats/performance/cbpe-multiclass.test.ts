// Multiclass CBPE (one-vs-rest): estimates against their definitions on a small table, the
// sampling error's macro formula, input checks, and coverage on a simulated three-class model
// whose truth is known — 252 windows, 240 with covariate shift, every metric's realized value
// inside the band in ≥ 90% of them — then a concept shift that the estimate cannot see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../errors.ts';
import { seededRng } from '../drift/random.ts';
import {
  CBPE_MULTICLASS_METRICS, estimateCbpeMulticlass, fitCbpeMulticlass, realizedCbpeMulticlass,
  type CbpeMulticlassMetric, type CbpeMulticlassModel,
} from './cbpe-multiclass.ts';
import { MULTICLASS_CLASSES, REFERENCE_MULTICLASS_POPULATION, simulateMulticlassRows, type SimulatedMulticlassPopulation } from './simulate-classifier.ts';

const close = (got: number | null, want: number, what: string, tol = 1e-12) =>
  assert.ok(got !== null && Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

/** One-vs-rest AUC as pairs, ties (the row with itself included) counting half. */
function pairwiseAuc(scores: number[], pos: number[]): number {
  let num = 0, sp = 0, sn = 0;
  for (let i = 0; i < scores.length; i++) {
    sp += pos[i]!; sn += 1 - pos[i]!;
    for (let j = 0; j < scores.length; j++) {
      const w = pos[i]! * (1 - pos[j]!);
      if (scores[i]! > scores[j]!) num += w; else if (scores[i] === scores[j]) num += w / 2;
    }
  }
  return num / (sp * sn);
}

const CLASSES = ['x', 'y', 'z'];
const REFERENCE = {
  classes: CLASSES,
  scores: [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4], [0.1, 0.6, 0.3]],
  labels: ['x', 'y', 'z', 'y', 'x', 'y'],
};
const plain = () => fitCbpeMulticlass(REFERENCE, { calibration: 'none', chunkSize: 3 });

test('estimates follow the expected confusion matrix (probabilities used as they are)', () => {
  const window = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.25, 0.25, 0.5], [0.4, 0.4, 0.2]];
  const est = estimateCbpeMulticlass(plain(), { scores: window });
  // predicted: x, y, z, x (first of the tied maxima)
  const predicted = [0, 1, 2, 0];
  const want = CLASSES.map(() => [0, 0, 0]);
  window.forEach((row, i) => row.forEach((p, j) => { want[j]![predicted[i]!]! += p; }));
  est.confusionMatrix.forEach((row, j) => row.forEach((v, k) => close(v, want[j]![k]!, `E[label ${j}, predicted ${k}]`)));
  close(est.metrics.accuracy.value, (0.6 + 0.5 + 0.5 + 0.4) / 4, 'accuracy: mean probability of the predicted class');
  const perClass = [0, 1, 2].map((c) => {
    const tp = want[c]![c]!, predictedC = want.reduce((a, r) => a + r[c]!, 0), actual = want[c]!.reduce((a, v) => a + v, 0);
    return { precision: tp / predictedC, recall: tp / actual, f1: (2 * tp) / (predictedC + actual) };
  });
  close(est.metrics.precision.value, perClass.reduce((a, v) => a + v.precision, 0) / 3, 'macro precision');
  close(est.metrics.recall.value, perClass.reduce((a, v) => a + v.recall, 0) / 3, 'macro recall');
  close(est.metrics.f1.value, perClass.reduce((a, v) => a + v.f1, 0) / 3, 'macro F1');
  const auc = [0, 1, 2].map((c) => pairwiseAuc(window.map((r) => r[c]!), window.map((r) => r[c]!)));
  close(est.metrics.rocAuc.value, (auc[0]! + auc[1]! + auc[2]!) / 3, 'macro one-vs-rest ROC AUC');
});

test('sampling error of a macro average: √(Σ variance_k / (n · share_k)) / K; accuracy std / √n; ROC AUC × 1.2', () => {
  const model = plain(), se = model.samplingError;
  // predicted (argmax): x, y, z, x, z, y; labels x, y, z, y, x, y → correct rows 0, 1, 2, 5: accuracy 4/6
  close(se.accuracy, Math.sqrt((4 / 6) * (2 / 6)), 'accuracy std');
  // precision of x: predicted rows 0 (TP) and 3 (FP) → variance 1/4, share 2/6
  assert.deepEqual(se.precision![0], { variance: 0.25, share: 2 / 6 });
  const est = estimateCbpeMulticlass(model, { scores: REFERENCE.scores });
  const macro = (c: { variance: number; share: number }[]) => Math.sqrt(c.reduce((a, v) => a + v.variance / (6 * v.share), 0)) / 3;
  close(est.metrics.precision.samplingError, macro(se.precision!), 'precision');
  close(est.metrics.rocAuc.samplingError, macro(se.rocAuc!) * 1.2, 'ROC AUC');
  close(est.metrics.accuracy.samplingError, se.accuracy / Math.sqrt(6), 'accuracy');
});

test('realized values: macro averages of the labels, null where a class has no predicted or no actual row', () => {
  const model = plain();
  const window = { scores: [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.25, 0.25, 0.5], [0.4, 0.4, 0.2]], labels: ['x', 'z', 'z', 'y'] };
  const r = realizedCbpeMulticlass(model, window);
  // predicted x, y, z, x: x 1 TP 1 FP; y 0 TP 1 FP; z 1 TP; actual y is row 3 (predicted x)
  close(r.accuracy, 2 / 4, 'accuracy');
  close(r.precision, (1 / 2 + 0 + 1) / 3, 'precision');
  close(r.recall, (1 + 0 + 1 / 2) / 3, 'recall');
  const onlyTwo = realizedCbpeMulticlass(model, { scores: [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]], labels: ['x', 'y'] });
  assert.equal(onlyTwo.precision, null, 'z is never predicted');
  assert.equal(onlyTwo.rocAuc, null, 'z never occurs');
});

const REFUSED: { name: string; run: () => unknown; field: string }[] = [
  { name: 'one class', run: () => fitCbpeMulticlass({ ...REFERENCE, classes: ['x'] }), field: 'classes' },
  { name: 'duplicate classes', run: () => fitCbpeMulticlass({ ...REFERENCE, classes: ['x', 'x', 'z'] }), field: 'classes' },
  { name: 'a label that is not a class', run: () => fitCbpeMulticlass({ ...REFERENCE, labels: ['x', 'y', 'w', 'y', 'x', 'y'] }, { chunkSize: 3 }), field: 'labels' },
  { name: 'a row of the wrong width', run: () => fitCbpeMulticlass({ ...REFERENCE, scores: [...REFERENCE.scores.slice(0, 5), [0.5, 0.5]] }, { chunkSize: 3 }), field: 'scores' },
  { name: 'fewer than two chunks', run: () => fitCbpeMulticlass(REFERENCE, { chunkSize: 4 }), field: 'chunkSize' },
  { name: 'a prediction that is not a class', run: () => estimateCbpeMulticlass(plain(), { scores: [[0.5, 0.3, 0.2]], predictions: ['w'] }), field: 'predictions' },
  { name: 'uncalibrated class, score above 1', run: () => estimateCbpeMulticlass(plain(), { scores: [[1.5, 0.3, 0.2]] }), field: 'scores' },
];
for (const c of REFUSED) {
  test(`multiclass CBPE refuses: ${c.name}`, () => {
    assert.throws(c.run, (e: unknown) => e instanceof VigilError && e.code === 'validation_failed' && e.details[0]?.field === c.field);
  });
}

function coverage(model: CbpeMulticlassModel, windows: { scores: number[][]; labels: string[] }[]) {
  const out = Object.fromEntries(CBPE_MULTICLASS_METRICS.map((m) => [m, { inside: 0, windows: 0 }])) as Record<CbpeMulticlassMetric, { inside: number; windows: number }>;
  for (const w of windows) {
    const est = estimateCbpeMulticlass(model, w), real = realizedCbpeMulticlass(model, w);
    for (const m of CBPE_MULTICLASS_METRICS) {
      const e = est.metrics[m], r = real[m];
      if (r === null || e.lower === null || e.upper === null) continue;
      out[m].windows++;
      if (r >= e.lower && r <= e.upper) out[m].inside++;
    }
  }
  return out;
}

test('coverage on a simulated three-class model: ≥ 90% of 252 windows inside the band, with covariate shift', (t) => {
  const rng = seededRng('cbpe-multiclass-coverage');
  const model = fitCbpeMulticlass({ classes: MULTICLASS_CLASSES, ...simulateMulticlassRows(rng, REFERENCE_MULTICLASS_POPULATION, 20_000) }, { chunkSize: 1000 });
  assert.ok(model.calibration.every((c) => c.applied), 'the raw scores are miscalibrated');
  assert.deepEqual(JSON.parse(JSON.stringify(model)), model, 'plain JSON');
  const windows = [];
  for (let w = 0; w < 252; w++) {
    const population: SimulatedMulticlassPopulation = {
      ...REFERENCE_MULTICLASS_POPULATION,
      mean: ([[0, 0], [0.5, 0], [-0.5, 0], [0, 0.5], [0, -0.5], [0.5, 0.5], [-0.5, -0.5]] as const)[w % 7]!,
      sd: [0.75, 1, 1.25][Math.floor(w / 7) % 3]!,
    };
    windows.push(simulateMulticlassRows(rng, population, [500, 1000, 2000][Math.floor(w / 21) % 3]!));
  }
  const cov = coverage(model, windows);
  t.diagnostic(CBPE_MULTICLASS_METRICS.map((m) => `${m} ${cov[m].inside}/${cov[m].windows}`).join(', '));
  for (const m of CBPE_MULTICLASS_METRICS) {
    assert.equal(cov[m].windows, 252);
    assert.ok(cov[m].inside / cov[m].windows >= 0.9, `${m}: ${cov[m].inside} of ${cov[m].windows} windows inside the band`);
  }
});

test('multiclass concept shift: the estimate stays, the realized accuracy leaves the band', (t) => {
  const rng = seededRng('cbpe-multiclass-concept');
  const model = fitCbpeMulticlass({ classes: MULTICLASS_CLASSES, ...simulateMulticlassRows(rng, REFERENCE_MULTICLASS_POPULATION, 20_000) }, { chunkSize: 1000 });
  // classes b and c swap their relation to the second input
  const shifted: SimulatedMulticlassPopulation = { ...REFERENCE_MULTICLASS_POPULATION, weights: [[2, 0], [-1, -0.5], [-1, 0.5]] };
  const cov = coverage(model, Array.from({ length: 30 }, () => simulateMulticlassRows(rng, shifted, 1000)));
  t.diagnostic(CBPE_MULTICLASS_METRICS.map((m) => `${m} ${cov[m].inside}/${cov[m].windows}`).join(', '));
  for (const m of ['accuracy', 'recall', 'rocAuc'] as const) assert.ok(cov[m].inside / cov[m].windows <= 0.1, `${m}: ${cov[m].inside} inside under concept shift`);
});
