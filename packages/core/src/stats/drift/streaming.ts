// Drift from stored histograms: the streaming path. Live values are counted per hour on the
// reference profile's edges (profile.ts), so any window's drift costs one pass over its hourly
// bins, not over its rows. What that can answer, and how well:
// - value counts (categorical features, numeric ones with at most 20 distinct reference values):
//   every method exactly, as the counts are the data;
// - quantile bins: PSI_quantile exactly (its decile bins are unions of the stored bins); KS and
//   Wasserstein within proven bounds, as only the cumulative share at each edge and the smallest
//   and largest value in each bin are known, not where values lie inside a bin. Evidently's
//   Sturges-binned PSI / Jensen–Shannon / Hellinger depend on the current window's range and are
//   not answered here (the exact path reads raw values).
// Bounds: inside a bin [a, b) a cumulative share F moves monotonically from its value at a to its
// value at b, and stays flat before the bin's smallest and after its largest value. Splitting the
// bin at those points, on each piece F_ref lies in [Rlo, Rhi] and F_cur in [Clo, Chi]; so
// |F_ref − F_cur| lies between the gap of the two intervals and max(Rhi − Clo, Chi − Rlo). KS takes
// the largest of these over pieces, Wasserstein their integral. The estimate interpolates each F
// linearly between its bin's smallest and largest value (uniform density).
import { DEFAULT_QUANTILE_BINS, histogramCounts, sturgesEdges } from './binning.ts';
import { fromCounts } from './distances.ts';
import { chiSquareContingency, chiSquareGoodnessOfFit } from './chi-square.ts';
import { ksAsympPvalue, KS_MAX_AUTO_N } from './ks.ts';
import { twoProportionZTest } from './z-test.ts';
import { DRIFT_METHOD_SPECS, isDrifted, type DriftMethod } from './defaults.ts';
import type { NumericProfile } from './profile.ts';

/** Live values of one feature counted on a profile's quantile edges: per bin, count and value range. */
export interface BinnedSample {
  counts: ArrayLike<number>;
  /** Smallest / largest value in each bin; anything (null) where the count is 0. */
  mins: ArrayLike<number | null>;
  maxs: ArrayLike<number | null>;
}

/** A statistic from the streaming path: `value` is the estimate; the exact statistic lies in [lower, upper]. */
export interface Bounded { value: number; lower: number; upper: number }

export type StreamingAnswer =
  | { status: 'ok'; statistic: number; pvalue: number | null; bound: Bounded | null; pvalueBound: { lower: number; upper: number } | null }
  /** The method needs raw values (the exact path). */
  | { status: 'needs_exact'; reason: string };

/** One side's cumulative share inside one bin: `lo` before the bin's smallest value, `hi` after its largest. */
interface Side { lo: number; hi: number; min: number | null; max: number | null }

/** The estimate: linear between the bin's smallest and largest value; limit from the left or from the right. */
function estimateAt(s: Side, x: number, from: 'left' | 'right'): number {
  if (s.min === null || s.max === null) return s.lo;
  if (x < s.min || (x === s.min && from === 'left')) return s.lo;
  if (x > s.max || (x === s.max && from === 'right')) return s.hi;
  return s.min === s.max ? s.lo : s.lo + ((s.hi - s.lo) * (x - s.min)) / (s.max - s.min);
}
/** Every value the share can take on the open interval (a, b), or at the point a when a = b. */
function possible(s: Side, a: number, b: number): [number, number] {
  if (s.min === null || s.max === null) return [s.lo, s.lo];
  if (a === b) return a < s.min ? [s.lo, s.lo] : a > s.max ? [s.hi, s.hi] : [s.lo, s.hi];
  if (b <= s.min) return [s.lo, s.lo];
  if (a >= s.max) return [s.hi, s.hi];
  return [s.lo, s.hi];
}

/** A point (width 0) or an open interval on which each share lies in a known range. */
interface Piece { width: number; rlo: number; rhi: number; clo: number; chi: number; r0: number; r1: number; c0: number; c1: number }

