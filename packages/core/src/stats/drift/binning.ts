// How PSI, Jensen–Shannon and Hellinger turn two samples into two vectors of bin proportions.
// Two binnings:
// - 'evidently' mirrors Evidently 0.7's get_binned_data (evidently/legacy/calculations/stattests/
//   utils.py): a numeric column whose reference has more than 20 distinct values gets
//   numpy.histogram_bin_edges(reference ++ current, bins='sturges') — equal-width bins over the
//   range of both samples together, ceil(log2(n) + 1) of them for n values in all (the `n_bins=30`
//   argument of Evidently's psi is never used); any other column gets one bin per distinct value
//   seen in either sample. Proportions are counts over the sample size.
// - 'reference-quantiles' uses the reference's quantiles (deciles by default, numpy's linear
//   method) as interior edges, deduplicated, with open outer bins so no current value is lost;
//   the edges depend on the reference alone, so they can be stored with a reference profile.
// Bins hold edges[i] <= x < edges[i+1] (the last equal-width bin also holds its right edge), as
// numpy.histogram and searchsorted(side='right') count them.

export type Category = string | number | boolean;
export type NumericInput = ArrayLike<number | null | undefined>;
export type CategoricalInput = ArrayLike<Category | null | undefined>;
export type DriftColumnKind = 'numeric' | 'categorical';
export type Binning = 'evidently' | 'reference-quantiles';
/** What the proportions are proportions of: equal-width bins, distinct values, quantile bins. */
export type BinsUsed = 'sturges' | 'values' | 'reference-quantiles';

/** Rows of one sample: used, and excluded because missing (null, undefined, NaN) or infinite. */
export interface SampleAccounting { used: number; missing: number; infinite: number }
export interface FiniteSample extends SampleAccounting { values: Float64Array }
export interface CategorySample extends SampleAccounting { values: Category[] }

export const EVIDENTLY_MAX_VALUE_BINS = 20;
export const DEFAULT_QUANTILE_BINS = 10;

/** The finite values of a numeric sample, copied once, and what was left out. */
export function finiteValues(input: NumericInput): FiniteSample {
  const values = new Float64Array(input.length);
  let used = 0, missing = 0, infinite = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    if (x == null || Number.isNaN(x)) missing++;
    else if (x === Infinity || x === -Infinity) infinite++;
    else values[used++] = x;
  }
  return { values: values.subarray(0, used), used, missing, infinite };
}

/** The present values of a categorical sample. Evidently turns ±inf into NaN for every column. */
export function presentCategories(input: CategoricalInput): CategorySample {
  const values: Category[] = [];
  let missing = 0, infinite = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    if (x == null || (typeof x === 'number' && Number.isNaN(x))) missing++;
    else if (x === Infinity || x === -Infinity) infinite++;
    else values.push(x);
  }
  return { values, used: values.length, missing, infinite };
}

/** The number of distinct values when it is at most `limit`, else `limit + 1`; stops early. */
export function distinctAtMost(values: ArrayLike<Category>, limit: number): number {
  const seen = new Set<Category>();
  for (let i = 0; i < values.length; i++) {
    seen.add(values[i] as Category);
    if (seen.size > limit) return limit + 1;
  }
  return seen.size;
}

export function minMax(values: ArrayLike<number>, into: { min: number; max: number } = { min: Infinity, max: -Infinity }) {
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (x < into.min) into.min = x;
    if (x > into.max) into.max = x;
  }
  return into;
}

/**
 * numpy.histogram_bin_edges(a, bins='sturges') for data with this minimum, maximum and size,
 * operation for operation (width = ptp / (log2(n) + 1), count = ceil(range / width), then
 * linspace). `integer`: the data's dtype is an integer one, for which numpy raises the width to 1.
 */
export function sturgesEdges(min: number, max: number, size: number, integer = false): Float64Array {
  let first = min, last = max;
  if (first === last) { first -= 0.5; last += 0.5; }
  let count = 1;
  let width = size > 0 ? (max - min) / (Math.log2(size) + 1) : 0;
  if (width) {
    if (integer && width < 1) width = 1;
    count = Math.ceil((last - first) / width);
  }
  return linspace(first, last, count + 1);
}

/** numpy.linspace(start, stop, num) with endpoint, as numpy computes it. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1, delta = stop - start, step = delta / div;
  for (let i = 0; i < num; i++) out[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** numpy.histogram(values, edges)[0] for finite increasing edges; values outside are dropped. */
export function histogramCounts(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lo = edges[0] as number, hi = edges[bins] as number, scale = bins / (hi - lo);
  for (let k = 0; k < values.length; k++) {
    const x = values[k] as number;
    if (!(x >= lo && x <= hi)) continue;
    // The equal-width guess is corrected against the edges themselves, so rounding in the guess
    // never moves a value across an edge.
    let i = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) * scale)));
    while (i > 0 && x < (edges[i] as number)) i--;
    while (i < bins - 1 && x >= (edges[i + 1] as number)) i++;
    counts[i]!++;
  }
  return counts;
}

