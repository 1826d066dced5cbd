// Confidence-based performance estimation (CBPE) for binary classifiers: performance without
// labels, from the model's scores, as NannyML defines it (docs/how_it_works/performance_estimation.rst
// and nannyml/performance_estimation/confidence_based/metrics.py in github.com/NannyML/nannyml).
//
// Fit, on a labelled reference (not the training set: a calibrator fitted on training scores is biased):
// - calibration: an isotonic map score → P(label = 1) (isotonic.ts). With `calibration: 'auto'`
//   (default) it is used only where it helps, as NannyML's needs_calibration decides: not when the
//   reference has one class or its ROC AUC is above 0.999; otherwise cross-validated — fitted on 9
//   folds, applied to the 10th — and kept when the expected calibration error (10 equal-count bins)
//   of the calibrated scores is below that of the raw ones. Our folds are a deterministic
//   stratified 10-fold split (the i-th row of each class goes to fold i mod 10) where NannyML
//   draws 10 stratified shuffle splits: no randomness in the core. Scores outside [0, 1] cannot
//   be probabilities, so they are always calibrated;
// - sampling-error components (nannyml/sampling_error/binary_classification.py): for each metric,
//   the standard deviation (ddof 0) of its per-row contribution on the reference and the share of
//   rows that contribute; a window of n rows then has sampling error std / √(n · share) — the
//   standard error of a mean over the n · share contributing rows; for confusion-matrix counts,
//   std · √n. Accuracy: rows correct (1/0), share 1. Precision: predicted positives, TP → 1, FP → 0.
//   Recall: actual positives, TP → 1, FN → 0. F1: rows in TP ∪ FP ∪ FN, TP → c, FP/FN → 0 with
//   c = |TP ∪ FP ∪ FN| / (TP + (FP + FN)/2), so their mean is the F1. ROC AUC (as a Mann–Whitney
//   statistic): over the rows of the minority class, the share of the other class ranked below
//   each; share = the minority's share of rows. NannyML counts rows strictly below and breaks ties
//   by sort order; we count tied rows as half (the Mann–Whitney placement), which is the same
//   without ties;
// - alert thresholds: the reference is cut into chunks of `chunkSize` rows (default a tenth; the
//   remainder joins the last chunk); a metric's realized values on them give mean ± 3 standard
//   deviations (ddof 0), clipped to the metric's range ([0, 1]; counts ≥ 0).
//
// Estimate, on a window of scores (no labels): with p the calibrated probability and ŷ the
// predicted class (given, or score ≥ threshold), the expected confusion matrix is TP = Σ_{ŷ=1} p,
// FP = Σ_{ŷ=1} (1 − p), FN = Σ_{ŷ=0} p, TN = Σ_{ŷ=0} (1 − p); accuracy, precision, recall and F1
// follow from it. ROC AUC: the rows sorted by raw score, highest first, each adds p to the
// expected true positives and 1 − p to the expected false positives; the area under the expected
// (FPR, TPR) curve, by trapezoids between distinct scores (NannyML rounds the cumulative sums to 5
// decimals first; we do not). Each metric gets its sampling error, a band estimate ± 3 sampling
// errors (NannyML's SAMPLING_ERROR_RANGE) clipped to the metric's range, and an alert when the
// estimate leaves the alert thresholds.
//
// What the band means: the realized value of a window is expected inside it when the assumptions
// hold — the calibrated scores are right for the window (no concept drift: P(label | score) is as
// in the reference; covariate shift is fine), the window is not in a score region the reference
// never saw, and the window is not tiny. The sampling error is that of the realized metric on a
// random sample the size of the window, which is wider than the realized value's spread around
// the estimate given the scores, so ±3 of it is mostly conservative: cbpe.test.ts requires ≥ 90%
// coverage on simulated windows with covariate shift (it measures 96% for ROC AUC, whose NannyML
// error counts one class's variance only, 98–100% for the rest; docs/performance-estimation.md),
// and shows it collapse under concept shift, which CBPE cannot see (concept-drift.ts watches the
// labelled outcomes for it).
// Cost: fit O(n log n) (sorts; 11 isotonic fits with 'auto'); a window O(m log m).
import { predictIsotonic } from './isotonic.ts';
import {
  alertBand, aucComponents, checkScores, fitCalibration, invalid, rankAuc, sliceOf, stdOfBinary,
  type CbpeCalibration, type SamplingErrorComponents,
} from './cbpe-internal.ts';