/** Points where either share may jump, and the intervals between them, over every bin in order. */
function pieces(profile: NumericProfile, cur: BinnedSample): { pieces: Piece[]; refN: number; curN: number } | null {
  const m = profile.counts.length;
  let refN = 0, curN = 0;
  for (let j = 0; j < m; j++) { refN += profile.counts[j] as number; curN += cur.counts[j] as number; }
  if (refN === 0 || curN === 0) return null;
  const out: Piece[] = [];
  let R = 0, C = 0;
  let prev: { x: number; r: Side; c: Side } | null = null;
  for (let j = 0; j < m; j++) {
    const rn = profile.counts[j] as number, cn = cur.counts[j] as number;
    const r: Side = { lo: R, hi: R + rn / refN, min: rn > 0 ? (profile.mins[j] ?? null) : null, max: rn > 0 ? (profile.maxs[j] ?? null) : null };
    const c: Side = { lo: C, hi: C + cn / curN, min: cn > 0 ? (cur.mins[j] ?? null) : null, max: cn > 0 ? (cur.maxs[j] ?? null) : null };
    R = r.hi; C = c.hi;
    const cuts = [...new Set([r.min, r.max, c.min, c.max].filter((x): x is number => x !== null))].sort((a, b) => a - b);
    for (const x of cuts) {
      if (prev) {
        // between the last point and this one: flat after the previous bin's values, then in this bin
        const samebin = prev.r === r;
        const [rlo, rhi] = samebin ? possible(r, prev.x, x) : [r.lo, r.lo];
        const [clo, chi] = samebin ? possible(c, prev.x, x) : [c.lo, c.lo];
        const r0 = samebin ? estimateAt(r, prev.x, 'right') : r.lo, c0 = samebin ? estimateAt(c, prev.x, 'right') : c.lo;
        out.push({ width: x - prev.x, rlo, rhi, clo, chi, r0, r1: estimateAt(r, x, 'left'), c0, c1: estimateAt(c, x, 'left') });
      }
      const [rlo, rhi] = possible(r, x, x), [clo, chi] = possible(c, x, x);
      out.push({ width: 0, rlo, rhi, clo, chi, r0: estimateAt(r, x, 'left'), r1: estimateAt(r, x, 'right'), c0: estimateAt(c, x, 'left'), c1: estimateAt(c, x, 'right') });
      prev = { x, r, c };
    }
  }
  return { pieces: out, refN, curN };
}

/** ∫ |d| over a piece where d goes linearly from d0 to d1. */
function absLinearIntegral(width: number, d0: number, d1: number): number {
  if (width === 0) return 0;
  if (d0 * d1 >= 0) return (width * (Math.abs(d0) + Math.abs(d1))) / 2;
  return (width * (d0 * d0 + d1 * d1)) / (2 * (Math.abs(d0) + Math.abs(d1)));
}
const gap = (p: Piece) => Math.max(0, p.clo - p.rhi, p.rlo - p.chi);
const spread = (p: Piece) => Math.max(p.rhi - p.clo, p.chi - p.rlo, 0);

/** Two-sample KS statistic of a binned current against a quantile profile, with bounds. */
export function binnedKs(profile: NumericProfile, cur: BinnedSample): (Bounded & { refN: number; curN: number }) | null {
  const p = pieces(profile, cur);
  if (!p) return null;
  let value = 0, lower = 0, upper = 0;
  for (const x of p.pieces) {
    value = Math.max(value, Math.abs(x.r0 - x.c0), Math.abs(x.r1 - x.c1));
    lower = Math.max(lower, gap(x));
    upper = Math.max(upper, spread(x));
  }
  // the estimate's curves are possible curves, so it lies in the bounds; rounding aside, keep it so
  value = Math.min(Math.max(value, lower), upper);
  return { value, lower, upper, refN: p.refN, curN: p.curN };
}

/** Wasserstein-1 distance of a binned current against a quantile profile, with bounds. */
export function binnedWasserstein(profile: NumericProfile, cur: BinnedSample): Bounded | null {
  const p = pieces(profile, cur);
  if (!p) return null;
  let value = 0, lower = 0, upper = 0;
  for (const x of p.pieces) {
    value += absLinearIntegral(x.width, x.r0 - x.c0, x.r1 - x.c1);
    lower += x.width * gap(x);
    upper += x.width * spread(x);
  }
  value = Math.min(Math.max(value, lower), upper);
  return { value, lower, upper };
}

