// ROC AUC and average precision (PR AUC) from raw (score, label) pairs, exactly. Neither merges
// over buckets (a window's AUC is not a function of its buckets' AUCs), so the exact path reads
// the window's rows; score-histogram.ts gives the bounded streaming estimate.
//
// ROC AUC, as sklearn.metrics.roc_auc_score (1.2, sklearn/metrics/_ranking.py): the trapezoidal
// area under the ROC curve whose thresholds are the distinct scores, so tied scores form one
// diagonal step. That area equals the Mann–Whitney statistic with ties counted one half
// (Hanley & McNeil 1982, Radiology 143:29): (#{pos > neg} + ½·#{pos = neg}) / (P·N) over all
// (positive, negative) pairs. We compute it that way — both classes' scores sorted (O(n log n);
// drift's radix sort, O(n) in practice),
// then one merge pass — in integers (2·U is an integer below 2^53 for P·N < 4.5e15), so the only
// rounding is the final division; sklearn's trapezoid sum is within a few ulps of it.
// A window with one class: sklearn raises ("Only one class present in y_true") → 'single_class'.
//
// Average precision, as sklearn.metrics.average_precision_score: AP = Σ_k (R_k − R_{k−1})·P_k over
// the thresholds k at distinct scores, highest first (a step function, no interpolation), i.e.
// (1/P)·Σ_k Δtp_k · tp_k / (tp_k + fp_k). With no positive label sklearn warns and returns 0:
// we answer 'no_positive_labels' instead. With no negative one, P_k = 1 and AP = 1, as sklearn.
//
// One-vs-rest for multiclass (roc_auc_score(multi_class='ovr'), and average_precision_score on
// label_binarize'd labels, which is what sklearn 1.2 offers for multiclass AP): class k's scores
// against "label is k". 'macro' is the mean over classes, 'weighted' the mean weighted by each
// class's true count, 'micro' one binary metric over all (row, class) pairs. For 'macro' and
// 'weighted' ROC AUC sklearn raises when a class has no true row (its binary AUC has one class)
// → 'class_absent'; 'micro' pools the pairs and is defined. For AP sklearn counts such
// a class as 0 in 'macro' (and weight 0 in 'weighted'): we answer 'class_absent' for 'macro' and
// leave it out of 'weighted', which equals sklearn's number. Multiclass ROC AUC also needs rows
// that sum to 1 (sklearn's numpy.allclose check, rtol 1e-5, atol 1e-8) → 'scores_not_probabilities'.
import { sortFloat64InPlace } from '../drift/radix-sort.ts';
import { finite, invalid, NO_DATA, ok, sameLength, undefinedMetric } from './internal.ts';
import type { MetricValue } from './metric-value.ts';

/** Scores of the positive and of the negative rows, each sorted ascending. */
function split(scores: ArrayLike<number>, positives: ArrayLike<boolean>) {
  sameLength(scores, positives, 'scores and positives');
  let p = 0;
  for (let i = 0; i < positives.length; i++) if (positives[i] === true) p++;
  const pos = new Float64Array(p), neg = new Float64Array(scores.length - p);
  let a = 0, b = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = finite(scores[i] as number, 'scores');
    if (positives[i] === true) pos[a++] = s; else neg[b++] = s;
  }
  return { pos: sortFloat64InPlace(pos), neg: sortFloat64InPlace(neg) };
}

/** 2·U: Σ over negatives of 2·#{pos above} + #{pos tied}. */
function twiceU(pos: Float64Array, neg: Float64Array): number {
  let u2 = 0, below = 0, tiedEnd = 0;
  for (let j = 0; j < neg.length; j++) {
    const v = neg[j] as number;
    while (below < pos.length && (pos[below] as number) < v) below++;
    if (tiedEnd < below) tiedEnd = below;
    while (tiedEnd < pos.length && (pos[tiedEnd] as number) === v) tiedEnd++;
    u2 += 2 * (pos.length - tiedEnd) + (tiedEnd - below);
  }
  return u2;
}

function aucOfSorted(pos: Float64Array, neg: Float64Array): MetricValue {
  if (pos.length + neg.length === 0) return NO_DATA;
  if (pos.length === 0 || neg.length === 0) return undefinedMetric('single_class', 'ROC AUC needs positive and negative labels; the window has only one class');
  return ok(twiceU(pos, neg) / (2 * pos.length * neg.length));
}

function apOfSorted(pos: Float64Array, neg: Float64Array): MetricValue {
  if (pos.length + neg.length === 0) return NO_DATA;
  if (pos.length === 0) return undefinedMetric('no_positive_labels', 'average precision needs a positive label; the window has none');
  let i = pos.length - 1, j = neg.length - 1, tp = 0, fp = 0, sum = 0;
  while (i >= 0 || j >= 0) {
    // the next threshold down: the largest score not yet counted
    const v = Math.max(i >= 0 ? (pos[i] as number) : -Infinity, j >= 0 ? (neg[j] as number) : -Infinity);
    const tp0 = tp;
    while (i >= 0 && pos[i] === v) { tp++; i--; }
    while (j >= 0 && neg[j] === v) { fp++; j--; }
    if (tp > tp0) sum += ((tp - tp0) * tp) / (tp + fp);
  }
  return ok(sum / pos.length);
}

/** sklearn.metrics.roc_auc_score(positives, scores): `scores[i]` is row i's P(positive) (or any score that rises with it). */
export function rocAuc(scores: ArrayLike<number>, positives: ArrayLike<boolean>): MetricValue {
  const { pos, neg } = split(scores, positives);
  return aucOfSorted(pos, neg);
}