export type { CbpeCalibration, SamplingErrorComponents } from './cbpe-internal.ts';

export type CbpeMetric = 'accuracy' | 'precision' | 'recall' | 'f1' | 'rocAuc' | 'truePositive' | 'trueNegative' | 'falsePositive' | 'falseNegative';

/** Every metric CBPE estimates, in display order. */
export const CBPE_METRICS: readonly CbpeMetric[] = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'truePositive', 'trueNegative', 'falsePositive', 'falseNegative'];

const COUNTS: ReadonlySet<CbpeMetric> = new Set(['truePositive', 'trueNegative', 'falsePositive', 'falseNegative']);

/** Labelled reference rows: a score (higher means class 1), the label (0 or 1), optionally the predicted class. */
export interface CbpeReference {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** The class the model predicted (0 or 1). Default: score ≥ threshold. */
  predictions?: ArrayLike<number>;
}

/** A window to estimate: scores and, optionally, the predicted classes. */
export interface CbpeWindow {
  scores: ArrayLike<number>;
  predictions?: ArrayLike<number>;
}

export interface CbpeOptions {
  /** Predicted class is 1 when score ≥ threshold (when predictions are not given). Default 0.5. */
  threshold?: number;
  /** 'auto' (default): isotonic where it lowers the calibration error; 'isotonic': always; 'none': scores are probabilities. */
  calibration?: 'auto' | 'isotonic' | 'none';
  /** Reference rows per chunk for the alert thresholds. Default: a tenth of the reference. */
  chunkSize?: number;
  /** Half-width of the band in sampling errors. Default 3 (NannyML). */
  bandWidth?: number;
  /** Alert thresholds: reference chunks' mean ± this many standard deviations. Default 3 (NannyML). */
  alertStd?: number;
}

/** A fitted CBPE estimator: plain JSON, stored beside the model version it was fitted for. */
export interface CbpeModel {
  method: 'cbpe';
  task: 'binary';
  threshold: number;
  bandWidth: number;
  calibration: CbpeCalibration;
  reference: { rows: number; positives: number; predictedPositives: number; chunkSize: number; chunks: number };
  /** Null where the reference has no row that contributes (e.g. no predicted positives for precision). */
  samplingError: Record<CbpeMetric, SamplingErrorComponents | null>;
  /** From the realized values on the reference chunks; null where no chunk had a value. */
  alertThresholds: Record<CbpeMetric, { lower: number; upper: number | null } | null>;
}

export interface CbpeMetricEstimate {
  /** Null where the metric is undefined for the window (e.g. precision with no predicted positives). */
  value: number | null;
  samplingError: number | null;
  /** The band: value ± bandWidth · samplingError, clipped to the metric's range. */
  lower: number | null;
  upper: number | null;
  /** The estimate is outside the alert thresholds. */
  alert: boolean;
}

export interface CbpeEstimate {
  rows: number;
  metrics: Record<CbpeMetric, CbpeMetricEstimate>;
}

export type CbpeValues = Record<CbpeMetric, number | null>;

/**
 * Fits CBPE on a labelled reference.
 *
 * @example
 *   const model = fitCbpe({ scores: refScores, labels: refLabels });
 *   const week = estimateCbpe(model, { scores: weekScores });
 *   week.metrics.accuracy; // { value, samplingError, lower, upper, alert }
 */