/** PSI on the profile's deciles (PSI_quantile), exact: each decile bin is a union of stored bins. */
export function binnedPsiQuantile(profile: NumericProfile, curCounts: ArrayLike<number>): number | null {
  const k = profile.deciles.length + 1;
  const ref = new Float64Array(k), cur = new Float64Array(k);
  let d = 0;
  for (let j = 0; j < profile.counts.length; j++) {
    // bin j starts at edges[j - 1]; it belongs to the decile bin of that edge
    if (j > 0) while (d < profile.deciles.length && (profile.deciles[d] as number) <= (profile.edges[j - 1] as number)) d++;
    ref[d]! += profile.counts[j] as number;
    cur[d]! += curCounts[j] as number;
  }
  const r = fromCounts('psi', ref, cur);
  return r.status === 'ok' ? r.value : null;
}

/** Keys of both count maps: reference order first, then categories only the current has. */
function union(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): { ref: Float64Array; cur: Float64Array; keys: string[] } {
  const keys = [...ref.keys(), ...[...cur.keys()].filter((k) => !ref.has(k))];
  return { keys, ref: Float64Array.from(keys, (k) => ref.get(k) ?? 0), cur: Float64Array.from(keys, (k) => cur.get(k) ?? 0) };
}

/** Evidently's z-test on two value-count maps: the first key in sorted order is the failure. */
export function zTestOfCounts(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>) {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  if (keys.length > 2) return null;
  const side = (m: ReadonlyMap<string, number>) => {
    let total = 0;
    for (const c of m.values()) total += c;
    return { successes: total - (m.get(keys[0] as string) ?? 0), total };
  };
  return twoProportionZTest(side(ref), side(cur));
}

/** Numeric values as a sorted list of (value, count), from value counts keyed by numberKey. */
function numericPoints(m: ReadonlyMap<string, number>): [number, number][] {
  return [...m].map(([k, n]) => [Number(k), n] as [number, number]).sort((a, b) => a[0] - b[0]);
}

/** KS statistic and W1 of two discrete distributions given as value counts (exact). */
function discreteKsW(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>) {
  const r = numericPoints(ref), c = numericPoints(cur);
  const rn = r.reduce((s, x) => s + x[1], 0), cn = c.reduce((s, x) => s + x[1], 0);
  const xs = [...new Set([...r.map((x) => x[0]), ...c.map((x) => x[0])])].sort((a, b) => a - b);
  const rm = new Map(r), cm = new Map(c);
  let F = 0, G = 0, d = 0, w = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    F += (rm.get(x) ?? 0) / rn;
    G += (cm.get(x) ?? 0) / cn;
    d = Math.max(d, Math.abs(F - G));
    const next = xs[i + 1];
    if (next !== undefined) w += Math.abs(F - G) * (next - x);
  }
  return { d, w, rn, cn };
}

/** The value at `index` of the sorted sample that value counts (sorted by value) stand for. */
function valueAt(points: readonly [number, number][], index: number): number {
  let seen = 0;
  for (const [x, n] of points) { seen += n; if (index < seen) return x; }
  return (points[points.length - 1] as [number, number])[0];
}

/**
 * PSI on the reference's deciles (binning.ts 'reference-quantiles') from value counts, as
 * quantileInnerEdges and quantileBinCounts compute it from the values: numpy's linear quantiles of
 * the sorted reference, then searchsorted(side='right').
 */
function psiQuantileOfPoints(r: [number, number][], c: [number, number][], rn: number): StreamingAnswer {
  const q: number[] = [];
  for (let k = 1; k < DEFAULT_QUANTILE_BINS; k++) {
    const virtual = (rn - 1) * (k * (1 / DEFAULT_QUANTILE_BINS));
    if (virtual >= rn - 1) { q.push(valueAt(r, rn - 1)); continue; }
    const prev = Math.floor(virtual), gamma = virtual - prev;
    const a = valueAt(r, prev), b = valueAt(r, prev + 1), diff = b - a;
    q.push(gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma); // numpy's _lerp
  }
  q.sort((x, y) => x - y);
  const inner = q.filter((x, i) => i === 0 || x !== q[i - 1]);
  const bin = (x: number) => { let k = 0; while (k < inner.length && (inner[k] as number) <= x) k++; return k; };
  const count = (points: [number, number][]) => { const out = new Float64Array(inner.length + 1); for (const [x, n] of points) out[bin(x)]! += n; return out; };
  const v = fromCounts('psi', count(r), count(c));
  return v.status === 'ok' ? ok(v.value, null) : { status: 'needs_exact', reason: 'no values' };
}

