// Regression metrics from mergeable sums, as scikit-learn 1.2 defines them
// (sklearn/metrics/_regression.py), with e = y_pred − y_true:
// - MAE  = mean |e|                                    mean_absolute_error
// - MSE  = mean e², RMSE = √MSE                          mean_squared_error(squared=False)
// - MAPE = mean |e| / max(|y|, eps), eps = 2.22e-16    mean_absolute_percentage_error: a zero
//   label gives a huge term rather than an error, as in sklearn; it is a fraction, not a percent
// - R²   = 1 − Σe² / Σ(y − ȳ)²                          r2_score, force_finite=True (sklearn's
//   default since 1.1): a constant y gives 1.0 when every prediction is exact, else 0.0; fewer
//   than two rows: sklearn warns and returns NaN → 'fewer_than_two_samples'.
// All merge: a bucket keeps n, Σ|e|, Σe², Σ|e|/max(|y|, eps) and, for R², Σ(y − c) and Σ(y − c)²
// around a shift c, plus min and max of y. Σ(y − ȳ)² = Σ(y − c)² − (Σ(y − c))²/n loses about
// log10(((ȳ − c)² + var) / var) digits to cancellation, so c should sit near the labels' mean:
// give `shift` (e.g. the reference labels' mean) so every bucket of a model uses the same one and
// states add field by field; without it a state uses its first label. States with different
// shifts are re-centred onto the first one's when merged. A constant y is recognised from
// min = max, so the force_finite cases do not depend on rounding.
// Where sklearn itself is unstable: on a constant y whose mean numpy does not compute exactly
// (e.g. three labels of 0.1, mean 0.10000000000000002) sklearn's denominator is ~1e-33, not 0, and
// r2_score returns −1.7e31 for an imperfect prediction; we return the 0.0 its definition intends.
import { CompensatedSum, FLOAT64_EPS, finite, invalid, NO_DATA, ok, sameLength, undefinedMetric } from './internal.ts';
import type { MetricValue } from './metric-value.ts';

/** Mergeable (see mergeRegression); sums over rows with e = predicted − truth. */
export interface RegressionState {
  n: number;
  sumAbsError: number;
  sumSquaredError: number;
  /** Σ |e| / max(|y|, eps). */
  sumAbsPercentageError: number;
  /** c: the labels are summed around it. */
  shift: number;
  /** Σ (y − c). */
  sumShifted: number;
  /** Σ (y − c)². */
  sumShiftedSquares: number;
  /** Smallest and largest label; null when n is 0. */
  minTruth: number | null;
  maxTruth: number | null;
}

export function emptyRegression(shift = 0): RegressionState {
  return { n: 0, sumAbsError: 0, sumSquaredError: 0, sumAbsPercentageError: 0, shift: finite(shift, 'shift'), sumShifted: 0, sumShiftedSquares: 0, minTruth: null, maxTruth: null };
}

/** The state of paired labels and predictions. */
export function regressionState(truth: ArrayLike<number>, predicted: ArrayLike<number>, opts: { shift?: number } = {}): RegressionState {
  sameLength(truth, predicted, 'truth and predicted');
  const shift = opts.shift ?? (truth.length > 0 ? finite(truth[0] as number, 'truth') : 0);
  const abs = new CompensatedSum(), sq = new CompensatedSum(), pct = new CompensatedSum(), s1 = new CompensatedSum(), s2 = new CompensatedSum();
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < truth.length; i++) {
    const y = finite(truth[i] as number, 'truth'), e = finite(predicted[i] as number, 'predicted') - y, d = y - shift;
    abs.add(Math.abs(e));
    sq.add(e * e);
    pct.add(Math.abs(e) / Math.max(Math.abs(y), FLOAT64_EPS));
    s1.add(d);
    s2.add(d * d);
    if (y < min) min = y;
    if (y > max) max = y;
  }
  const n = truth.length;
  return {
    ...emptyRegression(shift), n, sumAbsError: abs.value, sumSquaredError: sq.value, sumAbsPercentageError: pct.value,
    sumShifted: s1.value, sumShiftedSquares: s2.value, minTruth: n ? min : null, maxTruth: n ? max : null,
  };
}

/** The state of the union of the windows. */
export function mergeRegression(first: RegressionState, ...rest: RegressionState[]): RegressionState {
  const c = first.shift;
  const sums = { abs: new CompensatedSum(), sq: new CompensatedSum(), pct: new CompensatedSum(), s1: new CompensatedSum(), s2: new CompensatedSum() };
  let n = 0, min: number | null = null, max: number | null = null;
  for (const s of [first, ...rest]) {
    if (!Number.isSafeInteger(s.n) || s.n < 0) throw invalid('n', 'n must be a non-negative integer');
    if (s.n === 0) continue;
    // Σ(y − c) = Σ(y − c') + n·(c' − c);  Σ(y − c)² = Σ(y − c')² + 2(c' − c)·Σ(y − c') + n·(c' − c)²
    const delta = s.shift - c;
    n += s.n;
    sums.abs.add(s.sumAbsError);
    sums.sq.add(s.sumSquaredError);
    sums.pct.add(s.sumAbsPercentageError);
    sums.s1.add(s.sumShifted);
    sums.s2.add(s.sumShiftedSquares);
    if (delta !== 0) {
      sums.s1.add(s.n * delta);
      sums.s2.add(2 * delta * s.sumShifted);
      sums.s2.add(s.n * delta * delta);
    }
    min = min === null ? s.minTruth : Math.min(min, s.minTruth as number);
    max = max === null ? s.maxTruth : Math.max(max, s.maxTruth as number);
  }
  return { n, sumAbsError: sums.abs.value, sumSquaredError: sums.sq.value, sumAbsPercentageError: sums.pct.value, shift: c, sumShifted: sums.s1.value, sumShiftedSquares: sums.s2.value, minTruth: min, maxTruth: max };
}

const mean = (s: RegressionState, sum: number): MetricValue => (s.n === 0 ? NO_DATA : ok(sum / s.n));

export const meanAbsoluteError = (s: RegressionState): MetricValue => mean(s, s.sumAbsError);
export const meanSquaredError = (s: RegressionState): MetricValue => mean(s, s.sumSquaredError);
export const meanAbsolutePercentageError = (s: RegressionState): MetricValue => mean(s, s.sumAbsPercentageError);
export function rootMeanSquaredError(s: RegressionState): MetricValue {
  const m = meanSquaredError(s);
  return m.status === 'ok' ? ok(Math.sqrt(m.value)) : m;
}

/** sklearn.metrics.r2_score (force_finite=True). */
export function r2Score(s: RegressionState): MetricValue {
  if (s.n === 0) return NO_DATA;
  if (s.n < 2) return undefinedMetric('fewer_than_two_samples', 'R² needs at least two labelled rows');
  const numerator = s.sumSquaredError;
  const denominator = s.minTruth === s.maxTruth ? 0 : Math.max(0, s.sumShiftedSquares - (s.sumShifted * s.sumShifted) / s.n);
  if (numerator === 0) return ok(1);
  if (denominator === 0) return ok(0);
  return ok(1 - numerator / denominator);
}

export interface RegressionMetrics { mae: MetricValue; mse: MetricValue; rmse: MetricValue; mape: MetricValue; r2: MetricValue }

export function regressionMetrics(s: RegressionState): RegressionMetrics {
  return { mae: meanAbsoluteError(s), mse: meanSquaredError(s), rmse: rootMeanSquaredError(s), mape: meanAbsolutePercentageError(s), r2: r2Score(s) };
}
