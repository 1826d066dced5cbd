// Conformance with sklearn.metrics.roc_auc_score and average_precision_score (1.2):
// fixtures/ranking.json is written by scripts/perf-fixtures/ranking.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/ranking.json' with { type: 'json' };
import { averagePrecision, averagePrecisionOneVsRest, rocAuc, rocAucOneVsRest, type OneVsRestAverage } from './ranking.ts';
import type { MetricValue } from './metric-value.ts';

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= 1e-9 || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, sklearn ${want} (relative ${Math.abs(got - want) / scale})`);
}

interface Outcome { value?: number; error?: string; warning?: string }
interface BinaryCase { name: string; scores: number[]; positives: boolean[]; rocAuc: Outcome; averagePrecision: Outcome }
interface MultiCase { name: string; truth: string[]; classes: string[]; probabilities: number[][]; rocAuc: Record<OneVsRestAverage, Outcome>; averagePrecision: Record<OneVsRestAverage, Outcome> }

/** sklearn's value where it gives one without a warning; where it raises or warns, the reason we give instead. */
function agrees(got: MetricValue, want: Outcome, what: string, reasonInstead?: string) {
  if (want.error !== undefined || want.warning !== undefined) {
    if (want.error === undefined && reasonInstead === undefined) {
      assert.equal(got.status, 'ok', what);
      if (got.status === 'ok') close(got.value, want.value as number, what);
      return;
    }
    assert.equal(got.status, 'undefined', `${what}: sklearn says ${want.error ?? want.warning}`);
    if (got.status === 'undefined' && reasonInstead) assert.equal(got.reason, reasonInstead, what);
    return;
  }
  assert.equal(got.status, 'ok', what);
  if (got.status === 'ok') close(got.value, want.value as number, what);
}

for (const c of data.binary as BinaryCase[]) {
  test(`binary ROC AUC and average precision agree with sklearn: ${c.name}`, () => {
    agrees(rocAuc(c.scores, c.positives), c.rocAuc, 'roc_auc_score', 'single_class');
    const noPositive = !c.positives.includes(true);
    agrees(averagePrecision(c.scores, c.positives), c.averagePrecision, 'average_precision_score', noPositive ? 'no_positive_labels' : undefined);
  });
}

for (const c of data.multiclass as MultiCase[]) {
  test(`one-vs-rest ROC AUC and average precision agree with sklearn: ${c.name}`, () => {
    const notProbabilities = c.rocAuc.macro.error?.startsWith('Target scores need to be probabilities');
    for (const avg of ['macro', 'weighted', 'micro'] as const) {
      const auc = rocAucOneVsRest(c.truth, c.probabilities, c.classes, avg);
      agrees(auc, c.rocAuc[avg], `roc_auc_score ovr ${avg}`, notProbabilities ? 'scores_not_probabilities' : 'class_absent');
      const ap = averagePrecisionOneVsRest(c.truth, c.probabilities, c.classes, avg);
      agrees(ap, c.averagePrecision[avg], `average_precision_score ${avg}`, avg === 'macro' ? 'class_absent' : undefined);
    }
  });
}

test('per-class values come with the one-vs-rest average, null for a class with no true row', () => {
  const r = averagePrecisionOneVsRest(['a', 'a', 'b'], [[0.9, 0.1, 0], [0.6, 0.4, 0], [0.3, 0.7, 0]], ['a', 'b', 'c'], 'weighted');
  assert.ok(r.status === 'ok');
  assert.deepEqual(r.perClass, [1, 1, null]);
  const auc = rocAucOneVsRest(['a', 'b'], [[0.9, 0.1], [0.3, 0.7]], ['a', 'b']);
  assert.ok(auc.status === 'ok' && auc.value === 1 && auc.perClass.every((v) => v === 1));
});

test('empty windows are no data; non-finite scores and unknown labels are refused', () => {
  assert.deepEqual(rocAuc([], []), { status: 'no_data' });
  assert.deepEqual(averagePrecision([], []), { status: 'no_data' });
  assert.deepEqual(rocAucOneVsRest([], [], ['a', 'b']), { status: 'no_data' });
  assert.throws(() => rocAuc([NaN, 0.2], [true, false]), { code: 'validation_failed' });
  assert.throws(() => averagePrecision([0.1], [true, false]), { code: 'validation_failed' });
  assert.throws(() => rocAucOneVsRest(['q'], [[0.5, 0.5]], ['a', 'b']), { code: 'validation_failed' });
  assert.throws(() => rocAucOneVsRest(['a'], [[0.5, Infinity]], ['a', 'b']), { code: 'validation_failed' });
  assert.throws(() => rocAucOneVsRest(['a'], [[1]], ['a']), { code: 'validation_failed' });
});

test('the exact AUC is a rank statistic: any increasing transform of the scores leaves it unchanged', () => {
  const scores = [0.1, 0.4, 0.35, 0.8, 0.35, 0.6], pos = [false, false, true, true, false, true];
  const a = rocAuc(scores, pos), b = rocAuc(scores.map((s) => Math.log(s) * 3 + 7), pos);
  assert.deepEqual(a, b);
});