/**
 * Evidently's Hellinger distance of numbers (distances.ts hellinger) from value counts: Sturges
 * edges over the distinct values of both sides, density histograms times the bin width. An
 * integer reference gets numpy's width of at least 1, as the exact path passes `integer` for it.
 */
function hellingerOfPoints(r: [number, number][], c: [number, number][], rn: number, cn: number): StreamingAnswer {
  const integer = r.every(([x]) => Number.isInteger(x));
  const first = r[0] as [number, number], lastR = r[r.length - 1] as [number, number];
  const min = Math.min(first[0], (c[0] as [number, number])[0]), max = Math.max(lastR[0], (c[c.length - 1] as [number, number])[0]);
  const distinct = new Set([...r.map((p) => p[0]), ...c.map((p) => p[0])]).size; // -0 and 0 are one value
  const edges = sturgesEdges(min, max, distinct, integer);
  const bins = edges.length - 1;
  const hist = (points: [number, number][]) => {
    const out = new Float64Array(bins);
    for (const [x, n] of points) {
      const one = histogramCounts(Float64Array.of(x), edges);
      for (let i = 0; i < bins; i++) if (one[i] === 1) { out[i]! += n; break; }
    }
    return out;
  };
  const h1 = hist(r), h2 = hist(c);
  const width = ((edges[bins] as number) - (edges[0] as number)) / bins;
  let bc = 0;
  for (let i = 0; i < bins; i++) {
    const db = (edges[i + 1] as number) - (edges[i] as number);
    bc += Math.sqrt(((h1[i] as number) / db / rn) * ((h2[i] as number) / db / cn)) * width;
  }
  return ok(Math.sqrt(1 - Math.min(1, Math.max(0, bc))), null);
}

/**
 * A drift method on value counts (categorical features, and numeric ones with a 'values' profile,
 * `numeric` true, whose keys are numbers): exact, as the counts are the whole data. `std` is the
 * reference's population standard deviation, for the normed Wasserstein score. On numbers, PSI on
 * deciles and Hellinger bin the values as the exact path does (not one bin per value).
 */
export function countsDrift(method: DriftMethod, ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>, numeric: { std: number } | null): StreamingAnswer {
  const u = union(ref, cur);
  const distance = (m: 'psi' | 'jensenshannon' | 'hellinger'): StreamingAnswer => {
    const r = fromCounts(m, u.ref, u.cur);
    return r.status === 'ok' ? ok(r.value, null) : { status: 'needs_exact', reason: 'no values' };
  };
  if (numeric && (method === 'psi_quantile' || method === 'hellinger')) {
    const r = numericPoints(ref).filter((p) => p[1] > 0), c = numericPoints(cur).filter((p) => p[1] > 0);
    const rn = r.reduce((s, x) => s + x[1], 0), cn = c.reduce((s, x) => s + x[1], 0);
    if (rn === 0 || cn === 0) return { status: 'needs_exact', reason: 'no values' };
    return method === 'psi_quantile' ? psiQuantileOfPoints(r, c, rn) : hellingerOfPoints(r, c, rn, cn);
  }
  switch (method) {
    case 'psi': case 'psi_quantile': return distance('psi');
    case 'jensenshannon': return distance('jensenshannon');
    case 'hellinger': return distance('hellinger');
    case 'chisquare': case 'chi2_contingency': {
      const r = method === 'chisquare' ? chiSquareGoodnessOfFit(ref, cur) : chiSquareContingency(ref, cur);
      return r ? ok(r.statistic, r.pvalue) : { status: 'needs_exact', reason: 'no values' };
    }
    case 'z': {
      const r = zTestOfCounts(ref, cur);
      return r ? ok(r.statistic, r.pvalue) : { status: 'needs_exact', reason: 'the z-test needs at most two distinct values' };
    }
    case 'ks': case 'wasserstein': {
      if (!numeric) return { status: 'needs_exact', reason: `${method} applies to numeric features` };
      const { d, w, rn, cn } = discreteKsW(ref, cur);
      if (method === 'wasserstein') return ok(w / Math.max(numeric.std, 0.001), null);
      // scipy's 'auto' uses the exact distribution up to 10,000 values a side: that needs the samples' sizes only,
      // but the exact lattice count is kept on the exact path
      if (Math.max(rn, cn) <= KS_MAX_AUTO_N) return { status: 'needs_exact', reason: 'KS with at most 10,000 values a side uses the exact distribution' };
      return ok(d, ksAsympPvalue(rn, cn, d));
    }
  }
}