/** sklearn.metrics.average_precision_score(positives, scores). */
export function averagePrecision(scores: ArrayLike<number>, positives: ArrayLike<boolean>): MetricValue {
  const { pos, neg } = split(scores, positives);
  return apOfSorted(pos, neg);
}

export type OneVsRestAverage = 'macro' | 'weighted' | 'micro';

export type OneVsRestValue =
  | (MetricValue & { status: 'no_data' | 'undefined' })
  | { status: 'ok'; value: number; /** Per class, in `classes` order; null for a class with no true row. */ perClass: (number | null)[] };

/** Each class's scores split by "label is this class", sorted. */
function oneVsRest(truth: ArrayLike<string>, probabilities: ArrayLike<ArrayLike<number>>, classes: readonly string[]) {
  sameLength(truth, probabilities, 'truth and probabilities');
  if (classes.length < 2 || new Set(classes).size !== classes.length) throw invalid('classes', 'one-vs-rest needs at least two distinct classes');
  const index = new Map(classes.map((c, k) => [c, k]));
  const n = truth.length, K = classes.length;
  const code = new Int32Array(n), support = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    const k = index.get(truth[i] as string);
    if (k === undefined) throw invalid('truth', `label ${JSON.stringify(truth[i])} is not one of the classes`); // sklearn raises too
    code[i] = k;
    support[k]!++;
    const row = probabilities[i] as ArrayLike<number>;
    if (row.length !== K) throw invalid('probabilities', `row ${i} has ${row.length} probabilities for ${K} classes`);
    for (let k = 0; k < K; k++) finite(row[k] as number, 'probabilities');
  }
  const column = (k: number) => {
    const s = new Float64Array(n), is = new Array<boolean>(n);
    for (let i = 0; i < n; i++) { s[i] = (probabilities[i] as ArrayLike<number>)[k] as number; is[i] = code[i] === k; }
    return split(s, is);
  };
  return { n, K, code, support, column };
}

function average(perClass: number[], support: number[], avg: OneVsRestAverage): number {
  if (avg === 'weighted') {
    const total = support.reduce((a, b) => a + b, 0);
    return perClass.reduce((acc, x, k) => acc + x * (support[k] as number), 0) / total;
  }
  return perClass.reduce((a, b) => a + b, 0) / perClass.length;
}

function micro(truth: ReturnType<typeof oneVsRest>, metric: (pos: Float64Array, neg: Float64Array) => MetricValue): MetricValue {
  const parts = Array.from({ length: truth.K }, (_, k) => truth.column(k));
  const pos = new Float64Array(parts.reduce((a, p) => a + p.pos.length, 0)), neg = new Float64Array(parts.reduce((a, p) => a + p.neg.length, 0));
  let a = 0, b = 0;
  for (const p of parts) { pos.set(p.pos, a); a += p.pos.length; neg.set(p.neg, b); b += p.neg.length; }
  return metric(sortFloat64InPlace(pos), sortFloat64InPlace(neg));
}

/** sklearn.metrics.roc_auc_score(truth, probabilities, multi_class='ovr', average=…, labels=classes). */
export function rocAucOneVsRest(truth: ArrayLike<string>, probabilities: ArrayLike<ArrayLike<number>>, classes: readonly string[], avg: OneVsRestAverage = 'macro'): OneVsRestValue {
  const t = oneVsRest(truth, probabilities, classes);
  if (t.n === 0) return NO_DATA;
  for (let i = 0; i < t.n; i++) {
    const row = probabilities[i] as ArrayLike<number>;
    let s = 0;
    for (let k = 0; k < t.K; k++) s += row[k] as number;
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) return undefinedMetric('scores_not_probabilities', `row ${i}'s probabilities sum to ${s}, not 1`);
  }
  const perClass = classes.map((_, k) => {
    const c = t.column(k), v = aucOfSorted(c.pos, c.neg);
    return v.status === 'ok' ? v.value : null;
  });
  if (avg === 'micro') {
    const m = micro(t, aucOfSorted);
    return m.status === 'ok' ? { status: 'ok', value: m.value, perClass } : m;
  }
  const absent = classes.filter((_, k) => t.support[k] === 0);
  if (absent.length > 0) return undefinedMetric('class_absent', `one-vs-rest ROC AUC needs every class among the labels; absent: ${absent.join(', ')}`);
  return { status: 'ok', value: average(perClass as number[], t.support, avg), perClass };
}

/** sklearn.metrics.average_precision_score(label_binarize(truth, classes=classes), probabilities, average=…). */
export function averagePrecisionOneVsRest(truth: ArrayLike<string>, probabilities: ArrayLike<ArrayLike<number>>, classes: readonly string[], avg: OneVsRestAverage = 'macro'): OneVsRestValue {
  const t = oneVsRest(truth, probabilities, classes);
  if (t.n === 0) return NO_DATA;
  const perClass = classes.map((_, k) => {
    if (t.support[k] === 0) return null;
    const c = t.column(k);
    return (apOfSorted(c.pos, c.neg) as { value: number }).value;
  });
  if (avg === 'micro') {
    const m = micro(t, apOfSorted);
    return m.status === 'ok' ? { status: 'ok', value: m.value, perClass } : m;
  }
  const absent = classes.filter((_, k) => t.support[k] === 0);
  if (avg === 'macro' && absent.length > 0) return undefinedMetric('class_absent', `macro average precision needs every class among the labels; absent: ${absent.join(', ')}`);
  const present = perClass.map((v) => v ?? 0);
  return { status: 'ok', value: average(present, t.support, avg), perClass };
}