export function fitCbpe(reference: CbpeReference, options: CbpeOptions = {}): CbpeModel {
  const threshold = options.threshold ?? 0.5, bandWidth = options.bandWidth ?? 3, alertStd = options.alertStd ?? 3;
  if (!Number.isFinite(threshold)) throw invalid('threshold', 'threshold must be a finite number');
  if (!(bandWidth > 0 && Number.isFinite(bandWidth))) throw invalid('bandWidth', 'bandWidth must be a positive number');
  if (!(alertStd > 0 && Number.isFinite(alertStd))) throw invalid('alertStd', 'alertStd must be a positive number');
  const { scores, labels } = reference, n = scores.length;
  if (labels.length !== n) throw invalid('labels', `${labels.length} labels for ${n} scores`);
  checkScores(scores, 'scores');
  for (let i = 0; i < n; i++) if (labels[i] !== 0 && labels[i] !== 1) throw invalid('labels', `labels[${i}] must be 0 or 1`);
  const predictions = predictedClasses(scores, reference.predictions, threshold, 'predictions');
  const chunkSize = options.chunkSize ?? Math.floor(n / 10);
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1 && n >= 2 * chunkSize)) {
    throw invalid('chunkSize', `the alert thresholds need at least two reference chunks: ${n} rows, chunks of ${chunkSize}`);
  }

  const calibration = fitCalibration(scores, labels, options.calibration ?? 'auto');
  let positives = 0, predictedPositives = 0;
  for (let i = 0; i < n; i++) { positives += labels[i]!; predictedPositives += predictions[i]!; }

  const chunks = Math.floor(n / chunkSize);
  const perChunk = Array.from({ length: chunks }, (_, c) => {
    const from = c * chunkSize, to = c === chunks - 1 ? n : from + chunkSize;
    return realizedValues(sliceOf(scores, from, to), sliceOf(labels, from, to), predictions.subarray(from, to));
  });
  const alertThresholds = {} as CbpeModel['alertThresholds'];
  for (const metric of CBPE_METRICS) {
    const values = perChunk.map((v) => v[metric]).filter((v): v is number => v !== null);
    alertThresholds[metric] = values.length === 0 ? null : alertBand(values, alertStd, COUNTS.has(metric) ? null : 1);
  }

  return {
    method: 'cbpe', task: 'binary', threshold, bandWidth, calibration,
    reference: { rows: n, positives, predictedPositives, chunkSize, chunks },
    samplingError: samplingErrorComponents(scores, labels, predictions),
    alertThresholds,
  };
}

/** The calibrated probability of class 1 for each score (the raw score where calibration is not applied). */
export function calibrateScores(model: CbpeModel, scores: ArrayLike<number>): Float64Array {
  const iso = model.calibration.isotonic;
  return model.calibration.applied && iso ? predictIsotonic(iso, scores) : Float64Array.from(scores);
}

/** Estimates every metric for a window of scores, with its sampling error, band and alert. */
export function estimateCbpe(model: CbpeModel, window: CbpeWindow): CbpeEstimate {
  checkScores(window.scores, 'scores');
  if (!model.calibration.applied) {
    for (let i = 0; i < window.scores.length; i++) {
      const s = window.scores[i]!;
      if (s < 0 || s > 1) throw invalid('scores', `scores[${i}] is outside [0, 1] and the model uses uncalibrated scores as probabilities`);
    }
  }
  const n = window.scores.length;
  const p = calibrateScores(model, window.scores);
  const predictions = predictedClasses(window.scores, window.predictions, model.threshold, 'predictions');
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < n; i++) {
    if (predictions[i] === 1) { tp += p[i]!; fp += 1 - p[i]!; } else { fn += p[i]!; tn += 1 - p[i]!; }
  }
  const values: CbpeValues = {
    ...confusionMetrics(tp, fp, fn, tn),
    rocAuc: rankAuc(window.scores, (i) => p[i]!, (i) => 1 - p[i]!),
  };
  const metrics = {} as Record<CbpeMetric, CbpeMetricEstimate>;
  for (const metric of CBPE_METRICS) {
    const value = values[metric], components = model.samplingError[metric];
    const se = components === null || n === 0 ? null : samplingError(components, n);
    const max = COUNTS.has(metric) ? n : 1;
    const band = value === null || se === null ? null : { lower: Math.max(0, value - model.bandWidth * se), upper: Math.min(max, value + model.bandWidth * se) };
    const t = model.alertThresholds[metric];
    const alert = value !== null && t !== null && (value < t.lower || (t.upper !== null && value > t.upper));
    metrics[metric] = { value, samplingError: se, lower: band?.lower ?? null, upper: band?.upper ?? null, alert };
  }
  return { rows: n, metrics };
}

