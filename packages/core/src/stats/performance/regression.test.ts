// Conformance with sklearn.metrics' regression metrics (1.2) and numpy.quantile:
// fixtures/regression.json is written by scripts/perf-fixtures/regression.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/regression.json' with { type: 'json' };
import { emptyRegression, mergeRegression, r2Score, regressionMetrics, regressionState, type RegressionState } from './regression.ts';
import { approximateResidualQuantile, mergeResidualHistograms, residualHistogram, residualQuantiles } from './residuals.ts';
import type { MetricValue } from './metric-value.ts';

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= 1e-9 || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, sklearn ${want} (relative ${Math.abs(got - want) / scale})`);
}
function value(m: MetricValue, want: number, what: string) {
  assert.equal(m.status, 'ok', what);
  if (m.status === 'ok') close(m.value, want, what);
}

interface Case { name: string; truth: number[]; predicted: number[]; mae: number; mse: number; rmse: number; mape: number; r2: number | null; r2Warning: string | null; residualQuantiles: number[]; residualCounts: number[] }

/** Three buckets, each summed around its own first label, merged: the re-centring path. */
function bucketed(c: Case, shift?: number): RegressionState {
  const n = c.truth.length, cut = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
  const parts = [0, 1, 2].map((k) => regressionState(c.truth.slice(cut[k], cut[k + 1]), c.predicted.slice(cut[k], cut[k + 1]), shift === undefined ? {} : { shift }));
  return mergeRegression(parts[0]!, emptyRegression(), parts[1]!, parts[2]!);
}

for (const c of data.cases as Case[]) {
  test(`regression metrics agree with sklearn: ${c.name}`, () => {
    const states: [string, RegressionState][] = [['raw', regressionState(c.truth, c.predicted)], ['merged, own shifts', bucketed(c)], ['merged, one shift', bucketed(c, c.truth[0])]];
    for (const [path, s] of states) {
      const m = regressionMetrics(s);
      value(m.mae, c.mae, `${path}: MAE`);
      value(m.mse, c.mse, `${path}: MSE`);
      value(m.rmse, c.rmse, `${path}: RMSE`);
      value(m.mape, c.mape, `${path}: MAPE`);
      if (c.r2 === null) assert.ok(m.r2.status === 'undefined' && m.r2.reason === 'fewer_than_two_samples', `${path}: R², sklearn: ${c.r2Warning}`);
      else value(m.r2, c.r2, `${path}: R²`);
    }
  });

  test(`residual distribution agrees with numpy: ${c.name}`, () => {
    const qs = data.quantiles, edges = data.edges;
    residualQuantiles(c.truth, c.predicted, qs).forEach((v, i) => close(v as number, c.residualQuantiles[i] as number, `quantile ${qs[i]}`));
    const half = Math.floor(c.truth.length / 2);
    const h = mergeResidualHistograms(residualHistogram(c.truth.slice(0, half), c.predicted.slice(0, half), edges), residualHistogram(c.truth.slice(half), c.predicted.slice(half), edges));
    assert.deepEqual(h.counts, c.residualCounts);
    qs.forEach((q, i) => {
      const a = approximateResidualQuantile(h, q), exact = c.residualQuantiles[i] as number;
      assert.ok(a.status === 'ok');
      assert.ok(a.lower <= exact && exact <= a.upper && a.lower <= a.value && a.value <= a.upper, `quantile ${q}: ${exact} in [${a.lower}, ${a.upper}], estimate ${a.value}`);
    });
  });
}

test('a constant y is recognised exactly, even where sklearn\'s mean of it rounds', () => {
  // sklearn gives -1.7e31 here (its mean of three 0.1s is 0.10000000000000002); force_finite means 0.0
  assert.deepEqual(r2Score(regressionState([0.1, 0.1, 0.1], [0.1, 0.1, 0.2], { shift: 5 })), { status: 'ok', value: 0 });
  assert.deepEqual(r2Score(mergeRegression(regressionState([0.1], [0.1], { shift: 3 }), regressionState([0.1, 0.1], [0.1, 0.1]))), { status: 'ok', value: 1 });
});

test('empty windows are no data; bad input is refused', () => {
  assert.deepEqual(regressionMetrics(emptyRegression()).mae, { status: 'no_data' });
  assert.deepEqual(r2Score(emptyRegression()), { status: 'no_data' });
  assert.deepEqual(residualQuantiles([], [], [0.5]), [null]);
  assert.deepEqual(approximateResidualQuantile(residualHistogram([], [], [0]), 0.5), { status: 'no_data' });
  assert.throws(() => regressionState([1, NaN], [1, 2]), { code: 'validation_failed' });
  assert.throws(() => regressionState([1], [1, 2]), { code: 'validation_failed' });
  assert.throws(() => residualHistogram([1], [1], [1, 1]), { code: 'validation_failed' });
  assert.throws(() => mergeResidualHistograms(residualHistogram([1], [1], [0]), residualHistogram([1], [1], [1])), { code: 'validation_failed' });
  assert.throws(() => residualQuantiles([1], [1], [1.5]), { code: 'validation_failed' });
});
