/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, agreeing with `scipy.stats.ks_2samp` (checked
 * against it by ks.test.ts on fixtures from scripts/drift-fixtures/tests.py).
 *
 * - Statistic: D = max |F_a(t) - F_b(t)| over the pooled values, from both samples sorted once
 *   and swept together, so O(n log n) time; ties are handled as scipy's
 *   `searchsorted(side='right')` does (each ECDF is evaluated after all values equal to t).
 * - 'exact' p-value: the lattice-path count of Hodges (1958), see ks-exact.ts.
 * - 'asymp' p-value: the finite-n two-sided Kolmogorov distribution at
 *   n = round(n_a n_b / (n_a + n_b)) (`kstwo.sf`), see kolmogorov.ts.
 * - 'auto' (the default) is 'exact' when both samples have at most 10,000 values, else 'asymp'.
 *   As in scipy, an explicit 'exact' falls back to 'asymp' when lcm(n_a, n_b) does not fit in
 *   an int32, or when the exact computation does not give a probability; `method` in the result
 *   says which one answered. Cost of 'exact': O(n) for equal sizes, O(n_max * d * n_min) otherwise
 *   (the band of the lattice walk), so 'auto' never takes it past 10,000 values; 'asymp' is at
 *   most O(n_eff) (the one-sided Smirnov sum, n_eff = n_a n_b / (n_a + n_b)), usually O(1).
 *
 * NaN and ±Infinity are left out of both samples and counted; an empty sample (after that) gives
 * null, which callers report as "no data", never as a statistic of 0.
 */
import { roundHalfEven } from './double-double.ts';
import { kolmogorovSf } from './kolmogorov.ts';
import { probOutsideBand, probOutsideSquare } from './ks-exact.ts';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsOptions {
  method?: KsMethod;
  /** Only the two-sided alternative is implemented. */
  alternative?: 'two-sided';
}

export interface KsResult {
  statistic: number;
  pvalue: number;
  /** The method that produced the p-value. */
  method: 'exact' | 'asymp';
  nA: number;
  nB: number;
  /** Values left out of each sample because they were NaN or infinite. */
  excludedA: number;
  excludedB: number;
}

/** 'auto' computes exactly while both sizes are at most this (scipy's MAX_AUTO_N). */
export const KS_MAX_AUTO_N = 10_000;
const INT32_MAX = 2 ** 31 - 1;

/** The finite values of a sample, sorted ascending, and how many were left out. */
export function finiteSorted(values: ArrayLike<number>): { sorted: Float64Array; excluded: number } {
  const out = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[k++] = v;
  }
  const sorted = (k === out.length ? out : out.slice(0, k)).sort();
  return { sorted, excluded: values.length - k };
}

/**
 * D = max |F_a - F_b| for two ascending samples (finite, non-empty). Each ECDF value is
 * count / size exactly as scipy forms it, so the statistic is bit-for-bit scipy's.
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  while (i < n1 || j < n2) {
    const t = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    while (i < n1 && (a[i] as number) <= t) i++;
    while (j < n2 && (b[j] as number) <= t) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const minD = Math.min(Math.max(-minS, 0), 1);
  return minD > maxS ? minD : maxS;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The exact p-value and the statistic snapped to the lattice (h / lcm), or null to fall back. */
function exactPvalue(n1: number, n2: number, d: number): { d: number; p: number | null } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dd = h / lcm;
  if (h === 0) return { d: dd, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  return { d: dd, p: p >= 0 && p <= 1 ? p : null };
}

/** `kstwo.sf(d, round(n1 n2 / (n1 + n2)))`, NaN when that rounds to 0 (one value on each side). */
export function ksAsympPvalue(n1: number, n2: number, d: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kolmogorovSf(d, roundHalfEven(en));
  return Number.isNaN(p) ? p : Math.min(Math.max(p, 0), 1);
}

/** The test on two samples already cleaned (finite) and sorted ascending. */
export function ks2sampSorted(a: Float64Array, b: Float64Array, opts: KsOptions = {}): Omit<KsResult, 'excludedA' | 'excludedB'> | null {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return null;
  let d = ksStatisticSorted(a, b);
  let mode = opts.method ?? 'auto';
  if (mode === 'auto') mode = Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp';
  else if (mode === 'exact' && n1 / gcd(n1, n2) >= INT32_MAX / (n2 / gcd(n1, n2))) mode = 'asymp';
  if (mode === 'exact') {
    const r = exactPvalue(n1, n2, d);
    d = r.d;
    if (r.p !== null) return { statistic: d, pvalue: r.p, method: 'exact', nA: n1, nB: n2 };
  }
  return { statistic: d, pvalue: ksAsympPvalue(n1, n2, d), method: 'asymp', nA: n1, nB: n2 };
}

/**
 * Two-sided two-sample Kolmogorov–Smirnov test (scipy's `ks_2samp(a, b, method=...)`).
 * Returns null when either sample has no finite value.
 *
 * @example
 *   ks2samp([0.1, 0.4, 0.7], [0.5, 0.9, 1.3, 2.0])
 *   // { statistic: 0.75, pvalue: 0.22857142857142862, method: 'exact', nA: 3, nB: 4, excludedA: 0, excludedB: 0 }
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>, opts: KsOptions = {}): KsResult | null {
  const ca = finiteSorted(a);
  const cb = finiteSorted(b);
  const r = ks2sampSorted(ca.sorted, cb.sorted, opts);
  return r && { ...r, excludedA: ca.excluded, excludedB: cb.excluded };
}
