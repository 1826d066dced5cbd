// Log loss (cross-entropy) as scikit-learn 1.2's sklearn.metrics.log_loss computes it
// (sklearn/metrics/_classification.py), kept as a mergeable sum:
// - eps="auto" (the default since 1.2, was 1e-15 before): eps = numpy.finfo(float64).eps =
//   2.220446049250313e-16; every probability is clipped to [eps, 1 − eps];
// - binary: the score is P(positive); sklearn clips it, then makes the row [1 − p, p];
// - every row is then divided by its sum (so rows that do not sum to 1 are renormalized);
// - a row's loss is −log(p of its true class); the metric is their mean.
// The classes are always known (the model's classes; binary: positive or not), which is sklearn
// called with labels=: so a window whose labels are all one class has a log loss, where sklearn
// without labels= raises. A row whose label is not one of the classes cannot be scored (sklearn
// would count it with loss 0): it is left out and counted in `skipped`.
// Scores outside [0, 1] are clipped as sklearn clips them; a non-finite score is refused.
import { CompensatedSum, FLOAT64_EPS, finite, invalid, NO_DATA, ok, sameLength } from './internal.ts';
import type { MetricValue } from './metric-value.ts';

export const LOG_LOSS_EPS = FLOAT64_EPS;

/** Mergeable: states add field by field. */
export interface LogLossState {
  /** Rows scored. */
  n: number;
  /** Sum of their losses. */
  sum: number;
  /** Rows left out because their label is not one of the classes. */
  skipped: number;
}

export const emptyLogLoss = (): LogLossState => ({ n: 0, sum: 0, skipped: 0 });

const clip = (p: number) => Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);

/** One row's loss; `score` is P(positive). */
export function binaryLogLossTerm(score: number, isPositive: boolean): number {
  const p = clip(finite(score, 'score')), q = 1 - p;
  return -Math.log((isPositive ? p : q) / (q + p));
}

/** One row's loss; `probabilities[k]` is P(class k), `trueIndex` the row's class. */
export function multiclassLogLossTerm(probabilities: ArrayLike<number>, trueIndex: number): number {
  let sum = 0;
  for (let k = 0; k < probabilities.length; k++) sum += clip(finite(probabilities[k] as number, 'probabilities'));
  return -Math.log(clip(probabilities[trueIndex] as number) / sum);
}

/** The state of a binary window: scores are P(positive), `positives[i]` whether row i's label is the positive one. */
export function binaryLogLossState(scores: ArrayLike<number>, positives: ArrayLike<boolean>): LogLossState {
  sameLength(scores, positives, 'scores and positives');
  const sum = new CompensatedSum();
  for (let i = 0; i < scores.length; i++) sum.add(binaryLogLossTerm(scores[i] as number, positives[i] === true));
  return { n: scores.length, sum: sum.value, skipped: 0 };
}

/**
 * The state of a multiclass window: `probabilities[i][k]` is row i's P(classes[k]).
 * `scoreRow` turns a prediction's `scores` object into such a row.
 */
export function multiclassLogLossState(truth: ArrayLike<string>, probabilities: ArrayLike<ArrayLike<number>>, classes: readonly string[]): LogLossState {
  sameLength(truth, probabilities, 'truth and probabilities');
  if (classes.length < 2 || new Set(classes).size !== classes.length) throw invalid('classes', 'log loss needs at least two distinct classes');
  const index = new Map(classes.map((c, k) => [c, k]));
  const sum = new CompensatedSum();
  let n = 0, skipped = 0;
  for (let i = 0; i < truth.length; i++) {
    const row = probabilities[i] as ArrayLike<number>;
    if (row.length !== classes.length) throw invalid('probabilities', `row ${i} has ${row.length} probabilities for ${classes.length} classes`);
    const k = index.get(truth[i] as string);
    if (k === undefined) { skipped++; continue; }
    sum.add(multiclassLogLossTerm(row, k));
    n++;
  }
  return { n, sum: sum.value, skipped };
}

/** A prediction's `scores` ({ class: probability }) as a row in `classes` order; a class it omits counts as 0. */
export function scoreRow(scores: Readonly<Record<string, number>>, classes: readonly string[]): Float64Array {
  return Float64Array.from(classes, (c) => (Object.hasOwn(scores, c) ? (scores[c] as number) : 0));
}

export function mergeLogLoss(...states: LogLossState[]): LogLossState {
  const sum = new CompensatedSum();
  let n = 0, skipped = 0;
  for (const s of states) { sum.add(s.sum); n += s.n; skipped += s.skipped; }
  return { n, sum: sum.value, skipped };
}

/** sklearn.metrics.log_loss: the mean loss. */
export function logLoss(state: LogLossState): MetricValue {
  return state.n === 0 ? NO_DATA : ok(state.sum / state.n);
}