/** Interior edges of reference-quantile bins: numpy.unique(numpy.quantile(ref, linspace(0, 1, bins + 1))[1:-1]). */
export function quantileInnerEdges(sortedReference: Float64Array, bins = DEFAULT_QUANTILE_BINS): Float64Array {
  const n = sortedReference.length, step = 1 / bins;
  const q = new Float64Array(bins - 1);
  for (let k = 1; k < bins; k++) {
    const virtual = (n - 1) * (k * step);
    if (virtual >= n - 1) { q[k - 1] = sortedReference[n - 1] as number; continue; }
    const prev = Math.floor(virtual), gamma = virtual - prev;
    const a = sortedReference[prev] as number, b = sortedReference[prev + 1] as number, diff = b - a;
    q[k - 1] = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma; // numpy's _lerp
  }
  q.sort();
  let m = 0;
  for (let i = 0; i < q.length; i++) if (m === 0 || q[i] !== q[m - 1]) q[m++] = q[i] as number;
  return q.slice(0, m);
}

/** Counts in the bins (-inf, e0), [e0, e1), …, [e_last, inf) around sorted interior edges. */
export function quantileBinCounts(values: ArrayLike<number>, inner: Float64Array): Float64Array {
  const counts = new Float64Array(inner.length + 1);
  for (let k = 0; k < values.length; k++) {
    const x = values[k] as number;
    let lo = 0, hi = inner.length; // first edge > x, i.e. searchsorted(side='right')
    while (lo < hi) { const mid = (lo + hi) >>> 1; if ((inner[mid] as number) <= x) lo = mid + 1; else hi = mid; }
    counts[lo]!++;
  }
  return counts;
}

/** Counts per distinct value over both samples, keys in order of first appearance (reference first). */
export function valueCounts(reference: ArrayLike<Category>, current: ArrayLike<Category>): { reference: Float64Array; current: Float64Array; keys: Category[] } {
  const index = new Map<Category, number>();
  const ref: number[] = [], cur: number[] = [];
  const add = (values: ArrayLike<Category>, mine: number[], other: number[]) => {
    for (let k = 0; k < values.length; k++) {
      const v = values[k] as Category;
      let i = index.get(v);
      if (i === undefined) { i = mine.length; index.set(v, i); mine.push(0); other.push(0); }
      mine[i]!++;
    }
  };
  add(reference, ref, cur);
  add(current, cur, ref);
  return { reference: Float64Array.from(ref), current: Float64Array.from(cur), keys: [...index.keys()] };
}

/** Counts over a total, as Evidently divides by the sample size (every value lands in a bin). */
export function proportions(counts: Float64Array, total: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = (counts[i] as number) / total;
  return out;
}

/**
 * Evidently's zero-bin rule for PSI (get_binned_data with feel_zeroes=True), applied to each
 * vector on its own: empty bins get 0.0001, or the smallest non-zero proportion / 1e6 when that
 * is 0.0001 or less. The vector then no longer sums to 1; Evidently does not renormalise, nor do we.
 */
export function fillZeroes(p: Float64Array): Float64Array {
  let smallest = Infinity;
  for (let i = 0; i < p.length; i++) if (p[i] !== 0 && (p[i] as number) < smallest) smallest = p[i] as number;
  if (smallest === Infinity) return p;
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = fill;
  return p;
}

export interface BinOptions {
  kind: DriftColumnKind;
  binning?: Binning;
  /** Number of reference-quantile bins (default 10). Evidently's binning ignores it, as Evidently does. */
  bins?: number;
  /** Both samples come from integer-typed columns (pandas int64): numpy's Sturges width is then at least 1. */
  integer?: boolean;
}

export interface BinnedSamples { reference: Float64Array; current: Float64Array; binsUsed: BinsUsed }

/** Bin proportions of two cleaned, non-empty samples (numeric: Float64Array; categorical: values). */
export function binProportions(reference: ArrayLike<Category>, current: ArrayLike<Category>, options: BinOptions): BinnedSamples {
  const { kind, binning = 'evidently' } = options;
  if (kind === 'numeric' && binning === 'reference-quantiles') {
    const ref = reference as Float64Array, cur = current as Float64Array;
    const inner = quantileInnerEdges(Float64Array.from(ref).sort(), options.bins ?? DEFAULT_QUANTILE_BINS);
    return { reference: proportions(quantileBinCounts(ref, inner), ref.length), current: proportions(quantileBinCounts(cur, inner), cur.length), binsUsed: 'reference-quantiles' };
  }
  if (kind === 'numeric' && distinctAtMost(reference, EVIDENTLY_MAX_VALUE_BINS) > EVIDENTLY_MAX_VALUE_BINS) {
    const ref = reference as Float64Array, cur = current as Float64Array;
    const range = minMax(cur, minMax(ref));
    const edges = sturgesEdges(range.min, range.max, ref.length + cur.length, options.integer);
    return { reference: proportions(histogramCounts(ref, edges), ref.length), current: proportions(histogramCounts(cur, edges), cur.length), binsUsed: 'sturges' };
  }
  const counts = valueCounts(reference, current);
  return { reference: proportions(counts.reference, reference.length), current: proportions(counts.current, current.length), binsUsed: 'values' };
}
