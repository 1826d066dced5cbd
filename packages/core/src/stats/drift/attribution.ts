// Drift attribution (issue 5 c): which features and which segments explain a drift or a drop in
// performance. Three pure rankings, each from numbers the drift and metric paths already have:
//
// - rankFeatureDrift: features on one scale, "how many thresholds": a distance over its threshold;
//   a p-value as −log10(p) over −log10(threshold) (1 at the threshold either way, above it when
//   drifted). A heuristic for ordering, not a test: PSI grows with the square of a shift while
//   Jensen–Shannon and Hellinger grow linearly, and −log10(p) grows with the sample size, so large
//   windows push p-value features up (calibrated thresholds, calibrate.ts, put them back on scale).
// - attributeSegmentDrift: leave-one-out contributions of segments to a window's binned distance,
//   D(window) − D(window without the segment), from histograms on shared bins (the streaming path
//   keeps them). Positive: the segment pushes the window away from the reference; negative: it
//   holds the window close to it. Leave-one-out values do not add up to D(window) (the distance is
//   not additive); `share` divides by the sum of their absolute values, for display only.
// - attributePerformanceDrop: the exact split of the change of a row-weighted mean metric
//   (accuracy, error rate, MAE, MSE, log loss, a mean KPI…) into segments, each with a "within"
//   part (the segment got better or worse) and a "mix" part (traffic moved towards or away from
//   it); the parts add up to the overall change exactly.
import { VigilError } from '../../errors.ts';
import { DRIFT_METHOD_SPECS, type DriftMethod } from './defaults.ts';
import { fromCounts } from './distances.ts';

const invalid = (field: string, message: string) => new VigilError('validation_failed', `attribution: ${message}`, { details: [{ field, message }] });

// ---------- features

export interface FeatureDriftInput {
  feature: string;
  method: DriftMethod;
  /** The drift score: a distance, or a p-value for the p-value methods. NaN: no score (no data). */
  statistic: number;
  threshold: number;
  drifted: boolean;
}

export interface RankedFeatureDrift extends FeatureDriftInput {
  rank: number;
  /** Multiples of the feature's own threshold (1 at it); null when the feature has no score. */
  score: number | null;
  /** score over the sum of all scores. */
  share: number;
}

/** p-values below this count as this (−log10 ≈ 300), so that p = 0 keeps a finite score. */
export const MIN_PVALUE_FOR_SCORE = 1e-300;

/** A feature's score on the common scale (see the top of this file). */
export function featureDriftScore(method: DriftMethod, statistic: number, threshold: number): number | null {
  if (Number.isNaN(statistic)) return null;
  if (DRIFT_METHOD_SPECS[method].score === 'distance') return Math.min(statistic / threshold, Number.MAX_VALUE);
  return -Math.log10(Math.min(Math.max(statistic, MIN_PVALUE_FOR_SCORE), 1)) / -Math.log10(threshold);
}

/**
 * Features ranked by their score, highest first (ties by name); features without a score last.
 *
 * @example
 *   rankFeatureDrift([{ feature: 'age', method: 'wasserstein', statistic: 0.3, threshold: 0.1, drifted: true },
 *                     { feature: 'city', method: 'chisquare', statistic: 1e-4, threshold: 0.05, drifted: true }])
 *   // age: score 3, city: score 4 / 1.30 = 3.07 → city first
 */
export function rankFeatureDrift(features: readonly FeatureDriftInput[]): RankedFeatureDrift[] {
  for (const f of features) {
    const spec = DRIFT_METHOD_SPECS[f.method];
    if (!spec) throw invalid('method', `feature ${f.feature}: unknown drift method ${String(f.method)}`);
    if (!(f.threshold > 0 && Number.isFinite(f.threshold)) || (spec.score === 'p_value' && f.threshold >= 1)) {
      throw invalid('threshold', `feature ${f.feature}: threshold ${f.threshold} is not valid for ${f.method}`);
    }
  }
  const scored = features.map((f) => ({ ...f, score: featureDriftScore(f.method, f.statistic, f.threshold) }));
  let total = 0;
  for (const f of scored) if (f.score !== null) total += f.score;
  scored.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
  return scored.map((f, i) => ({ ...f, rank: i + 1, share: f.score !== null && total > 0 ? f.score / total : 0 }));
}

