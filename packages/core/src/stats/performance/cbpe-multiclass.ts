// CBPE for multiclass classifiers, one-vs-rest, as NannyML does it (docs/how_it_works/
// performance_estimation.rst, "Multiclass Classification"; nannyml/sampling_error/
// multiclass_classification.py). Binary CBPE (cbpe.ts) explains the idea; here:
//
// - calibration: each class's score column is calibrated one-vs-rest against "label is this
//   class" (isotonic, with the same 'auto' choice per class, so some classes may stay raw), then
//   each row is normalised to sum to 1 (a row whose calibrated values are all 0 becomes uniform);
// - predicted class: given, or the class with the highest raw score (the first on ties);
// - estimates, with p_k the calibrated probability of class k: per class, TP_k = Σ_{ŷ=k} p_k,
//   FP_k = Σ_{ŷ=k} (1 − p_k), FN_k = Σ_{ŷ≠k} p_k; precision, recall and F1 are the macro averages
//   of the per-class values; accuracy is the mean of p_ŷ (the probability the predicted class is
//   right); ROC AUC the macro average of each class's one-vs-rest AUC estimated as binary CBPE
//   does, from the class's raw scores and its own calibrated (not normalised) probabilities —
//   normalising first biased it upwards by about 1.4 sampling errors in cbpe-multiclass.test.ts.
//   The expected confusion matrix is E[rows with label j predicted k] = Σ_{ŷ=k} p_j;
// - sampling error of a macro average over K classes on n rows: √(Σ_k var_k / (n · share_k)) / K,
//   with var_k the variance of class k's per-row contributions on the reference and share_k the
//   share of rows that contribute, as in binary CBPE; ROC AUC's is multiplied by 1.2 (NannyML's
//   factor); accuracy's is std(correct) / √n. F1 contributions carry binary CBPE's correction
//   (their mean is the F1) where NannyML's multiclass code leaves it out;
// - a macro average is null when a class's value is undefined (no predicted rows for precision,
//   no expected positives for recall) — realized values too, where scikit-learn would count 0.
// Realized values (realizedCbpeMulticlass) follow the same definitions with the labels.
import type { IsotonicModel } from './isotonic.ts';
import { predictIsotonic } from './isotonic.ts';
import { alertBand, aucComponents, checkScores, fitCalibration, invalid, rankAuc, stdOfBinary, type CbpeCalibration } from './cbpe-internal.ts';
import type { CbpeMetricEstimate } from './cbpe.ts';

export type CbpeMulticlassMetric = 'accuracy' | 'precision' | 'recall' | 'f1' | 'rocAuc';

export const CBPE_MULTICLASS_METRICS: readonly CbpeMulticlassMetric[] = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc'];

/** Labelled reference rows: one score per class (in `classes` order), the label, optionally the predicted class. */
export interface CbpeMulticlassReference {
  classes: readonly string[];
  scores: ArrayLike<ArrayLike<number>>;
  labels: ArrayLike<string>;
  predictions?: ArrayLike<string>;
}

export interface CbpeMulticlassWindow {
  scores: ArrayLike<ArrayLike<number>>;
  predictions?: ArrayLike<string>;
}

export interface CbpeMulticlassOptions {
  calibration?: 'auto' | 'isotonic' | 'none';
  chunkSize?: number;
  bandWidth?: number;
  alertStd?: number;
}

/** One class's share of contributing rows and the variance of their contributions. */
export interface ClassSamplingComponents { variance: number; share: number }

export interface CbpeMulticlassModel {
  method: 'cbpe';
  task: 'multiclass';
  classes: string[];
  bandWidth: number;
  /** One per class, in class order. */
  calibration: CbpeCalibration[];
  reference: { rows: number; chunkSize: number; chunks: number };
  samplingError: {
    accuracy: number;
    precision: ClassSamplingComponents[] | null;
    recall: ClassSamplingComponents[] | null;
    f1: ClassSamplingComponents[] | null;
    rocAuc: ClassSamplingComponents[] | null;
  };
  alertThresholds: Record<CbpeMulticlassMetric, { lower: number; upper: number | null } | null>;
}

