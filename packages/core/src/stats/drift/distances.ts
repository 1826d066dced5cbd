// Drift distances between a reference and a current sample, computed as scipy and Evidently 0.7
// compute them (evidently/legacy/calculations/stattests/*.py, which Evidently 0.7's ValueDrift
// calls), checked against scripts/drift-fixtures/distances.py to 1e-9 relative.
//
// - PSI = Σ (ref% − cur%)·ln(ref% / cur%) over bins (binning.ts), empty bins filled by Evidently's
//   rule (fillZeroes) in each vector separately.
// - Jensen–Shannon distance = scipy.spatial.distance.jensenshannon(ref%, cur%, base): both vectors
//   normalised, m = (p + q)/2, sqrt((KL(p‖m) + KL(q‖m)) / 2), natural log unless a base is given
//   (Evidently passes none). No zero filling, as Evidently (feel_zeroes=False).
// - Hellinger distance = sqrt(1 − Σ sqrt(p·q)), clipped like Evidently: this is
//   (1/√2)·‖√p − √q‖₂ for vectors that sum to 1, in [0, 1]. For numeric columns Evidently bins
//   differently from PSI: Sturges edges over the *distinct* values of both samples, density
//   histograms times the bin width. With integer-typed columns numpy's width of at least 1 puts a
//   0/1 column in a single bin, so its Hellinger distance is always 0 (mirrored: pass `integer`).
// - Wasserstein-1 = scipy.stats.wasserstein_distance(u, v) = ∫ |F_u − F_v|, exact: both samples
//   sorted once, then one merge pass summing |F_u − F_v|·Δx between consecutive values.
// - Normed Wasserstein (Evidently's `wasserstein` test) = W1 / max(std(reference), 0.001), with the
//   population standard deviation (np.std, ddof 0).
// Missing values (null, undefined, NaN) and ±Infinity are dropped and counted first, as Evidently
// drops them; a sample left empty gives { status: 'no_data' }, never a distance of 0.
import {
  binProportions, finiteValues, fillZeroes, presentCategories, proportions, sturgesEdges, histogramCounts,
  type BinOptions, type BinsUsed, type CategoricalInput, type Category, type NumericInput, type SampleAccounting,
} from './binning.ts';

export type DistanceResult =
  | { status: 'ok'; value: number; reference: SampleAccounting; current: SampleAccounting; binsUsed: BinsUsed | null; bins: number | null }
  | { status: 'no_data'; reference: SampleAccounting; current: SampleAccounting };

export type DistanceValue = { status: 'ok'; value: number } | { status: 'no_data' };

const accounting = ({ used, missing, infinite }: SampleAccounting): SampleAccounting => ({ used, missing, infinite });

interface Cleaned { reference: ArrayLike<Category>; current: ArrayLike<Category>; ref: SampleAccounting; cur: SampleAccounting }

function clean(reference: NumericInput | CategoricalInput, current: NumericInput | CategoricalInput, kind: BinOptions['kind']): Cleaned {
  const r = kind === 'numeric' ? finiteValues(reference as NumericInput) : presentCategories(reference as CategoricalInput);
  const c = kind === 'numeric' ? finiteValues(current as NumericInput) : presentCategories(current as CategoricalInput);
  return { reference: r.values, current: c.values, ref: accounting(r), cur: accounting(c) };
}

function binned(reference: NumericInput | CategoricalInput, current: NumericInput | CategoricalInput, options: BinOptions,
  value: (ref: Float64Array, cur: Float64Array) => number): DistanceResult {
  const s = clean(reference, current, options.kind);
  if (s.ref.used === 0 || s.cur.used === 0) return { status: 'no_data', reference: s.ref, current: s.cur };
  const b = binProportions(s.reference, s.current, options);
  return { status: 'ok', value: value(b.reference, b.current), reference: s.ref, current: s.cur, binsUsed: b.binsUsed, bins: b.reference.length };
}

// ---------- on proportions

/** PSI of two proportion vectors after Evidently's zero filling (which this does, on copies). */
export function psiOfProportions(ref: Float64Array, cur: Float64Array): number {
  const r = fillZeroes(Float64Array.from(ref)), c = fillZeroes(Float64Array.from(cur));
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += ((r[i] as number) - (c[i] as number)) * Math.log((r[i] as number) / (c[i] as number));
  return sum;
}

const relEntr = (x: number, y: number) => (x > 0 && y > 0 ? x * Math.log(x / y) : x === 0 && y >= 0 ? 0 : Infinity);

