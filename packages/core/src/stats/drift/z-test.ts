/**
 * Pooled two-proportion z-test, two-sided, for a boolean feature: is the share of `true` the same
 * in the reference and the current data? The same numbers as statsmodels'
 * `proportions_ztest([c_ref, c_cur], [n_ref, n_cur])` and Evidently's `z` stattest:
 *
 *   z = (p_ref - p_cur) / sqrt(p (1 - p) (1/n_ref + 1/n_cur)),  p = (c_ref + c_cur) / (n_ref + n_cur)
 *   p-value = 2 * Pr(N(0,1) > |z|)   (computed from the upper tail, so small p-values keep their digits)
 *
 * When the pooled proportion is 0 or 1 (both samples all false, or all true) the standard error is
 * 0 and statsmodels returns NaN; the samples then agree exactly, so we return z = 0 and p-value 1.
 * An empty side gives null.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface ProportionCounts {
  /** How many values are true. */
  successes: number;
  /** How many values there are (missing values excluded). */
  total: number;
}

export interface ZTestResult {
  statistic: number;
  pvalue: number;
  pReference: number;
  pCurrent: number;
}

/** Pr(Z > z) for a standard normal Z (scipy's `norm.sf`). */
export function normalSf(z: number): number {
  return normalCdf(-z, 0, 1);
}

/**
 * @example
 *   twoProportionZTest({ successes: 30, total: 100 }, { successes: 45, total: 120 })
 *   // { statistic: -1.17..., pvalue: 0.24..., pReference: 0.3, pCurrent: 0.375 }
 */
export function twoProportionZTest(reference: ProportionCounts, current: ProportionCounts): ZTestResult | null {
  for (const s of [reference, current]) {
    if (!(Number.isFinite(s.total) && s.total >= 0 && s.successes >= 0 && s.successes <= s.total)) {
      throw new RangeError('successes must lie between 0 and total');
    }
  }
  if (reference.total === 0 || current.total === 0) return null;
  const p1 = reference.successes / reference.total;
  const p2 = current.successes / current.total;
  const pooled = (reference.successes + current.successes) / (reference.total + current.total);
  const variance = pooled * (1 - pooled) * (1 / reference.total + 1 / current.total);
  if (variance === 0) return { statistic: 0, pvalue: 1, pReference: p1, pCurrent: p2 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pvalue: 2 * normalSf(Math.abs(z)), pReference: p1, pCurrent: p2 };
}
