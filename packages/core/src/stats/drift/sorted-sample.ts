// A numeric sample in sorted order, as the drift statistics read it: by rank, and by how many of
// its values lie below a value. Two forms with the same answers: a sorted array, and, for decimal
// data whose keys (radix-sort.ts decimalKeys) span few values, cumulative counts per key, which
// need no sorted copy at all. Both samples of a column are sorted together (sortPair), with the
// one merge that gives the KS statistic, the Wasserstein distance and the distinct values.
import { histogramCounts } from './binning.ts';
import { decimalKeys, keyScale, sortByKeys, sortFloat64InPlace, type DecimalKeys } from './radix-sort.ts';

export interface SortedSample {
  readonly length: number;
  /** The value of the given rank (0-based), -0 where the sorted array holds -0. */
  at(rank: number): number;
  /** Values below x (numpy's searchsorted side='left'). */
  lowerBound(x: number): number;
  /** Values at or below x (side='right'). */
  upperBound(x: number): number;
  /** Distinct values, counting no further than `limit + 1`. */
  distinctUpTo(limit: number): number;
}

/** Values below `x` in a sorted array (numpy's searchsorted side='left'). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if ((sorted[mid] as number) < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Values at or below `x` in a sorted array (searchsorted side='right'). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if ((sorted[mid] as number) <= x) lo = mid + 1; else hi = mid; }
  return lo;
}

export class SortedArray implements SortedSample {
  constructor(readonly values: Float64Array) {}
  get length(): number { return this.values.length; }
  at(rank: number): number { return this.values[rank] as number; }
  lowerBound(x: number): number { return lowerBound(this.values, x); }
  upperBound(x: number): number { return upperBound(this.values, x); }
  distinctUpTo(limit: number): number {
    const a = this.values;
    let n = a.length > 0 ? 1 : 0;
    for (let i = 1; i < a.length && n <= limit; i++) if (a[i] !== a[i - 1]) n++;
    return n;
  }
}

/**
 * A sample as counts of keys: key k (0 … span) stands for the value (k + min) / p, as many times
 * as counts[k] says; `negativeZeros` of its zeros are -0 (a sorted array puts them first). The
 * counts array (span + 2 long, its last entry unused) becomes the cumulative counts in place.
 */