/** scipy.spatial.distance.jensenshannon(p, q, base); a rounding-negative divergence gives 0, not NaN. */
export function jensenShannonOfProportions(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  let sp = 0, sq = 0;
  for (let i = 0; i < p.length; i++) { sp += p[i] as number; sq += q[i] as number; }
  let left = 0, right = 0;
  for (let i = 0; i < p.length; i++) {
    const a = (p[i] as number) / sp, b = (q[i] as number) / sq, m = (a + b) / 2;
    left += relEntr(a, m);
    right += relEntr(b, m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(Math.max(0, js / 2));
}

/** Evidently's Hellinger distance of two proportion vectors: sqrt(1 − clip(Σ sqrt(p·q), 0, 1)). */
export function hellingerOfProportions(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let bc = 0;
  for (let i = 0; i < p.length; i++) bc += Math.sqrt((p[i] as number) * (q[i] as number));
  return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
}

/** The same three on bin counts, e.g. from stored histograms; an empty side is no data. */
export function fromCounts(measure: 'psi' | 'jensenshannon' | 'hellinger', reference: ArrayLike<number>, current: ArrayLike<number>, base?: number): DistanceValue {
  const total = (c: ArrayLike<number>) => { let t = 0; for (let i = 0; i < c.length; i++) t += c[i] as number; return t; };
  const rt = total(reference), ct = total(current);
  if (!(rt > 0 && ct > 0)) return { status: 'no_data' };
  const p = proportions(Float64Array.from(reference), rt), q = proportions(Float64Array.from(current), ct);
  const value = measure === 'psi' ? psiOfProportions(p, q) : measure === 'jensenshannon' ? jensenShannonOfProportions(p, q, base) : hellingerOfProportions(p, q);
  return { status: 'ok', value };
}

// ---------- on samples

export function psi(reference: NumericInput | CategoricalInput, current: NumericInput | CategoricalInput, options: BinOptions): DistanceResult {
  return binned(reference, current, options, psiOfProportions);
}

export function jensenShannon(reference: NumericInput | CategoricalInput, current: NumericInput | CategoricalInput, options: BinOptions & { base?: number }): DistanceResult {
  return binned(reference, current, options, (p, q) => jensenShannonOfProportions(p, q, options.base));
}

/** Hellinger distance; numeric columns with the default binning use Evidently's own (see above). */
export function hellinger(reference: NumericInput | CategoricalInput, current: NumericInput | CategoricalInput, options: BinOptions): DistanceResult {
  if (options.kind !== 'numeric' || (options.binning ?? 'evidently') !== 'evidently') return binned(reference, current, options, hellingerOfProportions);
  const s = clean(reference, current, 'numeric');
  if (s.ref.used === 0 || s.cur.used === 0) return { status: 'no_data', reference: s.ref, current: s.cur };
  const ref = s.reference as Float64Array, cur = s.current as Float64Array;
  const a = Float64Array.from(ref).sort(), b = Float64Array.from(cur).sort();
  const min = Math.min(a[0] as number, b[0] as number), max = Math.max(a[a.length - 1] as number, b[b.length - 1] as number);
  const edges = sturgesEdges(min, max, distinctInSorted(a, b), options.integer);
  const h1 = histogramCounts(a, edges), h2 = histogramCounts(b, edges);
  const bins = edges.length - 1, width = ((edges[bins] as number) - (edges[0] as number)) / bins;
  let bc = 0;
  for (let i = 0; i < bins; i++) {
    const db = (edges[i + 1] as number) - (edges[i] as number); // numpy's density: count / db / total
    bc += Math.sqrt(((h1[i] as number) / db / a.length) * ((h2[i] as number) / db / b.length)) * width;
  }
  return { status: 'ok', value: Math.sqrt(1 - Math.min(1, Math.max(0, bc))), reference: s.ref, current: s.cur, binsUsed: 'sturges', bins };
}

/** Distinct values in the union of two sorted arrays (-0 and 0 are one value, as in numpy.unique). */
function distinctInSorted(a: Float64Array, b: Float64Array): number {
  let i = 0, j = 0, n = 0, prev = NaN;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? (a[i++] as number) : (b[j++] as number);
    if (n === 0 || x !== prev) { n++; prev = x; }
  }
  return n;
}

/** scipy.stats.wasserstein_distance of two sorted, finite, non-empty samples. */
export function wassersteinOfSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length, nv = v.length;
  let i = 0, j = 0, x = Math.min(u[0] as number, v[0] as number);
  let sum = 0, comp = 0; // Neumaier summation: a million terms stay within an ulp or two
  while (i < nu || j < nv) {
    // consume the next value; with ties the step is 0, so the order among them does not matter
    if (j >= nv || (i < nu && (u[i] as number) <= (v[j] as number))) i++; else j++;
    if (i === nu && j === nv) break;
    const next = j >= nv || (i < nu && (u[i] as number) <= (v[j] as number)) ? (u[i] as number) : (v[j] as number);
    const term = Math.abs(i / nu - j / nv) * (next - x);
    const t = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
    x = next;
  }
  return sum + comp;
}

function sortedFinite(reference: NumericInput, current: NumericInput) {
  const r = finiteValues(reference), c = finiteValues(current);
  return { r, c, ok: r.used > 0 && c.used > 0 };
}

export function wasserstein(reference: NumericInput, current: NumericInput): DistanceResult {
  const { r, c, ok } = sortedFinite(reference, current);
  if (!ok) return { status: 'no_data', reference: accounting(r), current: accounting(c) };
  return { status: 'ok', value: wassersteinOfSorted(r.values.sort(), c.values.sort()), reference: accounting(r), current: accounting(c), binsUsed: null, bins: null };
}

/** Population standard deviation (numpy.std, ddof 0), two passes with compensated sums. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  let s = 0, cs = 0;
  for (let i = 0; i < n; i++) { const x = values[i] as number, t = s + x; cs += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s; s = t; }
  const mean = (s + cs) / n;
  let q = 0, cq = 0;
  for (let i = 0; i < n; i++) { const d = (values[i] as number) - mean, x = d * d, t = q + x; cq += q >= x ? (q - t) + x : (x - t) + q; q = t; }
  return Math.sqrt((q + cq) / n);
}

/** Evidently's `wasserstein` drift score: W1 / max(population std of the reference, 0.001). */
export function wassersteinNormed(reference: NumericInput, current: NumericInput): DistanceResult {
  const { r, c, ok } = sortedFinite(reference, current);
  if (!ok) return { status: 'no_data', reference: accounting(r), current: accounting(c) };
  const norm = Math.max(populationStd(r.values), 0.001);
  return { status: 'ok', value: wassersteinOfSorted(r.values.sort(), c.values.sort()) / norm, reference: accounting(r), current: accounting(c), binsUsed: null, bins: null };
}
