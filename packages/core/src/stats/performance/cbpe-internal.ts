// What binary and multiclass CBPE (cbpe.ts, cbpe-multiclass.ts) share: ranking AUC with weighted
// rows, the sampling-error pieces, NannyML's alert band and its calibration choice. Internal to
// the performance folder (not exported from the index); the sources are cited in cbpe.ts.
import { VigilError } from '../../errors.ts';
import { fitIsotonic, predictIsotonic, type IsotonicModel } from './isotonic.ts';

/** A window of n rows has sampling error std / √(n · share) (`mean`) or std · √n (`count`). */
export interface SamplingErrorComponents {
  std: number;
  share: number;
  scale: 'mean' | 'count';
}

export interface CbpeCalibration {
  applied: boolean;
  /** Why calibration is or is not applied. */
  reason: 'requested' | 'disabled' | 'scores outside [0, 1]' | 'single class' | 'roc auc above 0.999' | 'lowers calibration error' | 'does not lower calibration error';
  /** Expected calibration error of raw and cross-validated calibrated scores, where 'auto' measured them. */
  ece: { raw: number; calibrated: number } | null;
  isotonic: IsotonicModel | null;
}

export const invalid = (field: string, message: string) => new VigilError('validation_failed', `CBPE: ${message}`, { details: [{ field, message }] });

/**
 * Area under the ROC curve of rows ranked by score, each row counting `pos(i)` positives and
 * `neg(i)` negatives (0/1 for realized labels — then it equals scikit-learn's roc_auc_score —
 * or p and 1 − p for the CBPE estimate): trapezoids between distinct scores, highest first.
 */
export function rankAuc(scores: ArrayLike<number>, pos: (i: number) => number, neg: (i: number) => number): number | null {
  const n = scores.length;
  // the distinct scores, by a native sort (an index sort with a comparator took 4× as long); each
  // row's weights go to its score's group in row order, as a stable index sort would add them
  const distinct = Float64Array.from(scores).sort();
  let u = 0;
  for (let k = 0; k < n; k++) if (u === 0 || distinct[k] !== distinct[u - 1]) distinct[u++] = distinct[k]!;
  const dpos = new Float64Array(u), dneg = new Float64Array(u);
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    let lo = 0, hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    dpos[lo] = dpos[lo]! + pos(i);
    dneg[lo] = dneg[lo]! + neg(i);
  }
  let tp = 0, fp = 0, area = 0;
  for (let g = u - 1; g >= 0; g--) {
    const dtp = dpos[g]!, dfp = dneg[g]!;
    area += dfp * (tp + tp + dtp) / 2;
    tp += dtp; fp += dfp;
  }
  return tp > 0 && fp > 0 ? area / (tp * fp) : null;
}

export function stdOfBinary(ones: number, zeros: number, value = 1): number {
  // population standard deviation of `ones` rows equal to `value` and `zeros` rows equal to 0
  const m = ones + zeros, mean = (ones * value) / m;
  return Math.sqrt((ones * (value - mean) ** 2 + zeros * mean ** 2) / m);
}

// AUC as a Mann–Whitney statistic: the mean over the minority class of each row's placement (the
// share of the other class ranked below it, ties counting half); std of the placements and the
// minority's share of rows give its standard error on n rows.
export function aucComponents(scores: ArrayLike<number>, labels: ArrayLike<number>): SamplingErrorComponents | null {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  if (positives === 0 || positives === n) return null;
  const flip = positives / n > 0.5;
  const minority = flip ? 0 : 1, minorityCount = flip ? n - positives : positives, others = n - minorityCount;
  // with the classes swapped the ranking is reversed (NannyML scores 1 − p), so "below" means a higher score
  const key = (i: number) => (flip ? -scores[i]! : scores[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b));
  const placements: number[] = [];
  let othersBelow = 0;
  for (let k = 0; k < n;) {
    const s = key(order[k]!);
    let end = k, othersHere = 0;
    for (; end < n && key(order[end]!) === s; end++) if (labels[order[end]!] !== minority) othersHere++;
    for (let j = k; j < end; j++) if (labels[order[j]!] === minority) placements.push((othersBelow + othersHere / 2) / others);
    othersBelow += othersHere;
    k = end;
  }
  const mean = placements.reduce((a, b) => a + b, 0) / placements.length;
  const variance = placements.reduce((a, b) => a + (b - mean) ** 2, 0) / placements.length;
  return { std: Math.sqrt(variance), share: minorityCount / n, scale: 'mean' };
}

