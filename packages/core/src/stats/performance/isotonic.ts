// Isotonic regression, as scikit-learn's IsotonicRegression(out_of_bounds='clip') fits and
// predicts (sklearn/isotonic.py, sklearn/_isotonic.pyx, 1.2), checked against it by
// scripts/perf-fixtures/isotonic.py. CBPE (cbpe.ts) uses it to turn a model's scores into
// probabilities, as NannyML's IsotonicCalibrator does.
//
// Fit, step by step as scikit-learn does it:
// - rows with weight 0 are dropped (a weight must be finite and ≥ 0; default 1);
// - rows are sorted by x, and x values closer than 1e-15 (numpy's float64 `resolution`, an
//   absolute distance) to the first x of their group are merged into one point whose y is the
//   weighted mean and whose weight is the sum — so ties in x are averaged before fitting;
// - the pool-adjacent-violators algorithm gives the weighted least-squares non-decreasing fit
//   (non-increasing when `increasing` is false: the same on the reversed sequence); it is the
//   unique solution, so our own stack-based pooling agrees with scikit-learn's to rounding;
// - values are clipped to [yMin, yMax] where given;
// - points inside a run of equal fitted values are dropped (the first and last point of the run
//   stay), which changes no prediction.
// Predict: x is clipped to the fitted range, then interpolated linearly between the kept points
// (scipy's interp1d(kind='linear') formula, so a prediction at a kept x reproduces its fitted
// value to rounding); one kept point predicts a constant. NaN predicts NaN (scikit-learn refuses it).
// Not supported: increasing='auto' (the sign of Spearman's rho) — callers know the direction.
// Cost: fit O(n log n) for the sort, O(n) for the pooling; predict O(log k) per value.
import { VigilError } from '../../errors.ts';

/** A fitted isotonic regression: plain JSON, ready to store beside a model version. */
export interface IsotonicModel {
  increasing: boolean;
  /** The kept x values, strictly increasing; the first and last are the fitted range. */
  x: number[];
  /** The fitted value at each kept x: non-decreasing when `increasing`, else non-increasing. */
  y: number[];
}

export interface IsotonicOptions {
  /** One weight per row, finite and ≥ 0 (rows of weight 0 are ignored). Default: all 1. */
  sampleWeight?: ArrayLike<number>;
  /** Fit a non-decreasing (default) or a non-increasing function. */
  increasing?: boolean;
  /** Bounds the fitted values are clipped to. */
  yMin?: number;
  yMax?: number;
}

/** numpy's np.finfo(np.float64).resolution: x values closer than this are one point (sklearn's _make_unique). */
const X_RESOLUTION = 1e-15;

const invalid = (field: string, message: string) => new VigilError('validation_failed', `isotonic regression: ${message}`, { details: [{ field, message }] });

/**
 * The isotonic fit of a sequence in its given order (scikit-learn's `isotonic_regression`):
 * weighted least squares under y₀ ≤ y₁ ≤ … (or ≥ when `increasing` is false), then clipped.
 */
export function isotonicRegression(y: ArrayLike<number>, options: IsotonicOptions = {}): Float64Array {
  const n = y.length, w = options.sampleWeight;
  if (w && w.length !== n) throw invalid('sampleWeight', `${w.length} weights for ${n} values`);
  const increasing = options.increasing ?? true;
  const ys = new Float64Array(n), ws = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = increasing ? i : n - 1 - i;
    ys[i] = y[j]!;
    ws[i] = w ? w[j]! : 1;
  }
  const out = poolAdjacentViolators(ys, ws);
  if (!increasing) out.reverse();
  return clip(out, options.yMin, options.yMax);
}

