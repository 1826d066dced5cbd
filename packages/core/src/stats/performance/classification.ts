// Precision, recall and F-scores from confusion counts, as scikit-learn 1.2's
// sklearn.metrics.precision_recall_fscore_support computes them (sklearn/metrics/_classification.py,
// _prf_divide and precision_recall_fscore_support), so the numbers agree with what users get in a
// notebook:
// - per label: precision = tp / predicted, recall = tp / actual; a zero denominator gives the
//   `zeroDivision` value (0 for 'warn' and 0, 1 for 1) and the label is listed in `illDefined`;
// - F-beta = (1 + β²)·P·R / (β²·P + R) from those P and R, 0 where β²·P + R is 0 — so with
//   zeroDivision 1 a label neither true nor predicted has F = 1, and one with only one of the two
//   has F = 0, as in sklearn 1.2;
// - averages: 'binary' is the positive label alone; 'micro' pools tp, predicted and actual over
//   the labels first; 'macro' is the plain mean over labels; 'weighted' the mean weighted by
//   each label's true count, and when no label has a true row sklearn's special case: all three
//   are the zeroDivision value if nothing was predicted either, else precision 0, recall the
//   zeroDivision value, F 0.
// The labels averaged over are those present in the window (sklearn's default, unique_labels of
// truth and prediction) unless `labels` is given — pass the model's classes to count absent
// classes too, as sklearn does with labels=.
// 'binary' with more than two labels in the window (a label the binary model does not know):
// sklearn raises; we give the positive label's values, what sklearn gives with labels=[positive].
import { confusionTotal, labelSums, presentLabels, type ConfusionState } from './confusion.ts';
import { invalid } from './internal.ts';

/** sklearn's zero_division: 'warn' (sklearn's default, and ours) and 0 both give 0; 1 gives 1. */
export type ZeroDivision = 'warn' | 0 | 1;
export type ClassificationAverage = 'binary' | 'micro' | 'macro' | 'weighted';

export interface PrecisionRecallOptions {
  average: ClassificationAverage;
  /** The positive label; required for 'binary', ignored otherwise (as sklearn's pos_label). */
  positive?: string;
  /** The labels to score; default those present in the window. Ignored for 'binary'. */
  labels?: readonly string[];
  zeroDivision?: ZeroDivision;
  /** F-beta's β (default 1: F1). */
  beta?: number;
}

/** Labels whose precision (nothing predicted) or recall (no true row) had a zero denominator. */
export interface IllDefined { precision: string[]; recall: string[] }

export type PrecisionRecallAnswer =
  | { status: 'ok'; precision: number; recall: number; fscore: number; illDefined: IllDefined }
  | { status: 'no_data' };

export interface PerLabelPrecisionRecall {
  status: 'ok';
  labels: string[];
  precision: number[];
  recall: number[];
  fscore: number[];
  /** True rows per label (sklearn's support). */
  support: number[];
  illDefined: IllDefined;
}

function checkOptions(zeroDivision: ZeroDivision, beta: number) {
  if (zeroDivision !== 'warn' && zeroDivision !== 0 && zeroDivision !== 1) throw invalid('zeroDivision', 'zeroDivision must be "warn", 0 or 1');
  if (!(beta >= 0) || !Number.isFinite(beta)) throw invalid('beta', 'beta must be a finite number >= 0');
}

/** sklearn's _prf_divide: num / den, and the zero_division value where den is 0. */
function divide(num: number[], den: number[], zd: number, labels: readonly string[], ill: string[]): number[] {
  return num.map((x, i) => {
    if (den[i] !== 0) return x / (den[i] as number);
    ill.push(labels[i] as string);
    return zd;
  });
}

