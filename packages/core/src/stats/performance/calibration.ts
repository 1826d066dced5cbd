// The calibration curve (reliability diagram) as sklearn.calibration.calibration_curve (1.2)
// computes it: edges over [0, 1] — 'uniform': numpy.linspace(0, 1, bins + 1); 'quantile':
// numpy.percentile(scores, linspace(0, 1, bins + 1) · 100) — and a score p goes to the bin
// searchsorted(interior edges, p, side='left'), so a score on an interior edge belongs to the bin
// below it. For each bin holding rows: the mean score (prob_pred) and the share of positive labels
// (prob_true); empty bins are left out, as sklearn leaves them out.
// 'uniform' merges: per bin, the row count, the sum of scores and the positive count add up over
// buckets. 'quantile' depends on the window's scores, so it reads the raw rows.
// A window with one class has a curve (all shares 0 or 1), as in sklearn. A score outside
// [0, 1] is refused, as sklearn refuses it ("y_prob has values outside [0, 1]").
import { linspace } from '../drift/binning.ts';
import { count, finite, invalid, sameLength } from './internal.ts';

export const DEFAULT_CALIBRATION_BINS = 5; // sklearn's n_bins default

/** Mergeable: states with the same `bins` add bin by bin (uniform edges). */
export interface CalibrationState {
  bins: number;
  counts: number[];
  /** Sum of the scores in each bin. */
  scoreSums: number[];
  /** Positive labels in each bin. */
  positives: number[];
}

export interface CalibrationPoint {
  /** The bin's index and edges: it holds scores in (lower, upper] ([0, upper] for the first bin). */
  bin: number;
  lower: number;
  upper: number;
  count: number;
  /** sklearn's prob_pred. */
  meanScore: number;
  /** sklearn's prob_true. */
  fractionPositive: number;
}

export type CalibrationCurve = { status: 'ok'; points: CalibrationPoint[] } | { status: 'no_data' };

function checkBins(bins: number) {
  if (!Number.isSafeInteger(bins) || bins < 1) throw invalid('bins', 'bins must be a positive integer');
}

function probability(p: number): number {
  if (!(finite(p, 'scores') >= 0 && p <= 1)) throw invalid('scores', `scores must lie in [0, 1] for a calibration curve, got ${p}`);
  return p;
}

/** numpy.searchsorted(edges[1:-1], p, side='left'): the number of interior edges below p. */
function binOf(edges: ArrayLike<number>, p: number): number {
  let lo = 1, hi = edges.length - 1;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if ((edges[mid] as number) < p) lo = mid + 1; else hi = mid; }
  return lo - 1;
}

export function emptyCalibration(bins = DEFAULT_CALIBRATION_BINS): CalibrationState {
  checkBins(bins);
  const zeros = () => new Array<number>(bins).fill(0);
  return { bins, counts: zeros(), scoreSums: zeros(), positives: zeros() };
}

function accumulate(edges: ArrayLike<number>, scores: ArrayLike<number>, positives: ArrayLike<boolean>, into: CalibrationState) {
  for (let i = 0; i < scores.length; i++) {
    const p = probability(scores[i] as number), b = binOf(edges, p);
    into.counts[b]!++;
    into.scoreSums[b]! += p;
    if (positives[i] === true) into.positives[b]!++;
  }
  return into;
}

/** The uniform-bin state of a window: scores are P(positive). */
export function calibrationState(scores: ArrayLike<number>, positives: ArrayLike<boolean>, bins = DEFAULT_CALIBRATION_BINS): CalibrationState {
  sameLength(scores, positives, 'scores and positives');
  return accumulate(linspace(0, 1, bins + 1), scores, positives, emptyCalibration(bins));
}

export function mergeCalibration(first: CalibrationState, ...rest: CalibrationState[]): CalibrationState {
  const out = emptyCalibration(first.bins);
  for (const s of [first, ...rest]) {
    if (s.bins !== first.bins) throw invalid('bins', 'calibration states merge only with the same bins');
    for (let b = 0; b < s.bins; b++) {
      out.counts[b]! += count(s.counts[b] as number, 'counts');
      out.scoreSums[b]! += finite(s.scoreSums[b] as number, 'scoreSums');
      out.positives[b]! += count(s.positives[b] as number, 'positives');
    }
  }
  return out;
}

function curve(edges: ArrayLike<number>, s: CalibrationState): CalibrationCurve {
  const points: CalibrationPoint[] = [];
  for (let b = 0; b < s.bins; b++) {
    const n = s.counts[b] as number;
    if (n === 0) continue;
    points.push({ bin: b, lower: edges[b] as number, upper: edges[b + 1] as number, count: n, meanScore: (s.scoreSums[b] as number) / n, fractionPositive: (s.positives[b] as number) / n });
  }
  return points.length === 0 ? { status: 'no_data' } : { status: 'ok', points };
}

/** calibration_curve(strategy='uniform', n_bins=state.bins) from a (merged) state. */
export function calibrationCurve(state: CalibrationState): CalibrationCurve {
  return curve(linspace(0, 1, state.bins + 1), state);
}

/** numpy.percentile(sorted, q·100), linear method, as numpy 1.24 computes it. */
function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length, virtual = (n - 1) * ((q * 100) / 100);
  if (virtual >= n - 1) return sorted[n - 1] as number;
  const prev = Math.floor(virtual), gamma = virtual - prev;
  const a = sorted[prev] as number, b = sorted[prev + 1] as number, diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma; // numpy's _lerp
}

/** calibration_curve(strategy='quantile', n_bins=bins) from the window's rows. */
export function calibrationCurveQuantile(scores: ArrayLike<number>, positives: ArrayLike<boolean>, bins = DEFAULT_CALIBRATION_BINS): CalibrationCurve {
  sameLength(scores, positives, 'scores and positives');
  checkBins(bins);
  if (scores.length === 0) return { status: 'no_data' };
  const sorted = Float64Array.from(scores, probability).sort();
  const edges = Array.from(linspace(0, 1, bins + 1), (q) => percentile(sorted, q));
  return curve(edges, accumulate(edges, scores, positives, emptyCalibration(bins)));
}