export interface CbpeMulticlassEstimate {
  rows: number;
  metrics: Record<CbpeMulticlassMetric, CbpeMetricEstimate>;
  /** Expected counts: confusionMatrix[j][k] = rows with label classes[j] predicted classes[k]. */
  confusionMatrix: number[][];
}

export type CbpeMulticlassValues = Record<CbpeMulticlassMetric, number | null>;

const AUC_FACTOR = 1.2;

/**
 * Fits multiclass CBPE on a labelled reference.
 *
 * @example
 *   const model = fitCbpeMulticlass({ classes: ['a', 'b', 'c'], scores: refProbabilities, labels: refLabels });
 *   estimateCbpeMulticlass(model, { scores: windowProbabilities }).metrics.f1; // macro F1 with its band
 */
export function fitCbpeMulticlass(reference: CbpeMulticlassReference, options: CbpeMulticlassOptions = {}): CbpeMulticlassModel {
  const classes = [...reference.classes], k = classes.length, n = reference.scores.length;
  const bandWidth = options.bandWidth ?? 3, alertStd = options.alertStd ?? 3;
  if (k < 2 || new Set(classes).size !== k) throw invalid('classes', 'at least two distinct classes are needed');
  if (!(bandWidth > 0 && Number.isFinite(bandWidth))) throw invalid('bandWidth', 'bandWidth must be a positive number');
  if (!(alertStd > 0 && Number.isFinite(alertStd))) throw invalid('alertStd', 'alertStd must be a positive number');
  if (reference.labels.length !== n) throw invalid('labels', `${reference.labels.length} labels for ${n} rows of scores`);
  const columns = scoreColumns(reference.scores, k);
  const labels = classIndexes(reference.labels, classes, 'labels');
  const predictions = predictedIndexes(columns, reference.predictions, classes);
  const chunkSize = options.chunkSize ?? Math.floor(n / 10);
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1 && n >= 2 * chunkSize)) {
    throw invalid('chunkSize', `the alert thresholds need at least two reference chunks: ${n} rows, chunks of ${chunkSize}`);
  }
  const calibration = columns.map((col, c) => fitCalibration(col, Array.from(labels, (y) => (y === c ? 1 : 0)), options.calibration ?? 'auto'));

  const chunks = Math.floor(n / chunkSize);
  const perChunk = Array.from({ length: chunks }, (_, c) => {
    const from = c * chunkSize, to = c === chunks - 1 ? n : from + chunkSize;
    return realizedValues(columns.map((col) => col.subarray(from, to)), labels.subarray(from, to), predictions.subarray(from, to));
  });
  const alertThresholds = {} as CbpeMulticlassModel['alertThresholds'];
  for (const metric of CBPE_MULTICLASS_METRICS) {
    const values = perChunk.map((v) => v[metric]).filter((v): v is number => v !== null);
    alertThresholds[metric] = values.length === 0 ? null : alertBand(values, alertStd, 1);
  }
  return {
    method: 'cbpe', task: 'multiclass', classes, bandWidth, calibration,
    reference: { rows: n, chunkSize, chunks },
    samplingError: samplingComponents(columns, labels, predictions),
    alertThresholds,
  };
}

/** Calibrated, normalised class probabilities, one column per class. */
export function calibrateMulticlassScores(model: CbpeMulticlassModel, scores: ArrayLike<ArrayLike<number>>): Float64Array[] {
  const p = calibratedColumns(model, scoreColumns(scores, model.classes.length));
  const n = scores.length, k = p.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += p[c]![i]!;
    for (let c = 0; c < k; c++) p[c]![i] = sum > 0 ? p[c]![i]! / sum : 1 / k;
  }
  return p;
}