export class SortedCounts implements SortedSample {
  /** below[k]: values with a key below k (k = 0 … span + 1). */
  private readonly below: Int32Array;
  private readonly keys: number;
  constructor(counts: Int32Array, private readonly min: number, private readonly p: number, private readonly negativeZeros: number) {
    let s = 0;
    for (let k = 0; k < counts.length; k++) { const c = counts[k] as number; counts[k] = s; s += c; }
    this.below = counts;
    this.keys = counts.length - 1;
  }
  get length(): number { return this.below[this.keys] as number; }
  private value(k: number): number { return (k + this.min) / this.p; }
  /** The first key whose value is not below x (or, `orEqual`, above x). */
  private firstKey(x: number, orEqual: boolean): number {
    let lo = 0, hi = this.keys;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1, v = this.value(mid);
      if (v < x || (orEqual && v === x)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  at(rank: number): number {
    let lo = 0, hi = this.keys - 1; // the key holding the rank: below[k] <= rank < below[k + 1]
    while (lo < hi) { const mid = (lo + hi + 1) >>> 1; if ((this.below[mid] as number) <= rank) lo = mid; else hi = mid - 1; }
    const v = this.value(lo);
    return v === 0 && rank - (this.below[lo] as number) < this.negativeZeros ? -0 : v;
  }
  lowerBound(x: number): number { return this.below[this.firstKey(x, false)] as number; }
  upperBound(x: number): number { return this.below[this.firstKey(x, true)] as number; }
  distinctUpTo(limit: number): number {
    let n = 0;
    for (let k = 0; k < this.keys && n <= limit; k++) if (this.below[k + 1] !== this.below[k]) n++;
    return n;
  }
}

/**
 * histogramCounts(sample, edges), by two binary searches a bin. The shortcut needs what makes
 * histogramCounts place every value by its edges alone: finite, non-decreasing edges over a range
 * whose width and bins-per-width are finite; otherwise histogramCounts itself answers.
 */
export function histogramCountsOf(sample: SortedSample, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const lo = edges[0] as number, hi = edges[bins] as number;
  let ok = bins >= 1 && Number.isFinite(hi - lo) && hi > lo && Number.isFinite(bins / (hi - lo));
  for (let i = 0; ok && i < bins; i++) if (!((edges[i] as number) <= (edges[i + 1] as number))) ok = false;
  if (!ok) return histogramCounts(Float64Array.from({ length: sample.length }, (_, i) => sample.at(i)), edges);
  const counts = new Float64Array(bins);
  let start = sample.lowerBound(lo);
  for (let i = 0; i < bins - 1; i++) {
    const end = sample.lowerBound(edges[i + 1] as number);
    counts[i] = end - start;
    start = end;
  }
  counts[bins - 1] = sample.upperBound(hi) - start;
  return counts;
}

/** histogramCounts of a sorted array (see histogramCountsOf). */
export const histogramCountsSorted = (sorted: Float64Array, edges: ArrayLike<number>): Float64Array => histogramCountsOf(new SortedArray(sorted), edges);

/** binning.ts quantileInnerEdges (numpy's linear quantiles, deduplicated) of a sorted sample. */
export function quantileInnerEdgesOf(sorted: SortedSample, bins: number): Float64Array {
  const n = sorted.length, step = 1 / bins;
  const q = new Float64Array(bins - 1);
  for (let k = 1; k < bins; k++) {
    const virtual = (n - 1) * (k * step);
    if (virtual >= n - 1) { q[k - 1] = sorted.at(n - 1); continue; }
    const prev = Math.floor(virtual), gamma = virtual - prev;
    const a = sorted.at(prev), b = sorted.at(prev + 1), diff = b - a;
    q[k - 1] = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma; // numpy's _lerp
  }
  q.sort();
  let m = 0;
  for (let i = 0; i < q.length; i++) if (m === 0 || q[i] !== q[m - 1]) q[m++] = q[i] as number;
  return q.slice(0, m);
}

/** binning.ts quantileBinCounts on a sorted sample: bins (-inf, e0), [e0, e1), …, [e_last, inf). */
export function quantileBinCountsOf(sorted: SortedSample, inner: Float64Array): Float64Array {
  const counts = new Float64Array(inner.length + 1);
  let start = 0;
  for (let k = 0; k < inner.length; k++) {
    const end = sorted.lowerBound(inner[k] as number);
    counts[k] = end - start;
    start = end;
  }
  counts[inner.length] = sorted.length - start;
  return counts;
}

/** Distinct values in the union of two sorted arrays (-0 and 0 are one value, as in numpy.unique). */
export function distinctInSortedPair(a: Float64Array, b: Float64Array): number {
  let i = 0, j = 0, n = 0, prev = NaN;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? (a[i++] as number) : (b[j++] as number);
    if (n === 0 || x !== prev) { n++; prev = x; }
  }
  return n;
}

export interface Merged { ks: number; wasserstein: number; distinct: number }

/**
 * ksStatisticSorted, wassersteinOfSorted and distinctInSortedPair in one merge of two sorted,
 * finite, non-empty samples, with their floating-point operations in their order. The merge steps
 * from one distinct value to the next, where ksStatisticSorted evaluates both ECDFs; the
 * Wasserstein sum skips the terms of tied values, which are +0 and leave a Neumaier sum as it was.
 */
export function mergeSorted(a: Float64Array, b: Float64Array): Merged {
  const n1 = a.length, n2 = b.length;
  let i = 0, j = 0, distinct = 0, maxS = -Infinity, minS = Infinity, sum = 0, comp = 0;
  let t = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
  for (;;) {
    while (i < n1 && (a[i] as number) <= t) i++;
    while (j < n2 && (b[j] as number) <= t) j++;
    distinct++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
    if (i === n1 && j === n2) break;
    const next = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    const term = Math.abs(diff) * (next - t);
    const s2 = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? (sum - s2) + term : (term - s2) + sum;
    sum = s2;
    t = next;
  }
  const minD = Math.min(Math.max(-minS, 0), 1);
  return { ks: minD > maxS ? minD : maxS, wasserstein: sum + comp, distinct };
}

/**
 * mergeSorted from the counts of each sample's keys over one range of keys (key k is the value
 * (k + min) / p): the same steps from one distinct value to the next, so the same numbers, without
 * the merge's unpredictable branches. (A -0 among the values changes no step: 0 − x and x − 0 are
 * the same numbers for either zero.)
 */
export function mergeCounts(cr: Int32Array, cc: Int32Array, min: number, p: number, n1: number, n2: number, keys = cr.length): Merged {
  let i = 0, j = 0, distinct = 0, maxS = -Infinity, minS = Infinity, sum = 0, comp = 0, prevDiff = 0, prevT = 0;
  for (let k = 0; k < keys; k++) {
    const a = cr[k] as number, b = cc[k] as number;
    if (a === 0 && b === 0) continue;
    const t = (k + min) / p;
    if (distinct > 0) {
      const term = Math.abs(prevDiff) * (t - prevT);
      const s2 = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? (sum - s2) + term : (term - s2) + sum;
      sum = s2;
    }
    i += a;
    j += b;
    distinct++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
    prevDiff = diff;
    prevT = t;
  }
  const minD = Math.min(Math.max(-minS, 0), 1);
  return { ks: minD > maxS ? minD : maxS, wasserstein: sum + comp, distinct };
}

/** Keys of both samples with one number of decimals, or null. */
function commonKeys(ref: Float64Array, cur: Float64Array): [DecimalKeys, DecimalKeys] | null {
  let kr = decimalKeys(ref);
  const kc = kr && decimalKeys(cur, kr.decimals);
  if (kr && kc && kc.decimals > kr.decimals) kr = decimalKeys(ref, kc.decimals);
  return kr && kc ? [kr, kc] : null;
}

/**
 * Two non-empty samples of finite values sorted, and their merge. Decimal data whose keys span
 * fewer than four per value is counted per key over one range for both (no sorted copy, and the
 * merge from the counts); other decimal data is sorted by its keys, the rest by its bits.
 */
export function sortPair(ref: Float64Array, cur: Float64Array): { ref: SortedSample; cur: SortedSample; merged: Merged } {
  const nr = ref.length, nc = cur.length;
  const keys = commonKeys(ref, cur);
  if (!keys) {
    const sr = sortFloat64InPlace(Float64Array.from(ref)), sc = sortFloat64InPlace(Float64Array.from(cur));
    return { ref: new SortedArray(sr), cur: new SortedArray(sc), merged: mergeSorted(sr, sc) };
  }
  const [kr, kc] = keys;
  const min = Math.min(kr.min, kc.min), span = Math.max(kr.max, kc.max) - min;
  if (span >= 4 * (nr + nc)) {
    const sr = sortByKeys(kr, new Float64Array(nr)), sc = sortByKeys(kc, new Float64Array(nc));
    return { ref: new SortedArray(sr), cur: new SortedArray(sc), merged: mergeSorted(sr, sc) };
  }
  const count = (k: DecimalKeys) => {
    const counts = new Int32Array(span + 2); // one more for SortedCounts' total
    for (let i = 0; i < k.keys.length; i++) counts[(k.keys[i] as number) - min]!++;
    return counts;
  };
  const cr = count(kr), cc = count(kc), p = keyScale(kr.decimals);
  const merged = mergeCounts(cr, cc, min, p, nr, nc, span + 1);
  return { ref: new SortedCounts(cr, min, p, kr.negativeZeros), cur: new SortedCounts(cc, min, p, kc.negativeZeros), merged };
}
