// Live performance against a version's validation metric (the registry's validation_metrics):
// the difference, and whether the window's sample is large enough for it to mean something.
// The validation value is taken as known (its own sample size is rarely recorded), so each test
// is one-sample: the live estimate's sampling error under the validation value.
// - Proportions (accuracy over labelled rows; precision over predicted positives; recall over
//   actual positives): z = (p̂ − p0) / sqrt(p0 (1 − p0) / n), the normal approximation to the
//   binomial, used only when n·p0·(1 − p0) ≥ 10 (else "too few labels to tell").
// - ROC AUC: Hanley & McNeil (1982), "The meaning and use of the area under a receiver operating
//   characteristic (ROC) curve", Radiology 143: SE² = (A(1−A) + (n₁−1)(Q₁−A²) + (n₂−1)(Q₂−A²)) / (n₁n₂),
//   Q₁ = A / (2 − A), Q₂ = 2A² / (1 + A), at A = the validation value; used only when the window
//   has at least 10 positives and 10 negatives (with one of each the normal approximation called
//   a single mis-ordered pair significant at p = 0.003).
// - Other metrics (F1, log loss, MAE, RMSE, MAPE, R²) have no closed-form error here: the
//   difference is given, significance is null with the reason.
// Two-sided at `alpha` (default 0.05).
import { normalSf } from '../drift/z-test.ts';

export interface BaselineComparison {
  baseline: number;
  live: number;
  difference: number;
  /** Two-sided p-value of "the live value is the baseline's", null when no test applies. */
  pvalue: number | null;
  significant: boolean | null;
  /** Which test, or why there is none. */
  test: string;
}

const MIN_VARIANCE_MASS = 10;
const MIN_AUC_CLASS_ROWS = 10;

function verdict(baseline: number, live: number, z: number, alpha: number, test: string): BaselineComparison {
  const pvalue = Math.min(1, 2 * normalSf(Math.abs(z)));
  return { baseline, live, difference: live - baseline, pvalue, significant: pvalue < alpha, test };
}

/** A proportion measured on `n` rows (accuracy, precision, recall) against its validation value. */
export function proportionVsBaseline(live: number, n: number, baseline: number, alpha = 0.05): BaselineComparison {
  const base = { baseline, live, difference: live - baseline };
  if (!(baseline > 0 && baseline < 1)) return { ...base, pvalue: null, significant: null, test: `no test: a validation value of ${baseline} leaves no sampling error to compare with` };
  if (n * baseline * (1 - baseline) < MIN_VARIANCE_MASS) return { ...base, pvalue: null, significant: null, test: `too few labels to tell: ${n} rows (the normal approximation needs n·p·(1−p) ≥ ${MIN_VARIANCE_MASS})` };
  return verdict(baseline, live, (live - baseline) / Math.sqrt((baseline * (1 - baseline)) / n), alpha, 'one-sample proportion z-test');
}

/** ROC AUC from `positives` and `negatives` labelled rows against its validation value (Hanley & McNeil). */
export function aucVsBaseline(live: number, positives: number, negatives: number, baseline: number, alpha = 0.05): BaselineComparison {
  const base = { baseline, live, difference: live - baseline };
  if (positives < 1 || negatives < 1) return { ...base, pvalue: null, significant: null, test: 'no test: the window needs both classes' };
  if (!(baseline > 0 && baseline < 1)) return { ...base, pvalue: null, significant: null, test: `no test: a validation value of ${baseline} leaves no sampling error to compare with` };
  if (Math.min(positives, negatives) < MIN_AUC_CLASS_ROWS) return { ...base, pvalue: null, significant: null, test: `too few labels to tell: ${positives} positives and ${negatives} negatives (the normal approximation needs ${MIN_AUC_CLASS_ROWS} of each)` };
  const a = baseline, q1 = a / (2 - a), q2 = (2 * a * a) / (1 + a);
  const se = Math.sqrt((a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives));
  return verdict(baseline, live, (live - baseline) / se, alpha, 'Hanley–McNeil standard error of the AUC');
}

/** A metric without a sampling-error formula here: the difference only. */
export function differenceOnly(live: number, baseline: number, metric: string): BaselineComparison {
  return { baseline, live, difference: live - baseline, pvalue: null, significant: null, test: `no test for ${metric}: the difference alone` };
}
