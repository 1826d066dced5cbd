// Conformance with sklearn.calibration.calibration_curve (1.2): fixtures/classification.json is
// written by scripts/perf-fixtures/classification.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/classification.json' with { type: 'json' };
import { calibrationCurve, calibrationCurveQuantile, calibrationState, emptyCalibration, mergeCalibration, type CalibrationCurve } from './calibration.ts';

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= 1e-9 || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, sklearn ${want} (relative ${Math.abs(got - want) / scale})`);
}

interface Curve { fractionPositive: number[]; meanScore: number[] }
interface Case { name: string; scores: number[]; positives: boolean[]; bins: number; uniform: Curve; quantile: Curve }

function check(got: CalibrationCurve, want: Curve, what: string) {
  assert.equal(got.status, 'ok', what);
  if (got.status !== 'ok') return;
  assert.equal(got.points.length, want.meanScore.length, `${what}: non-empty bins`);
  got.points.forEach((p, i) => {
    close(p.meanScore, want.meanScore[i] as number, `${what}: prob_pred[${i}]`);
    close(p.fractionPositive, want.fractionPositive[i] as number, `${what}: prob_true[${i}]`);
    const slack = 1e-12; // a mean of equal scores can round one ulp past them
    assert.ok(p.lower - slack <= p.meanScore && p.meanScore <= p.upper + slack, `${what}: mean inside its bin`);
  });
}

for (const c of data.calibration as Case[]) {
  test(`calibration curve agrees with sklearn: ${c.name}`, () => {
    check(calibrationCurve(calibrationState(c.scores, c.positives, c.bins)), c.uniform, 'uniform');
    const half = Math.floor(c.scores.length / 2);
    const merged = mergeCalibration(calibrationState(c.scores.slice(0, half), c.positives.slice(0, half), c.bins),
      emptyCalibration(c.bins), calibrationState(c.scores.slice(half), c.positives.slice(half), c.bins));
    check(calibrationCurve(merged), c.uniform, 'uniform, merged buckets');
    check(calibrationCurveQuantile(c.scores, c.positives, c.bins), c.quantile, 'quantile');
  });
}

test('a score on an interior edge belongs to the bin below, as numpy.searchsorted(side="left")', () => {
  const curve = calibrationCurve(calibrationState([0.5, 0.5000000000000001], [true, false], 2));
  assert.ok(curve.status === 'ok');
  assert.deepEqual(curve.points.map((p) => [p.bin, p.count]), [[0, 1], [1, 1]]);
});

test('no rows is no data; scores outside [0, 1] and mismatched states are refused', () => {
  assert.deepEqual(calibrationCurve(emptyCalibration()), { status: 'no_data' });
  assert.deepEqual(calibrationCurveQuantile([], []), { status: 'no_data' });
  assert.throws(() => calibrationState([1.2], [true]), { code: 'validation_failed' });
  assert.throws(() => calibrationCurveQuantile([-0.1], [true]), { code: 'validation_failed' });
  assert.throws(() => mergeCalibration(emptyCalibration(5), emptyCalibration(10)), { code: 'validation_failed' });
});
