// Approximate ROC AUC from mergeable score histograms: the streaming path. A bucket stores, per
// score bin, how many positive and how many negative rows fell in it; a window's histogram is the
// sum of its buckets'. Bin b holds scores s with min(floor(s·bins), bins − 1) = b (clamped to 0
// below), the rule the rollups already use for score distributions (ddsketch.ts scoreBinSql).
//
// The bound. AUC = (1/(P·N))·Σ over (positive i, negative j) pairs of [s_i > s_j] + ½·[s_i = s_j].
// The bin map is non-decreasing in the score, so a pair in different bins is ordered as its bins
// are: its term is known exactly. A pair in the same bin has a term in [0, 1], unknown. The
// estimate counts it ½ (the AUC of the scores rounded to their bins, which is what
// sklearn.metrics.roc_auc_score gives on the bin indexes), so
//     |estimate − exact| ≤ ½·Σ_b P_b·N_b / (P·N)
// and [lower, upper] = [estimate − that, estimate + that] (within [0, 1]) always holds the exact
// AUC. The bound shrinks as the classes separate or the bins narrow; it is 0 when no bin holds
// both classes. It is data-dependent and reported per window, not a worst case.
// One-vs-rest: one histogram per class (that class's score; positive = label is that class);
// the average of bounded values is bounded by the averages of the bounds.
import { count, finite, invalid, NO_DATA, sameLength, undefinedMetric } from './internal.ts';
import type { ApproximateValue } from './metric-value.ts';

export const DEFAULT_AUC_SCORE_BINS = 100;

/** Mergeable: histograms with the same `bins` add bin by bin. */
export interface ScoreHistogram {
  bins: number;
  /** positives[b]: rows with the positive label whose score is in bin b. */
  positives: number[];
  negatives: number[];
}

function checkBins(bins: number) {
  if (!Number.isSafeInteger(bins) || bins < 1) throw invalid('bins', 'bins must be a positive integer');
}

/** The bin of a score: min(floor(score·bins), bins − 1), and 0 below 0. */
export function scoreHistogramBin(score: number, bins: number): number {
  return Math.max(0, Math.min(Math.floor(finite(score, 'score') * bins), bins - 1));
}

export function emptyScoreHistogram(bins = DEFAULT_AUC_SCORE_BINS): ScoreHistogram {
  checkBins(bins);
  return { bins, positives: new Array<number>(bins).fill(0), negatives: new Array<number>(bins).fill(0) };
}

export function scoreHistogram(scores: ArrayLike<number>, positives: ArrayLike<boolean>, bins = DEFAULT_AUC_SCORE_BINS): ScoreHistogram {
  sameLength(scores, positives, 'scores and positives');
  const h = emptyScoreHistogram(bins);
  for (let i = 0; i < scores.length; i++) (positives[i] === true ? h.positives : h.negatives)[scoreHistogramBin(scores[i] as number, bins)]!++;
  return h;
}

export function mergeScoreHistograms(first: ScoreHistogram, ...rest: ScoreHistogram[]): ScoreHistogram {
  const out = emptyScoreHistogram(first.bins);
  for (const h of [first, ...rest]) {
    if (h.bins !== first.bins || h.positives.length !== h.bins || h.negatives.length !== h.bins) throw invalid('bins', 'score histograms merge only with the same bins');
    for (let b = 0; b < h.bins; b++) {
      out.positives[b]! += count(h.positives[b] as number, 'positives');
      out.negatives[b]! += count(h.negatives[b] as number, 'negatives');
    }
  }
  return out;
}

/** The ROC AUC estimate and the interval that holds the exact value (see the header). */
export function approximateRocAuc(h: ScoreHistogram): ApproximateValue {
  let P = 0, N = 0;
  for (let b = 0; b < h.bins; b++) { P += h.positives[b] as number; N += h.negatives[b] as number; }
  if (P + N === 0) return NO_DATA;
  if (P === 0 || N === 0) return undefinedMetric('single_class', 'ROC AUC needs positive and negative labels; the window has only one class');
  // integers: 2·(pairs ordered by bin) + (pairs sharing a bin)
  let above = 0, ordered2 = 0, shared = 0;
  for (let b = h.bins - 1; b >= 0; b--) {
    const p = h.positives[b] as number, n = h.negatives[b] as number;
    ordered2 += 2 * n * above;
    shared += n * p;
    above += p;
  }
  const pairs = 2 * P * N;
  return { status: 'ok', value: (ordered2 + shared) / pairs, lower: ordered2 / pairs, upper: (ordered2 + 2 * shared) / pairs };
}

/** One-vs-rest ROC AUC from one histogram per class ('macro' or 'weighted' by true count). */
export function approximateRocAucOneVsRest(perClass: readonly ScoreHistogram[], avg: 'macro' | 'weighted' = 'macro'): ApproximateValue {
  if (perClass.length < 2) throw invalid('perClass', 'one-vs-rest needs at least two classes');
  const values = perClass.map(approximateRocAuc);
  if (values.every((v) => v.status === 'no_data')) return NO_DATA;
  const bad = values.findIndex((v) => v.status !== 'ok');
  if (bad >= 0) return undefinedMetric('class_absent', `one-vs-rest ROC AUC needs every class among the labels; class #${bad} has none`);
  const ok = values as { value: number; lower: number; upper: number }[];
  const weights = perClass.map((h) => (avg === 'weighted' ? h.positives.reduce((a, b) => a + b, 0) : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const avgOf = (f: (v: { value: number; lower: number; upper: number }) => number) => ok.reduce((acc, v, k) => acc + f(v) * (weights[k] as number), 0) / total;
  return { status: 'ok', value: avgOf((v) => v.value), lower: avgOf((v) => v.lower), upper: avgOf((v) => v.upper) };
}