/**
 * The realized metrics of a labelled window, defined as CBPE estimates them (predicted class from
 * the same threshold, ROC AUC on the raw scores), to draw beside the estimate once labels arrive.
 */
export function realizedCbpe(model: CbpeModel, window: CbpeReference): CbpeValues {
  const n = window.scores.length;
  if (window.labels.length !== n) throw invalid('labels', `${window.labels.length} labels for ${n} scores`);
  checkScores(window.scores, 'scores');
  for (let i = 0; i < n; i++) if (window.labels[i] !== 0 && window.labels[i] !== 1) throw invalid('labels', `labels[${i}] must be 0 or 1`);
  return realizedValues(window.scores, window.labels, predictedClasses(window.scores, window.predictions, model.threshold, 'predictions'));
}

/** The sampling error of a metric on a window of n rows. */
export function samplingError(components: SamplingErrorComponents, n: number): number {
  return components.scale === 'count' ? components.std * Math.sqrt(n) : components.std / Math.sqrt(n * components.share);
}

// ---------- metrics

function confusionMetrics(tp: number, fp: number, fn: number, tn: number): Omit<CbpeValues, 'rocAuc'> {
  const n = tp + fp + fn + tn;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    accuracy: ratio(tp + tn, n),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(tp, tp + 0.5 * (fp + fn)),
    truePositive: tp, trueNegative: tn, falsePositive: fp, falseNegative: fn,
  };
}

function realizedValues(scores: ArrayLike<number>, labels: ArrayLike<number>, predictions: Uint8Array): CbpeValues {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < scores.length; i++) {
    if (predictions[i] === 1) { if (labels[i] === 1) tp++; else fp++; } else if (labels[i] === 1) fn++; else tn++;
  }
  return { ...confusionMetrics(tp, fp, fn, tn), rocAuc: rankAuc(scores, (i) => labels[i]!, (i) => 1 - labels[i]!) };
}

// ---------- sampling error (nannyml/sampling_error/binary_classification.py)

function samplingErrorComponents(scores: ArrayLike<number>, labels: ArrayLike<number>, predictions: Uint8Array): Record<CbpeMetric, SamplingErrorComponents | null> {
  const n = scores.length;
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < n; i++) {
    if (predictions[i] === 1) { if (labels[i] === 1) tp++; else fp++; } else if (labels[i] === 1) fn++; else tn++;
  }
  const mean = (ones: number, zeros: number, value = 1): SamplingErrorComponents | null =>
    ones + zeros === 0 ? null : { std: stdOfBinary(ones, zeros, value), share: (ones + zeros) / n, scale: 'mean' };
  const count = (ones: number): SamplingErrorComponents => ({ std: stdOfBinary(ones, n - ones), share: 1, scale: 'count' });
  const f1Rows = tp + fp + fn;
  return {
    accuracy: mean(tp + tn, fp + fn),
    precision: mean(tp, fp),
    recall: mean(tp, fn),
    f1: f1Rows === 0 ? null : mean(tp, fp + fn, f1Rows / (tp + 0.5 * (fp + fn))),
    rocAuc: aucComponents(scores, labels),
    truePositive: count(tp), trueNegative: count(tn), falsePositive: count(fp), falseNegative: count(fn),
  };
}

// ---------- input checks

function predictedClasses(scores: ArrayLike<number>, given: ArrayLike<number> | undefined, threshold: number, field: string): Uint8Array {
  const n = scores.length, out = new Uint8Array(n);
  if (given) {
    if (given.length !== n) throw invalid(field, `${given.length} predictions for ${n} scores`);
    for (let i = 0; i < n; i++) {
      if (given[i] !== 0 && given[i] !== 1) throw invalid(field, `${field}[${i}] must be 0 or 1`);
      out[i] = given[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = scores[i]! >= threshold ? 1 : 0;
  }
  return out;
}