/**
 * Fits y as a monotone function of x, as scikit-learn's IsotonicRegression.fit.
 *
 * @example
 *   const model = fitIsotonic(scores, labels);      // calibration map: score → P(label = 1)
 *   predictIsotonic(model, [0.2, 0.7]);
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, options: IsotonicOptions = {}): IsotonicModel {
  const n = x.length, w = options.sampleWeight;
  if (y.length !== n) throw invalid('y', `${y.length} targets for ${n} x values`);
  if (w && w.length !== n) throw invalid('sampleWeight', `${w.length} weights for ${n} values`);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!)) throw invalid('x', `x[${i}] is not a finite number`);
    if (!Number.isFinite(y[i]!)) throw invalid('y', `y[${i}] is not a finite number`);
    const wi = w ? w[i]! : 1;
    if (!(Number.isFinite(wi) && wi >= 0)) throw invalid('sampleWeight', `sampleWeight[${i}] must be finite and ≥ 0`);
    if (wi > 0) rows.push(i);
  }
  if (rows.length === 0) throw invalid('x', 'no rows with a positive weight to fit');
  rows.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);

  // merge ties in x: weighted mean of y, summed weight
  const ux: number[] = [], uy: number[] = [], uw: number[] = [];
  let groupX = x[rows[0]!]!, sumWY = 0, sumW = 0;
  for (const i of rows) {
    const xi = x[i]!, wi = w ? w[i]! : 1;
    if (xi - groupX >= X_RESOLUTION) {
      ux.push(groupX); uy.push(sumWY / sumW); uw.push(sumW);
      groupX = xi; sumWY = 0; sumW = 0;
    }
    sumWY += y[i]! * wi; sumW += wi;
  }
  ux.push(groupX); uy.push(sumWY / sumW); uw.push(sumW);

  const fitted = isotonicRegression(uy, { sampleWeight: uw, increasing: options.increasing ?? true, yMin: options.yMin, yMax: options.yMax });
  const keptX: number[] = [], keptY: number[] = [];
  const m = fitted.length;
  for (let i = 0; i < m; i++) {
    const inside = i > 0 && i < m - 1 && fitted[i] === fitted[i - 1] && fitted[i] === fitted[i + 1];
    if (!inside) { keptX.push(ux[i]!); keptY.push(fitted[i]!); }
  }
  return { increasing: options.increasing ?? true, x: keptX, y: keptY };
}

/** The fitted function at one x: clipped to the fitted range, linear between kept points. */
export function predictIsotonicOne(model: IsotonicModel, t: number): number {
  const { x, y } = model, k = x.length;
  if (Number.isNaN(t)) return NaN;
  if (k === 1) return y[0]!;
  const v = Math.min(Math.max(t, x[0]!), x[k - 1]!);
  // the first index whose x is ≥ v (numpy's searchsorted, side 'left'), kept within [1, k − 1]
  let lo = 0, hi = k;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (x[mid]! < v) lo = mid + 1; else hi = mid; }
  const right = Math.min(Math.max(lo, 1), k - 1), left = right - 1;
  const slope = (y[right]! - y[left]!) / (x[right]! - x[left]!);
  return slope * (v - x[left]!) + y[left]!;
}

/** The fitted function at each x (IsotonicRegression.predict with out_of_bounds='clip'). */
export function predictIsotonic(model: IsotonicModel, t: ArrayLike<number>): Float64Array {
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = predictIsotonicOne(model, t[i]!);
  return out;
}

// Pool adjacent violators with a stack of blocks: each new value starts a block, and while the
// block before it has a mean ≥ its own, the two merge (weighted). Equal means merge too, as in
// scikit-learn; that changes no value.
function poolAdjacentViolators(y: Float64Array, w: Float64Array): Float64Array {
  const n = y.length;
  const sumWY = new Float64Array(n), sumW = new Float64Array(n), mean = new Float64Array(n), end = new Int32Array(n);
  let top = -1;
  for (let i = 0; i < n; i++) {
    top++;
    sumWY[top] = w[i]! * y[i]!; sumW[top] = w[i]!; mean[top] = y[i]!; end[top] = i;
    while (top > 0 && mean[top - 1]! >= mean[top]!) {
      sumWY[top - 1]! += sumWY[top]!;
      sumW[top - 1]! += sumW[top]!;
      mean[top - 1] = sumWY[top - 1]! / sumW[top - 1]!;
      end[top - 1] = end[top]!;
      top--;
    }
  }
  const out = new Float64Array(n);
  let start = 0;
  for (let b = 0; b <= top; b++) {
    out.fill(mean[b]!, start, end[b]! + 1);
    start = end[b]! + 1;
  }
  return out;
}

function clip(values: Float64Array, lo: number | undefined, hi: number | undefined): Float64Array {
  if (lo === undefined && hi === undefined) return values;
  const a = lo ?? -Infinity, b = hi ?? Infinity;
  for (let i = 0; i < values.length; i++) values[i] = Math.min(Math.max(values[i]!, a), b);
  return values;
}
