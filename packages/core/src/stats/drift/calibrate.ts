// Sample-size-aware drift thresholds (issue 5 a): a threshold calibrated on the reference itself,
// so that a window of the current window's size that comes from the reference's own distribution
// is flagged with the configured probability (the false-alarm rate), whatever the sizes.
//
// Why: Evidently's fixed thresholds mean different things at different sizes. A distance of 0.1
// is mostly noise for a window of 30 rows (many false alarms) and a large shift for one of 100,000
// (real drift goes unseen); a p-value of 0.05 is exact for iid data, but real data is not iid, and
// at 100,000 rows any day-to-day wobble gives p ≈ 0 (every test fires).
//
// How: draw `resamples` null windows of `windowSize` rows from the reference, score each with the
// method exactly as the drift check scores a real window, and take the quantile of those null
// scores: the lower `rate`-quantile of p-values, the upper one of distances (calibratedThreshold).
// The share of null windows the method's default threshold flags is returned too: that is the
// false-alarm rate the default gives at this size ("show that rate").
//
// What a null window is compared with (a decision):
// - windowSize <= n/2 ('subsample'): the window is drawn without replacement and compared with the
//   *rest* of the reference (n − w rows), never with the whole reference. A production window is
//   disjoint from its reference; a window compared with a base that contains it is partly compared
//   with itself (for ECDF statistics exactly: D(window, all) = (1 − w/n)·D(window, rest)), which
//   would make thresholds too low and alarms too frequent. The rest has n − w rows, not n, so the
//   null scores carry slightly more reference noise than production: the threshold errs high (on
//   the quiet side) by a factor of about sqrt((1/w + 1/(n−w)) / (1/w + 1/n)) for KS / Wasserstein,
//   half a percent at w = n/10, 15% at w = n/2. p-values already account for both sizes, so for them
//   this matters less.
// - windowSize > n/2 ('bootstrap'): the rest would be smaller than the window, so both a window of
//   w rows and a stand-in reference of n rows are drawn with replacement from the reference and
//   compared (the two-sample bootstrap under "no drift"): their noise is that of a production
//   comparison, to first order. A reference much smaller than the windows knows its own
//   distribution only roughly; the docs advise a reference at least twice (better ten times) the window.
//
// Windows: 'random' draws rows at random (only sampling noise: the right null when rows are
// exchangeable); 'contiguous' takes blocks of consecutive rows at random starts, so the null also
// holds the reference's own drift from one period to the next (order the reference by time). With
// contiguous windows a KS test at 100,000 rows is calibrated against the reference's day-to-day
// wobble, which is what makes a fixed p < 0.05 fire on everything.
//
// Exactness and cost: each null window's score is what the drift check computes for that window
// against the base (bit for bit for KS, up to summation order for Wasserstein), except where the
// drift check's bins depend on the current window; there calibration mirrors a current window
// inside the reference's range: Sturges bins over the reference's range for n + w values (PSI and
// Jensen–Shannon on numbers with more than 20 distinct values) or for the reference's distinct
// values plus the window's expected new ones (numeric Hellinger; a Good–Turing estimate, w times
// the share of reference values seen once), and decile bins (psi_quantile) of the whole reference.
// Wasserstein is normed by the whole reference's standard deviation, as production norms it.
// Rows are reduced once to counts per unit (a distinct value, a bin or a category), so a null
// window costs O(w + units): for a 1,000,000-row numeric reference and windows of 100,000, 200
// resamples take one to two seconds on one core (PSI: half a second). Random windows may take the
// rows in sorted order (a uniform subset either way), which spares a search per row. References
// above `maxReferenceRows` (1,000,000 by default) are first subsampled at random ('random' mode
// only): the subsample's own noise is then part of the null, which raises the threshold a little
// (negligible while the cap is many windows).
// Missing values and infinities are dropped first, as the drift check drops them; `windowSize` is
// the current window's rows after the same cleaning.
import { VigilError } from '../../errors.ts';
import { finiteValues, presentCategories, type CategoricalInput, type DriftColumnKind, type NumericInput } from './binning.ts';
import { prepareCategorical, prepareNumeric } from './calibrate-units.ts';
import { DRIFT_METHOD_SPECS, isDrifted, type DriftMethod, type DriftMethodSpec } from './defaults.ts';
import { randomInt, type Rng } from './random.ts';

export type CalibrationWindows = 'random' | 'contiguous';