// ---------- segments of a drifted window

export type SegmentDistance = 'psi' | 'jensenshannon' | 'hellinger';

export interface SegmentCounts { key: string; counts: readonly number[] }

export interface SegmentDriftContribution {
  key: string;
  rank: number;
  rows: number;
  /** The segment's share of the window's rows. */
  weight: number;
  /** D(window) − D(window without this segment). */
  contribution: number;
  /** contribution / Σ |contributions|. */
  share: number;
  /** D(window without this segment); 0 when the segment is the whole window. */
  distanceWithout: number;
  /** The segment alone against the reference. */
  ownDistance: number;
}

export interface SegmentDriftAttribution {
  distance: SegmentDistance;
  /** D(reference, window), the window being every segment together. */
  value: number;
  rows: number;
  segments: SegmentDriftContribution[];
}

/**
 * Leave-one-out attribution of a window's drift to its segments. `reference` and every segment's
 * `counts` are histograms on the same bins (or categories, in the same order). Null when the
 * reference or the window has no row. Distances as distances.ts computes them from counts
 * (Evidently's zero filling for PSI, natural log for Jensen–Shannon).
 */
export function attributeSegmentDrift(reference: readonly number[], segments: readonly SegmentCounts[], distance: SegmentDistance): SegmentDriftAttribution | null {
  const bins = reference.length;
  const checkCounts = (counts: readonly number[], what: string) => {
    if (counts.length !== bins) throw invalid('counts', `${what} has ${counts.length} bins, the reference ${bins}`);
    for (const c of counts) if (!(Number.isFinite(c) && c >= 0)) throw invalid('counts', `${what}: counts must be finite and non-negative`);
  };
  checkCounts(reference, 'the reference');
  const keys = new Set<string>();
  for (const s of segments) {
    checkCounts(s.counts, `segment ${s.key}`);
    if (keys.has(s.key)) throw invalid('segments', `segment ${s.key} appears twice`);
    keys.add(s.key);
  }
  const all = new Float64Array(bins);
  for (const s of segments) for (let i = 0; i < bins; i++) all[i]! += s.counts[i]!;
  const sum = (c: ArrayLike<number>) => { let t = 0; for (let i = 0; i < c.length; i++) t += c[i]!; return t; };
  const rows = sum(all);
  const d = (cur: ArrayLike<number>) => { const r = fromCounts(distance, reference, cur); return r.status === 'ok' ? r.value : null; };
  const value = d(all);
  if (value === null) return null;

  const without = new Float64Array(bins);
  const parts = segments.map((s) => {
    for (let i = 0; i < bins; i++) without[i] = all[i]! - s.counts[i]!;
    const segRows = sum(s.counts);
    const distanceWithout = segRows === rows ? 0 : d(without)!;
    return { key: s.key, rows: segRows, weight: segRows / rows, contribution: value - distanceWithout, distanceWithout, ownDistance: segRows > 0 ? d(s.counts)! : 0 };
  });
  let abs = 0;
  for (const p of parts) abs += Math.abs(p.contribution);
  parts.sort((a, b) => b.contribution - a.contribution || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { distance, value, rows, segments: parts.map((p, i) => ({ ...p, rank: i + 1, share: abs > 0 ? p.contribution / abs : 0 })) };
}

// ---------- segments of a performance drop

export interface SegmentMetric {
  key: string;
  /** Rows (the metric's weight: labelled predictions for accuracy) and the segment's metric; n = 0 or absent: not on that side. */
  reference?: { n: number; value: number } | null;
  current?: { n: number; value: number } | null;
}

export interface SegmentPerformanceContribution {
  key: string;
  rank: number;
  presence: 'both' | 'reference_only' | 'current_only';
  referenceN: number;
  currentN: number;
  referenceWeight: number;
  currentWeight: number;
  referenceValue: number | null;
  currentValue: number | null;
  /** w_cur · (v_cur − v_ref): the segment itself got better or worse. */
  within: number;
  /** (w_cur − w_ref) · (v_ref − V_ref): traffic moved towards a segment better or worse than the reference overall. */
  mix: number;
  total: number;
  /** total / overall change (null when the overall change is 0). */
  share: number | null;
}

export interface PerformanceDropAttribution {
  reference: number;
  current: number;
  /** current − reference = Σ total. */
  change: number;
  segments: SegmentPerformanceContribution[];
}

/**
 * The exact decomposition of the change of a row-weighted mean metric V = Σ w_s·v_s (w_s = n_s / N)
 * between a reference and a current period into segments:
 *
 *   V_cur − V_ref = Σ_s [ w_cur,s·(v_cur,s − v_ref,s)  +  (w_cur,s − w_ref,s)·(v_ref,s − V_ref) ]
 *                        within                            mix
 *
 * The mix part is centred on V_ref (the textbook (w_cur − w_ref)·v_ref is not): Σ (w_cur − w_ref)
 * = 0, so the sum is unchanged, but moving traffic between two segments that perform alike now
 * counts 0 instead of two large opposite amounts. A segment in the current period only is taken to
 * have performed as the reference overall (v_ref := V_ref): all of its part is within,
 * w_cur·(v_cur − V_ref). A segment in the reference only has no within part; its mix,
 * −w_ref·(v_ref − V_ref), says what losing it did. Ranked by |total|, largest first.
 * Null when either period has no row.
 */
export function attributePerformanceDrop(segments: readonly SegmentMetric[]): PerformanceDropAttribution | null {
  const keys = new Set<string>();
  const side = (s: SegmentMetric['reference'], key: string, which: string) => {
    if (s == null || s.n === 0) return null;
    if (!(Number.isFinite(s.n) && s.n > 0)) throw invalid(which, `segment ${key}: n must be a non-negative number`);
    if (!Number.isFinite(s.value)) throw invalid(which, `segment ${key}: the ${which} value must be a finite number when n > 0`);
    return s;
  };
  const rows = segments.map((s) => {
    if (keys.has(s.key)) throw invalid('segments', `segment ${s.key} appears twice`);
    keys.add(s.key);
    return { key: s.key, ref: side(s.reference, s.key, 'reference'), cur: side(s.current, s.key, 'current') };
  });
  let nRef = 0, nCur = 0, sRef = 0, sCur = 0;
  for (const r of rows) {
    if (r.ref) { nRef += r.ref.n; sRef += r.ref.n * r.ref.value; }
    if (r.cur) { nCur += r.cur.n; sCur += r.cur.n * r.cur.value; }
  }
  if (nRef === 0 || nCur === 0) return null;
  const vRef = sRef / nRef, vCur = sCur / nCur, change = vCur - vRef;
  const parts = rows.filter((r) => r.ref || r.cur).map((r) => {
    const wRef = r.ref ? r.ref.n / nRef : 0, wCur = r.cur ? r.cur.n / nCur : 0;
    const baseline = r.ref ? r.ref.value : vRef;
    const within = r.cur ? wCur * (r.cur.value - baseline) : 0;
    const mix = (wCur - wRef) * (baseline - vRef);
    return {
      key: r.key, presence: r.ref && r.cur ? 'both' as const : r.ref ? 'reference_only' as const : 'current_only' as const,
      referenceN: r.ref?.n ?? 0, currentN: r.cur?.n ?? 0, referenceWeight: wRef, currentWeight: wCur,
      referenceValue: r.ref?.value ?? null, currentValue: r.cur?.value ?? null, within, mix, total: within + mix,
      share: change !== 0 ? (within + mix) / change : null,
    };
  });
  parts.sort((a, b) => Math.abs(b.total) - Math.abs(a.total) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { reference: vRef, current: vCur, change, segments: parts.map((p, i) => ({ ...p, rank: i + 1 })) };
}