// Each class's column through its own calibration, not normalised.
function calibratedColumns(model: CbpeMulticlassModel, columns: Float64Array[]): Float64Array[] {
  return columns.map((col, c) => {
    const cal = model.calibration[c]!, iso: IsotonicModel | null = cal.isotonic;
    if (cal.applied && iso) return predictIsotonic(iso, col);
    col.forEach((s, i) => { if (s < 0 || s > 1) throw invalid('scores', `scores[${i}][${c}] is outside [0, 1] and class ${model.classes[c]} uses uncalibrated scores as probabilities`); });
    return Float64Array.from(col);
  });
}

/** Estimates the macro metrics, accuracy and the expected confusion matrix of a window of class scores. */
export function estimateCbpeMulticlass(model: CbpeMulticlassModel, window: CbpeMulticlassWindow): CbpeMulticlassEstimate {
  const k = model.classes.length, n = window.scores.length;
  const raw = scoreColumns(window.scores, k);
  const p = calibrateMulticlassScores(model, window.scores);
  const predictions = predictedIndexes(raw, window.predictions, model.classes);
  const confusionMatrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const predicted = predictions[i]!;
    correct += p[predicted]![i]!;
    for (let j = 0; j < k; j++) confusionMatrix[j]![predicted]! += p[j]![i]!;
  }
  // one-vs-rest ROC AUC is binary CBPE on each class's column: its own calibration, unnormalised
  const own = calibratedColumns(model, raw);
  const values = macroValues(confusionMatrix, n === 0 ? null : correct / n, raw.map((col, c) => rankAuc(col, (i) => own[c]![i]!, (i) => 1 - own[c]![i]!)));
  const se = model.samplingError;
  const errors: Record<CbpeMulticlassMetric, number | null> = n === 0
    ? { accuracy: null, precision: null, recall: null, f1: null, rocAuc: null }
    : {
      accuracy: se.accuracy / Math.sqrt(n),
      precision: macroError(se.precision, n), recall: macroError(se.recall, n), f1: macroError(se.f1, n),
      rocAuc: se.rocAuc === null ? null : macroError(se.rocAuc, n)! * AUC_FACTOR,
    };
  const metrics = {} as Record<CbpeMulticlassMetric, CbpeMetricEstimate>;
  for (const metric of CBPE_MULTICLASS_METRICS) {
    const value = values[metric], e = errors[metric], t = model.alertThresholds[metric];
    const banded = value !== null && e !== null;
    metrics[metric] = {
      value, samplingError: e,
      lower: banded ? Math.max(0, value - model.bandWidth * e) : null,
      upper: banded ? Math.min(1, value + model.bandWidth * e) : null,
      alert: value !== null && t !== null && (value < t.lower || (t.upper !== null && value > t.upper)),
    };
  }
  return { rows: n, metrics, confusionMatrix };
}

/** The realized values of a labelled window, defined as the estimates are. */
export function realizedCbpeMulticlass(model: CbpeMulticlassModel, window: CbpeMulticlassWindow & { labels: ArrayLike<string> }): CbpeMulticlassValues {
  const k = model.classes.length;
  if (window.labels.length !== window.scores.length) throw invalid('labels', `${window.labels.length} labels for ${window.scores.length} rows of scores`);
  const raw = scoreColumns(window.scores, k);
  return realizedValues(raw, classIndexes(window.labels, model.classes, 'labels'), predictedIndexes(raw, window.predictions, model.classes));
}

function realizedValues(raw: Float64Array[], labels: Int32Array, predictions: Int32Array): CbpeMulticlassValues {
  const k = raw.length, n = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) { matrix[labels[i]!]![predictions[i]!]!++; if (labels[i] === predictions[i]) correct++; }
  return macroValues(matrix, n === 0 ? null : correct / n, raw.map((col, c) => rankAuc(col, (i) => (labels[i] === c ? 1 : 0), (i) => (labels[i] === c ? 0 : 1))));
}