export interface CalibrationInput {
  /** The reference sample of one feature; missing values and infinities are dropped. */
  reference: NumericInput | CategoricalInput;
  kind: DriftColumnKind;
  method: DriftMethod;
  /** Rows of the current window (after missing values are dropped): the size null windows get. */
  windowSize: number;
  /** Probability of flagging a window with no drift. Default 0.05; in (0, 0.5]. */
  falseAlarmRate?: number;
  /** Null windows drawn. Default 200; at least 1 / falseAlarmRate for a threshold inside the null scores. */
  resamples?: number;
  rng: Rng;
  /** Default 'random'. 'contiguous' needs the reference in time order. */
  windows?: CalibrationWindows;
  /** Larger references are subsampled to this many rows first ('random' windows). Default 1,000,000. */
  maxReferenceRows?: number;
  /** The column is integer-typed (numpy's Sturges width is then at least 1), as BinOptions.integer. */
  integer?: boolean;
  /** Reference-quantile bins for psi_quantile. Default 10. */
  bins?: number;
}

export interface Calibration {
  method: DriftMethod;
  kind: DriftColumnKind;
  /** The calibrated threshold, compared with a score as `drifts` says (the method's own rule). */
  threshold: number;
  drifts: DriftMethodSpec['drifts'];
  /** The rate asked for: a window with no drift is flagged with at most this probability. */
  falseAlarmRate: number;
  /** Share of the null windows the calibrated threshold flags (at most falseAlarmRate). */
  nullAlarmShare: number;
  /** The method's default threshold, and the share of null windows it flags: its false-alarm rate at this size. */
  defaultThreshold: number;
  defaultFalseAlarmRate: number;
  resamples: number;
  windowSize: number;
  windows: CalibrationWindows;
  /** 'subsample': windows without replacement against the rest; 'bootstrap': both sides with replacement. */
  sampling: 'subsample' | 'bootstrap';
  /** Usable reference rows, rows resampled (after the cap), rows each null window was compared with. */
  referenceRows: number;
  sampledRows: number;
  baseRows: number;
  /** The null scores, ascending (for a chart of where the thresholds fall). */
  nullScores: number[];
}

export const CALIBRATION_DEFAULTS = { falseAlarmRate: 0.05, resamples: 200, maxReferenceRows: 1_000_000 } as const;

const invalid = (field: string, message: string) => new VigilError('validation_failed', `calibration: ${message}`, { details: [{ field, message }] });

