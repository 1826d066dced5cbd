// Every drift statistic of a numeric column from one sort of each sample (sorted-sample.ts), and
// every statistic of a categorical column from its counts: the numbers ks2samp, wasserstein,
// wassersteinNormed, psi (both binnings), jensenShannon and hellinger give on the raw samples, bit
// for bit (the test compares them on samples with ties, -0, NaN, ±Infinity, constant and tiny
// ones), at a fraction of the cost: those functions each copy and sort the samples again (up to
// eight sorts per column) and count bins value by value, where counts here come from binary
// searches in the sorted samples. Where a shortcut's preconditions fail (edges that are not
// finite, a range that overflows, more distinct values than a small table), the original function
// is called instead.
import { DEFAULT_QUANTILE_BINS, EVIDENTLY_MAX_VALUE_BINS, proportions, sturgesEdges, valueCounts, type Category } from './binning.ts';
import { hellingerOfProportions, jensenShannonOfProportions, populationStd, psiOfProportions } from './distances.ts';
import { KS_MAX_AUTO_N, ks2sampSorted, ksAsympPvalue, type KsResult } from './ks.ts';
import { chiSquareContingency, chiSquareGoodnessOfFit, type ChiSquareResult } from './chi-square.ts';
import { twoProportionZTest, type ZTestResult } from './z-test.ts';
import { histogramCountsOf, quantileBinCountsOf, quantileInnerEdgesOf, SortedArray, sortPair, type SortedSample } from './sorted-sample.ts';

export interface NumericColumnStats {
  ks: Omit<KsResult, 'excludedA' | 'excludedB'>;
  wasserstein: number;
  wassersteinNormed: number;
  psi: number;
  psiQuantile: number;
  jensenShannon: number;
  hellinger: number;
  /** Distinct values of both samples together (-0 and 0 are one). */
  distinct: number;
  /** Both samples in sorted order, for the chart (overlay.ts). */
  sortedReference: SortedSample;
  sortedCurrent: SortedSample;
}

/** Most distinct values for which value bins are counted by binary search rather than by valueCounts. */
const VALUE_BIN_TABLE = 4096;

/** Evidently's value bins (binning.ts valueCounts): keys in order of first appearance, reference first. */
function valueBinProportions(ref: Float64Array, cur: Float64Array, sr: SortedSample, sc: SortedSample, union: number): { p: Float64Array; q: Float64Array } {
  if (union > VALUE_BIN_TABLE) {
    const counts = valueCounts(ref, cur);
    return { p: proportions(counts.reference, ref.length), q: proportions(counts.current, cur.length) };
  }
  // the keys' order decides the order of the sums, so it must be valueCounts' order
  const keys = new Map<number, number>();
  for (let i = 0; i < ref.length && keys.size < union; i++) if (!keys.has(ref[i] as number)) keys.set(ref[i] as number, keys.size);
  for (let i = 0; i < cur.length && keys.size < union; i++) if (!keys.has(cur[i] as number)) keys.set(cur[i] as number, keys.size);
  const p = new Float64Array(keys.size), q = new Float64Array(keys.size);
  for (const [v, k] of keys) {
    p[k] = (sr.upperBound(v) - sr.lowerBound(v)) / ref.length;
    q[k] = (sc.upperBound(v) - sc.lowerBound(v)) / cur.length;
  }
  return { p, q };
}

/**
 * The statistics of two non-empty samples of finite values in row order (finiteValues(x).values),
 * as the per-statistic functions compute them: ks2samp (scipy's auto method), wasserstein,
 * wassersteinNormed, psi with Evidently's binning and with reference deciles, jensenShannon and
 * hellinger with Evidently's binning. `integer`: both columns are integer-typed (binning.ts).
 */