export function alertBand(values: number[], k: number, upperLimit: number | null): { lower: number; upper: number | null } {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
  const lower = m - k * sd, upper = m + k * sd;
  return { lower: lower <= 0 ? 0 : lower, upper: upperLimit !== null && upper >= upperLimit ? upperLimit : upper };
}

const FOLDS = 10, ECE_BINS = 10;

export function fitCalibration(scores: ArrayLike<number>, labels: ArrayLike<number>, mode: 'auto' | 'isotonic' | 'none'): CbpeCalibration {
  const n = scores.length;
  let outside = false;
  for (let i = 0; i < n; i++) if (scores[i]! < 0 || scores[i]! > 1) outside = true;
  const fitted = (reason: CbpeCalibration['reason'], ece: CbpeCalibration['ece'] = null): CbpeCalibration =>
    ({ applied: true, reason, ece, isotonic: fitIsotonic(scores, labels) });
  const skipped = (reason: CbpeCalibration['reason'], ece: CbpeCalibration['ece'] = null): CbpeCalibration =>
    ({ applied: false, reason, ece, isotonic: null });
  if (mode === 'none') {
    if (outside) throw invalid('calibration', "scores outside [0, 1] are not probabilities: use calibration 'auto' or 'isotonic'");
    return skipped('disabled');
  }
  if (mode === 'isotonic') return fitted('requested');
  if (outside) return fitted('scores outside [0, 1]');
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  if (positives === 0 || positives === n) return skipped('single class');
  if (rankAuc(scores, (i) => labels[i]!, (i) => 1 - labels[i]!)! > 0.999) return skipped('roc auc above 0.999');

  // deterministic stratified folds: the i-th row of each class goes to fold i mod FOLDS
  const fold = new Uint8Array(n), seen = [0, 0];
  for (let i = 0; i < n; i++) fold[i] = seen[labels[i]!]!++ % FOLDS;
  const testY: number[] = [], testRaw: number[] = [], testCalibrated: number[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const trainX: number[] = [], trainY: number[] = [], foldRows: number[] = [];
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) foldRows.push(i); else { trainX.push(scores[i]!); trainY.push(labels[i]!); }
    }
    if (foldRows.length === 0 || trainX.length === 0) continue;
    const iso = fitIsotonic(trainX, trainY);
    const calibrated = predictIsotonic(iso, foldRows.map((i) => scores[i]!));
    foldRows.forEach((i, k) => { testY.push(labels[i]!); testRaw.push(scores[i]!); testCalibrated.push(calibrated[k]!); });
  }
  const ece = { raw: expectedCalibrationError(testY, testRaw), calibrated: expectedCalibrationError(testY, testCalibrated) };
  return ece.raw > ece.calibrated ? fitted('lowers calibration error', ece) : skipped('does not lower calibration error', ece);
}

/** ECE over equal-count bins of the rows sorted by probability (NannyML's _get_bin_index_edges: the remainder joins the last bin). */
export function expectedCalibrationError(y: number[], p: number[]): number {
  const n = p.length;
  const bins = n <= 2 * ECE_BINS ? Math.floor(n / 2) : ECE_BINS;
  if (bins < 1) return 0;
  const width = Math.floor(n / bins);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let ece = 0;
  for (let from = 0; from < n; from += width) {
    const to = from + 2 * width > n ? n : from + width;
    let sp = 0, sy = 0;
    for (let k = from; k < to; k++) { sp += p[order[k]!]!; sy += y[order[k]!]!; }
    ece += ((to - from) / n) * Math.abs(sp / (to - from) - sy / (to - from));
    if (to === n) break;
  }
  return ece;
}

export function checkScores(scores: ArrayLike<number>, field: string) {
  for (let i = 0; i < scores.length; i++) if (!Number.isFinite(scores[i]!)) throw invalid(field, `${field}[${i}] is not a finite number`);
}

export function sliceOf(a: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return Array.prototype.slice.call(a, from, to) as number[];
}