/** A drift method on a quantile profile and a binned current (see the top of this file). */
export function binnedDrift(method: DriftMethod, profile: NumericProfile, cur: BinnedSample): StreamingAnswer {
  switch (method) {
    case 'psi_quantile': {
      const v = binnedPsiQuantile(profile, cur.counts);
      return v === null ? { status: 'needs_exact', reason: 'no values' } : ok(v, null);
    }
    case 'wasserstein': {
      const w = binnedWasserstein(profile, cur);
      if (!w) return { status: 'needs_exact', reason: 'no values' };
      const norm = Math.max(profile.std ?? 0, 0.001);
      return { status: 'ok', statistic: w.value / norm, pvalue: null, bound: { value: w.value / norm, lower: w.lower / norm, upper: w.upper / norm }, pvalueBound: null };
    }
    case 'ks': {
      const k = binnedKs(profile, cur);
      if (!k) return { status: 'needs_exact', reason: 'no values' };
      if (Math.max(k.refN, k.curN) <= KS_MAX_AUTO_N) return { status: 'needs_exact', reason: 'KS with at most 10,000 values a side uses the exact distribution' };
      const p = (d: number) => ksAsympPvalue(k.refN, k.curN, d);
      return { status: 'ok', statistic: k.value, pvalue: p(k.value), bound: { value: k.value, lower: k.lower, upper: k.upper }, pvalueBound: { lower: p(k.upper), upper: p(k.lower) } };
    }
    default:
      return { status: 'needs_exact', reason: `${method} on a numeric feature uses bins that depend on the current window (Evidently's Sturges bins)` };
  }
}

function ok(statistic: number, pvalue: number | null): StreamingAnswer {
  return { status: 'ok', statistic, pvalue, bound: null, pvalueBound: null };
}

/**
 * The verdict of a streaming answer: drifted or not when the whole bound agrees, null (uncertain:
 * ask the exact path) when the threshold falls inside it.
 */
export function streamingVerdict(method: DriftMethod, answer: Extract<StreamingAnswer, { status: 'ok' }>, threshold: number): boolean | null {
  const score = DRIFT_METHOD_SPECS[method].score;
  if (score === 'p_value') {
    if (answer.pvalue === null) return null;
    if (!answer.pvalueBound) return isDrifted(method, answer.pvalue, threshold);
    const a = isDrifted(method, answer.pvalueBound.lower, threshold), b = isDrifted(method, answer.pvalueBound.upper, threshold);
    return a === b ? a : null;
  }
  if (!answer.bound) return isDrifted(method, answer.statistic, threshold);
  const a = isDrifted(method, answer.bound.lower, threshold), b = isDrifted(method, answer.bound.upper, threshold);
  return a === b ? a : null;
}

/** Counts finite values on a quantile profile's edges, as the rollups do (tests, and small windows). */
export function binSample(profile: NumericProfile, values: ArrayLike<number>): BinnedSample {
  const m = profile.edges.length + 1;
  const counts = new Float64Array(m);
  const mins: (number | null)[] = new Array<number | null>(m).fill(null), maxs: (number | null)[] = new Array<number | null>(m).fill(null);
  for (let k = 0; k < values.length; k++) {
    const x = values[k] as number;
    if (!Number.isFinite(x)) continue;
    let lo = 0, hi = profile.edges.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if ((profile.edges[mid] as number) <= x) lo = mid + 1; else hi = mid; }
    counts[lo]!++;
    if (mins[lo] === null || x < (mins[lo] as number)) mins[lo] = x;
    if (maxs[lo] === null || x > (maxs[lo] as number)) maxs[lo] = x;
  }
  return { counts, mins, maxs };
}