// Macro averages from a confusion matrix of (expected or realized) counts [true][predicted].
function macroValues(matrix: number[][], accuracy: number | null, aucs: (number | null)[]): CbpeMulticlassValues {
  const k = matrix.length;
  const precision: (number | null)[] = [], recall: (number | null)[] = [], f1: (number | null)[] = [];
  for (let c = 0; c < k; c++) {
    let predicted = 0, actual = 0;
    for (let j = 0; j < k; j++) { predicted += matrix[j]![c]!; actual += matrix[c]![j]!; }
    const tp = matrix[c]![c]!, fp = predicted - tp, fn = actual - tp;
    precision.push(predicted > 0 ? tp / predicted : null);
    recall.push(actual > 0 ? tp / actual : null);
    f1.push(tp + 0.5 * (fp + fn) > 0 ? tp / (tp + 0.5 * (fp + fn)) : null);
  }
  return { accuracy, precision: mean(precision), recall: mean(recall), f1: mean(f1), rocAuc: mean(aucs) };
}

function mean(values: (number | null)[]): number | null {
  let sum = 0;
  for (const v of values) { if (v === null) return null; sum += v; }
  return sum / values.length;
}

function macroError(components: ClassSamplingComponents[] | null, n: number): number | null {
  if (components === null) return null;
  let sum = 0;
  for (const c of components) sum += c.variance / (n * c.share);
  return Math.sqrt(sum) / components.length;
}

function samplingComponents(raw: Float64Array[], labels: Int32Array, predictions: Int32Array): CbpeMulticlassModel['samplingError'] {
  const k = raw.length, n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i++) if (labels[i] === predictions[i]) correct++;
  const perClass = (make: (tp: number, fp: number, fn: number, c: number) => ClassSamplingComponents | null) => {
    const out: ClassSamplingComponents[] = [];
    for (let c = 0; c < k; c++) {
      let tp = 0, fp = 0, fn = 0;
      for (let i = 0; i < n; i++) {
        if (predictions[i] === c) { if (labels[i] === c) tp++; else fp++; } else if (labels[i] === c) fn++;
      }
      const one = make(tp, fp, fn, c);
      if (one === null) return null;
      out.push(one);
    }
    return out;
  };
  const binary = (ones: number, zeros: number, value = 1): ClassSamplingComponents | null =>
    ones + zeros === 0 ? null : { variance: stdOfBinary(ones, zeros, value) ** 2, share: (ones + zeros) / n };
  return {
    accuracy: stdOfBinary(correct, n - correct),
    precision: perClass((tp, fp) => binary(tp, fp)),
    recall: perClass((tp, _fp, fn) => binary(tp, fn)),
    f1: perClass((tp, fp, fn) => (tp + fp + fn === 0 ? null : binary(tp, fp + fn, (tp + fp + fn) / (tp + 0.5 * (fp + fn))))),
    rocAuc: perClass((_tp, _fp, _fn, c) => {
      const auc = aucComponents(raw[c]!, Array.from(labels, (y) => (y === c ? 1 : 0)));
      return auc === null ? null : { variance: auc.std ** 2, share: auc.share };
    }),
  };
}

// ---------- input shapes

function scoreColumns(scores: ArrayLike<ArrayLike<number>>, k: number): Float64Array[] {
  const n = scores.length, columns = Array.from({ length: k }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = scores[i]!;
    if (row.length !== k) throw invalid('scores', `scores[${i}] has ${row.length} values for ${k} classes`);
    for (let c = 0; c < k; c++) columns[c]![i] = row[c]!;
  }
  columns.forEach((col) => checkScores(col, 'scores'));
  return columns;
}

function classIndexes(values: ArrayLike<string>, classes: readonly string[], field: string): Int32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = index.get(values[i]!);
    if (c === undefined) throw invalid(field, `${field}[${i}] is not one of the classes`);
    out[i] = c;
  }
  return out;
}

function predictedIndexes(columns: Float64Array[], given: ArrayLike<string> | undefined, classes: readonly string[]): Int32Array {
  const n = columns[0]?.length ?? 0;
  if (given) {
    if (given.length !== n) throw invalid('predictions', `${given.length} predictions for ${n} rows of scores`);
    return classIndexes(given, classes, 'predictions');
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < columns.length; c++) if (columns[c]![i]! > columns[best]![i]!) best = c;
    out[i] = best;
  }
  return out;
}