function scores(tp: number[], predicted: number[], actual: number[], labels: readonly string[], zeroDivision: ZeroDivision, beta: number) {
  const zd = zeroDivision === 1 ? 1 : 0;
  const illDefined: IllDefined = { precision: [], recall: [] };
  const precision = divide(tp, predicted, zd, labels, illDefined.precision);
  const recall = divide(tp, actual, zd, labels, illDefined.recall);
  const b2 = beta * beta;
  const fscore = precision.map((p, i) => {
    const r = recall[i] as number;
    const den = b2 * p + r;
    return ((1 + b2) * p * r) / (den === 0 ? 1 : den);
  });
  return { precision, recall, fscore, illDefined };
}

function useLabels(state: ConfusionState, labels: readonly string[] | undefined): string[] {
  const use = labels ? [...labels] : presentLabels(state);
  if (new Set(use).size !== use.length) throw invalid('labels', 'labels must be distinct');
  return use;
}

/** Precision, recall and F-beta of each label: precision_recall_fscore_support(average=None). */
export function precisionRecallPerLabel(state: ConfusionState, opts: { labels?: readonly string[]; zeroDivision?: ZeroDivision; beta?: number } = {}): PerLabelPrecisionRecall | { status: 'no_data' } {
  const zeroDivision = opts.zeroDivision ?? 'warn', beta = opts.beta ?? 1;
  checkOptions(zeroDivision, beta);
  if (confusionTotal(state) === 0) return { status: 'no_data' };
  const labels = useLabels(state, opts.labels);
  const { tp, predicted, actual } = labelSums(state, labels);
  return { status: 'ok', labels, ...scores(tp, predicted, actual, labels, zeroDivision, beta), support: actual };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Averaged precision, recall and F-beta: precision_recall_fscore_support(average=…). */
export function precisionRecallFscore(state: ConfusionState, opts: PrecisionRecallOptions): PrecisionRecallAnswer {
  const zeroDivision = opts.zeroDivision ?? 'warn', beta = opts.beta ?? 1;
  checkOptions(zeroDivision, beta);
  if (!['binary', 'micro', 'macro', 'weighted'].includes(opts.average)) throw invalid('average', 'average must be binary, micro, macro or weighted');
  if (opts.average === 'binary' && typeof opts.positive !== 'string') throw invalid('positive', "average 'binary' needs the positive label");
  if (confusionTotal(state) === 0) return { status: 'no_data' };
  const labels = opts.average === 'binary' ? [opts.positive as string] : useLabels(state, opts.labels);
  if (labels.length === 0) throw invalid('labels', 'at least one label is needed');
  let { tp, predicted, actual } = labelSums(state, labels);
  if (opts.average === 'micro') {
    const sum = (xs: number[]) => [xs.reduce((a, b) => a + b, 0)];
    [tp, predicted, actual] = [sum(tp), sum(predicted), sum(actual)];
  }
  const s = scores(tp, predicted, actual, opts.average === 'micro' ? ['micro'] : labels, zeroDivision, beta);
  // Under 'micro' a zero denominator is that of the pooled counts: name the labels it pools.
  const illDefined = opts.average === 'micro'
    ? { precision: s.illDefined.precision.length ? labels : [], recall: s.illDefined.recall.length ? labels : [] }
    : s.illDefined;
  if (opts.average === 'weighted') {
    const total = actual.reduce((a, b) => a + b, 0);
    if (total === 0) {
      const zd = zeroDivision === 1 ? 1 : 0;
      const nothingPredicted = predicted.reduce((a, b) => a + b, 0) === 0;
      return { status: 'ok', precision: nothingPredicted ? zd : 0, recall: zd, fscore: nothingPredicted ? zd : 0, illDefined };
    }
    // numpy.average(x, weights=w): sum(x * w) / sum(w)
    const weighted = (xs: number[]) => xs.reduce((acc, x, i) => acc + x * (actual[i] as number), 0) / total;
    return { status: 'ok', precision: weighted(s.precision), recall: weighted(s.recall), fscore: weighted(s.fscore), illDefined };
  }
  return { status: 'ok', precision: mean(s.precision), recall: mean(s.recall), fscore: mean(s.fscore), illDefined };
}