// ---------- float neighbours, for thresholds just beyond every null score

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
function nextAfter(x: number, up: boolean): number {
  if (Number.isNaN(x) || x === (up ? Infinity : -Infinity)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  i64[0]! += (x > 0) === up ? 1n : -1n;
  return f64[0]!;
}

/**
 * The most permissive threshold that flags at most floor(rate · R) of R null scores under the
 * rule: for '>=' the null score ranked floor(rate · R) from the top (moved past ties); for '<=' and
 * '<' the one ranked from the bottom. A fresh null score is then flagged with probability at most
 * floor(rate · R) / (R + 1) <= rate (exchangeability), exactly so for continuous scores. When
 * floor(rate · R) is 0 the threshold lies just beyond every null score.
 */
export function calibratedThreshold(nullScores: ArrayLike<number>, rule: DriftMethodSpec['drifts'], rate: number): number {
  const s = Float64Array.from(nullScores).sort();
  const r = s.length;
  if (r === 0) throw new RangeError('no null scores');
  const k = Math.floor(rate * r);
  if (rule === '<') return s[k] as number; // flags s < s[k]: at most k
  if (rule === '>=') {
    if (k === 0) return nextAfter(s[r - 1] as number, true);
    const t = s[r - k] as number;
    if (s[r - k - 1] !== t) return t;
    for (let j = r - k + 1; j < r; j++) if ((s[j] as number) > t) return s[j] as number;
    return nextAfter(s[r - 1] as number, true);
  }
  if (k === 0) return nextAfter(s[0] as number, false);
  const t = s[k - 1] as number;
  if (s[k] !== t) return t;
  for (let j = k - 2; j >= 0; j--) if ((s[j] as number) < t) return s[j] as number;
  return nextAfter(s[0] as number, false);
}

/** The verdict for a score under a calibration: the method's own comparison with the calibrated threshold. */
export function isDriftedCalibrated(calibration: Pick<Calibration, 'method' | 'threshold'>, score: number): boolean {
  return isDrifted(calibration.method, score, calibration.threshold);
}

// ---------- the calibration

/**
 * Calibrate a feature's drift threshold on its reference (see the top of this file).
 *
 * @example
 *   const cal = calibrateThreshold({ reference, kind: 'numeric', method: 'wasserstein', windowSize: 50_000, rng: seededRng(1) });
 *   // cal.threshold: e.g. 0.012 — drift when the window's normed Wasserstein distance is >= 0.012
 *   // cal.defaultFalseAlarmRate: e.g. 0 — the default 0.1 would almost never fire at this size
 *   isDriftedCalibrated(cal, score);
 */
export function calibrateThreshold(input: CalibrationInput): Calibration {
  const { kind, method, windowSize: w, rng } = input;
  const rate = input.falseAlarmRate ?? CALIBRATION_DEFAULTS.falseAlarmRate;
  const resamples = input.resamples ?? CALIBRATION_DEFAULTS.resamples;
  const cap = input.maxReferenceRows ?? CALIBRATION_DEFAULTS.maxReferenceRows;
  const windows = input.windows ?? 'random';
  const spec = DRIFT_METHOD_SPECS[method];
  if (!spec) throw invalid('method', `unknown drift method ${String(method)}`);
  if (!spec.kinds.includes(kind)) throw invalid('method', `${method} does not apply to a ${kind} column`);
  if (!(rate > 0 && rate <= 0.5)) throw invalid('falseAlarmRate', 'the false-alarm rate must be in (0, 0.5]');
  if (!(Number.isInteger(resamples) && resamples >= 2)) throw invalid('resamples', 'resamples must be an integer of at least 2');
  if (!(Number.isInteger(w) && w >= 1)) throw invalid('windowSize', 'the window size must be a positive integer');
  if (!(Number.isInteger(cap) && cap >= 2)) throw invalid('maxReferenceRows', 'maxReferenceRows must be an integer of at least 2');

  const prepared = kind === 'numeric'
    ? prepareNumeric(finiteValues(input.reference as NumericInput).values, input)
    : prepareCategorical(presentCategories(input.reference as CategoricalInput).values, method);
  const usable = prepared.rows;
  if (usable < 2) throw invalid('reference', `the reference needs at least 2 values; it has ${usable}`);

  // the cap: a random subset of rows stands for the reference ('random' windows only: order matters to 'contiguous')
  let sampledRows: Int32Array | null = null, n = usable;
  if (usable > cap && windows === 'random') {
    const perm = identity(usable);
    shuffleHead(perm, cap, rng);
    sampledRows = perm.slice(0, cap);
    n = cap;
  }
  const sampling = w <= n / 2 ? 'subsample' : 'bootstrap';
  if (windows === 'contiguous' && sampling === 'bootstrap') {
    throw invalid('windows', `contiguous windows need a reference of at least twice the window (${2 * w} rows); it has ${n}`);
  }
  const { unitOfRow, total, score, restScore } = prepared.unitsOf(sampledRows, windows === 'contiguous');
  const nb = sampling === 'subsample' ? n - w : n;

  const win = new Float64Array(total.length), base = new Float64Array(total.length);
  const perm = windows === 'random' && sampling === 'subsample' ? identity(n) : null;
  const scores: number[] = [];
  for (let r = 0; r < resamples; r++) {
    win.fill(0);
    if (windows === 'contiguous') {
      const start = randomInt(rng, n - w + 1);
      for (let i = start; i < start + w; i++) win[unitOfRow[i] as number]!++;
    } else if (perm) {
      shuffleHead(perm, w, rng);
      for (let i = 0; i < w; i++) win[unitOfRow[perm[i] as number] as number]!++;
    } else {
      for (let i = 0; i < w; i++) win[unitOfRow[randomInt(rng, n)] as number]!++;
    }
    let s: number;
    if (sampling === 'subsample' && restScore) s = restScore(win, w, nb);
    else {
      if (sampling === 'subsample') for (let u = 0; u < base.length; u++) base[u] = (total[u] as number) - (win[u] as number);
      else {
        base.fill(0);
        for (let i = 0; i < n; i++) base[unitOfRow[randomInt(rng, n)] as number]!++;
      }
      s = score(win, base, w, nb);
    }
    if (!Number.isNaN(s)) scores.push(s);
  }
  if (scores.length === 0) throw invalid('windowSize', `${method} gives no score for windows of ${w} rows against ${nb}`);
  scores.sort((a, b) => a - b);

  const threshold = calibratedThreshold(scores, spec.drifts, rate);
  const share = (t: number) => scores.filter((s) => isDrifted(method, s, t)).length / scores.length;
  return {
    method, kind, threshold, drifts: spec.drifts, falseAlarmRate: rate, nullAlarmShare: share(threshold),
    defaultThreshold: spec.defaultThreshold, defaultFalseAlarmRate: share(spec.defaultThreshold),
    resamples: scores.length, windowSize: w, windows, sampling, referenceRows: usable, sampledRows: n, baseRows: nb, nullScores: scores,
  };
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A uniform random choice of `k` of the values of `perm` into its first k places (partial Fisher–Yates). */
function shuffleHead(perm: Int32Array, k: number, rng: Rng): void {
  const n = perm.length;
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(rng, n - i);
    const t = perm[i] as number; perm[i] = perm[j] as number; perm[j] = t;
  }
}