export function numericColumnStats(ref: Float64Array, cur: Float64Array, opts: { integer?: boolean } = {}): NumericColumnStats {
  if (ref.length === 0 || cur.length === 0) throw new RangeError('numericColumnStats needs two non-empty samples');
  const integer = opts.integer ?? false;
  const { ref: sr, cur: sc, merged: m } = sortPair(ref, cur);
  // past scipy's exact sizes ks2sampSorted gives the statistic and the asymptotic p-value as is
  const ks = Math.max(ref.length, cur.length) <= KS_MAX_AUTO_N
    ? ks2sampSorted(ascending(sr), ascending(sc))!
    : { statistic: m.ks, pvalue: ksAsympPvalue(ref.length, cur.length, m.ks), method: 'asymp' as const, nA: ref.length, nB: cur.length };
  const w = m.wasserstein;
  const wn = w / Math.max(populationStd(ref), 0.001);
  const union = m.distinct;
  const min = Math.min(sr.at(0), sc.at(0)), max = Math.max(sr.at(sr.length - 1), sc.at(sc.length - 1));

  // Evidently's bins for PSI and Jensen–Shannon
  let p: Float64Array, q: Float64Array;
  if (sr.distinctUpTo(EVIDENTLY_MAX_VALUE_BINS) > EVIDENTLY_MAX_VALUE_BINS) {
    const edges = sturgesEdges(min, max, ref.length + cur.length, integer);
    p = proportions(histogramCountsOf(sr, edges), ref.length);
    q = proportions(histogramCountsOf(sc, edges), cur.length);
  } else {
    ({ p, q } = valueBinProportions(ref, cur, sr, sc, union));
  }
  const inner = quantileInnerEdgesOf(sr, DEFAULT_QUANTILE_BINS);
  const psiQuantile = psiOfProportions(proportions(quantileBinCountsOf(sr, inner), ref.length), proportions(quantileBinCountsOf(sc, inner), cur.length));

  return {
    ks, wasserstein: w, wassersteinNormed: wn, psi: psiOfProportions(p, q), psiQuantile, jensenShannon: jensenShannonOfProportions(p, q),
    hellinger: hellingerOfSorted(sr, sc, min, max, union, integer), distinct: union, sortedReference: sr, sortedCurrent: sc,
  };
}

/** The sample as an ascending array (only for scipy's exact KS sizes, at most 10,000 values). */
const ascending = (s: SortedSample): Float64Array => (s instanceof SortedArray ? s.values : Float64Array.from({ length: s.length }, (_, i) => s.at(i)));

/** distances.ts hellinger (Evidently's numeric binning) on sorted samples with `union` distinct values. */
function hellingerOfSorted(a: SortedSample, b: SortedSample, min: number, max: number, union: number, integer: boolean): number {
  const edges = sturgesEdges(min, max, union, integer);
  const h1 = histogramCountsOf(a, edges), h2 = histogramCountsOf(b, edges);
  const bins = edges.length - 1, width = ((edges[bins] as number) - (edges[0] as number)) / bins;
  let bc = 0;
  for (let i = 0; i < bins; i++) {
    const db = (edges[i + 1] as number) - (edges[i] as number);
    bc += Math.sqrt(((h1[i] as number) / db / a.length) * ((h2[i] as number) / db / b.length)) * width;
  }
  return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
}

export interface CategoricalColumnStats {
  chisquare: ChiSquareResult;
  chi2Contingency: ChiSquareResult;
  /** Only for at most two distinct values. */
  z: ZTestResult | null;
  psi: number;
  jensenShannon: number;
  hellinger: number;
  /** Distinct values of both samples together. */
  distinct: number;
}

/**
 * Evidently's z-test on a binary column (the report's): the first category in sorted order is the
 * failure. Null for more than two categories.
 */
export function binaryZTest(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): ZTestResult | null {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  if (keys.length > 2) return null;
  const side = (m: ReadonlyMap<string, number>) => {
    let total = 0;
    for (const c of m.values()) total += c;
    return { successes: total - (m.get(keys[0]!) ?? 0), total };
  };
  return twoProportionZTest(side(ref), side(cur));
}

/**
 * Every statistic of a categorical column from its counts, each map in order of first appearance
 * (as counting the values in row order makes it): the numbers psi, jensenShannon and hellinger
 * give on the value arrays, and the chi-square and z tests on those counts. Both non-empty.
 */
export function categoricalColumnStats(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): CategoricalColumnStats {
  const index = new Map<string, number>();
  for (const k of ref.keys()) index.set(k, index.size);
  for (const k of cur.keys()) if (!index.has(k)) index.set(k, index.size);
  const rc = new Float64Array(index.size), cc = new Float64Array(index.size);
  let rt = 0, ct = 0;
  for (const [k, c] of ref) { rc[index.get(k)!] = c; rt += c; }
  for (const [k, c] of cur) { cc[index.get(k)!] = c; ct += c; }
  if (rt === 0 || ct === 0) throw new RangeError('categoricalColumnStats needs two non-empty samples');
  const p = proportions(rc, rt), q = proportions(cc, ct);
  return {
    chisquare: chiSquareGoodnessOfFit(ref, cur)!, chi2Contingency: chiSquareContingency(ref, cur)!, z: binaryZTest(ref, cur),
    psi: psiOfProportions(p, q), jensenShannon: jensenShannonOfProportions(p, q), hellinger: hellingerOfProportions(p, q), distinct: index.size,
  };
}

/** Counts of values in order of first appearance (the maps categoricalColumnStats takes). */
export function countValues(values: ArrayLike<Category>): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < values.length; i++) { const k = String(values[i]); m.set(k, (m.get(k) ?? 0) + 1); }
  return m;
}
