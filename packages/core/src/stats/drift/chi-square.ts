/**
 * Pearson chi-square tests for a categorical feature, reference counts against current counts.
 * Two tests answer slightly different questions; both are offered:
 *
 * - Goodness of fit (`chiSquareGoodnessOfFit`, what Evidently's `chisquare` stattest does): the
 *   reference is taken as the known distribution and the current counts are tested against its
 *   proportions scaled to the current total — scipy's
 *   `chisquare(f_obs=cur, f_exp=ref / ref.sum() * cur.sum())`, k - 1 degrees of freedom. It
 *   ignores the reference's own sampling noise, so it is the stricter of the two.
 * - Contingency (`chiSquareContingency`): both samples are draws, tested for homogeneity on the
 *   2 x k table [ref; cur] — scipy's `chi2_contingency([ref, cur], correction=...)`, k - 1 degrees
 *   of freedom, with Yates' continuity correction (scipy's default, applied only when there is one
 *   degree of freedom, i.e. two categories) unless `correction: false`.
 *
 * Categories are the union of both sides; a category with a zero count on both sides is left out
 * (it carries no information, and scipy's contingency test refuses zero expected counts).
 * A category seen in the current data only ("unseen") has expected count 0 under goodness of fit:
 * with `zeroExpected: 'infinity'` (default) the statistic is +Infinity and the p-value 0 — the
 * numbers scipy (and so Evidently) compute, with a divide-by-zero warning — because such data is
 * impossible under the reference; with `zeroExpected: 'pseudocount'` every reference category
 * (of the union) gets `pseudocount` (default 0.5) added first, which gives a finite statistic.
 * A category seen in the reference only ("vanished") needs no rule: its observed count is 0.
 * The contingency test needs no rule either: its expected counts are never 0.
 * With a single category there is nothing to test: statistic 0, p-value 1, 0 degrees of freedom
 * (as `chi2_contingency`; scipy's `chisquare` returns NaN there). An empty side gives null.
 */
import gammainc from '@stdlib/math-base-special-gammainc';

export type CategoryCounts = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  dof: number;
  /** The categories tested, in the order of the reference then the current counts. */
  categories: string[];
  /** Categories with a current count but no reference count. */
  unseen: string[];
  /** Categories with a reference count but no current count. */
  vanished: string[];
}

export interface GoodnessOfFitOptions {
  zeroExpected?: 'infinity' | 'pseudocount';
  /** Added to every reference count when `zeroExpected` is 'pseudocount'. Default 0.5. */
  pseudocount?: number;
}

export interface ContingencyOptions {
  /** Yates' continuity correction when there is one degree of freedom. Default true, as scipy. */
  correction?: boolean;
}

/** Pr(X > x) for X ~ chi-square(k): scipy's `chi2.sf`, the regularised upper incomplete gamma Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (Number.isNaN(x) || !(k > 0)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammainc(x / 2, k / 2, true, true);
}

function entries(c: CategoryCounts): Iterable<[string, number]> {
  return c instanceof Map ? c.entries() : Object.entries(c);
}

interface Aligned {
  categories: string[];
  ref: number[];
  cur: number[];
  refTotal: number;
  curTotal: number;
  unseen: string[];
  vanished: string[];
}

function align(reference: CategoryCounts, current: CategoryCounts): Aligned {
  const r = new Map<string, number>();
  const c = new Map<string, number>();
  for (const [k, v] of entries(reference)) r.set(k, (r.get(k) ?? 0) + v);
  for (const [k, v] of entries(current)) c.set(k, (c.get(k) ?? 0) + v);
  const out: Aligned = { categories: [], ref: [], cur: [], refTotal: 0, curTotal: 0, unseen: [], vanished: [] };
  for (const k of new Set([...r.keys(), ...c.keys()])) {
    const rv = r.get(k) ?? 0;
    const cv = c.get(k) ?? 0;
    if (!(rv >= 0 && cv >= 0 && Number.isFinite(rv) && Number.isFinite(cv))) throw new RangeError(`category ${k}: counts must be finite and non-negative`);
    if (rv === 0 && cv === 0) continue;
    out.categories.push(k);
    out.ref.push(rv);
    out.cur.push(cv);
    out.refTotal += rv;
    out.curTotal += cv;
    if (rv === 0) out.unseen.push(k);
    if (cv === 0) out.vanished.push(k);
  }
  return out;
}

function result(a: Aligned, statistic: number, dof: number): ChiSquareResult {
  return { statistic, pvalue: dof === 0 ? 1 : chiSquareSf(statistic, dof), dof, categories: a.categories, unseen: a.unseen, vanished: a.vanished };
}

/**
 * Goodness of fit of the current counts to the reference proportions (see the file comment for
 * the rule on categories the reference never saw). Null when either side has no count.
 *
 * @example
 *   chiSquareGoodnessOfFit({ a: 40, b: 35, c: 25 }, { a: 30, b: 42, c: 28 }).pvalue
 */
export function chiSquareGoodnessOfFit(reference: CategoryCounts, current: CategoryCounts, opts: GoodnessOfFitOptions = {}): ChiSquareResult | null {
  const a = align(reference, current);
  if (a.refTotal === 0 || a.curTotal === 0) return null;
  const k = a.categories.length;
  if (k <= 1) return result(a, 0, 0);
  const pc = opts.zeroExpected === 'pseudocount' ? (opts.pseudocount ?? 0.5) : 0;
  const refTotal = a.refTotal + pc * k;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const exp = (((a.ref[i] as number) + pc) / refTotal) * a.curTotal;
    const diff = (a.cur[i] as number) - exp;
    // exp = 0 only for an unseen category under the 'infinity' rule: (obs - 0)^2 / 0 = +Infinity.
    stat += (diff * diff) / exp;
  }
  return result(a, stat, k - 1);
}

/**
 * Chi-square test of homogeneity on the 2 x k table [reference; current]. Null when either side
 * has no count.
 *
 * @example
 *   chiSquareContingency({ yes: 30, no: 70 }, { yes: 45, no: 55 }, { correction: false }).pvalue
 */
export function chiSquareContingency(reference: CategoryCounts, current: CategoryCounts, opts: ContingencyOptions = {}): ChiSquareResult | null {
  const a = align(reference, current);
  if (a.refTotal === 0 || a.curTotal === 0) return null;
  const k = a.categories.length;
  const dof = k - 1;
  if (dof === 0) return result(a, 0, 0);
  const total = a.refTotal + a.curTotal;
  const yates = dof === 1 && (opts.correction ?? true);
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const col = (a.ref[i] as number) + (a.cur[i] as number);
    for (const [obs0, rowTotal] of [[a.ref[i] as number, a.refTotal], [a.cur[i] as number, a.curTotal]] as const) {
      const exp = (rowTotal * col) / total;
      let obs = obs0;
      if (yates) {
        // Move each observed count up to 0.5 towards its expected count.
        const d = exp - obs;
        obs += Math.sign(d) * Math.min(0.5, Math.abs(d));
      }
      const diff = obs - exp;
      stat += (diff * diff) / exp;
    }
  }
  return result(a, stat, dof);
}
