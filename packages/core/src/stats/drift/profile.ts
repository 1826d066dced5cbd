// Reference profiles: what the drift monitor keeps of a reference sample per feature, computed
// once when the reference is set and reused by every drift query (DESIGN.md, ReferenceProfile).
// A numeric feature keeps its moments, its 0.5%-quantiles (numpy's linear method, so that the
// decile edges of PSI_quantile are a subset of them) and its counts in those bins; the streaming
// drift path counts live values on the same edges. A numeric feature with few distinct values,
// and every categorical one, keeps exact value counts instead: drift from value counts is exact.
import { z } from 'zod';
import { DEFAULT_QUANTILE_BINS, EVIDENTLY_MAX_VALUE_BINS, quantileBinCounts, quantileInnerEdges } from './binning.ts';
import { populationStd } from './distances.ts';

/** Quantile bins of a numeric reference: 0.5% each (the streaming bounds narrow as bins shrink). */
export const PROFILE_QUANTILE_BINS = 200;
/** Categories kept per feature; the rest of a reference is counted under OTHER_CATEGORIES. */
export const PROFILE_MAX_CATEGORIES = 10_000;
export const OTHER_CATEGORIES = '\u0000other';

const Counts = z.record(z.string(), z.number().nonnegative());
const Accounting = { rows: z.number().int().nonnegative(), used: z.number().int().nonnegative(), missing: z.number().int().nonnegative(), infinite: z.number().int().nonnegative() };

export const NumericProfileSchema = z.object({
  kind: z.literal('numeric'),
  ...Accounting,
  mean: z.number().nullable(),
  /** Population standard deviation (numpy.std), the norm of Evidently's Wasserstein score. */
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Every value is an integer (numpy's Sturges width is then at least 1). */
  integer: z.boolean(),
  /**
   * 'quantiles': `edges` are the distinct 0.5%-quantiles and deciles and `counts` the values in
   * (-inf, e0), [e0, e1), …, [e_last, inf). 'values': at most 20 distinct values, counted in
   * `values` (key: the number as JavaScript prints it); `edges` / `counts` are empty.
   */
  binning: z.enum(['quantiles', 'values']),
  edges: z.array(z.number()),
  counts: z.array(z.number().nonnegative()),
  /** Smallest and largest reference value in each quantile bin (null when the bin is empty). */
  mins: z.array(z.number().nullable()),
  maxs: z.array(z.number().nullable()),
  /** The distinct deciles: PSI_quantile's interior edges, each one of `edges`. */
  deciles: z.array(z.number()),
  values: Counts,
  /** Distinct values, or EVIDENTLY_MAX_VALUE_BINS + 1 when there are more. */
  distinct: z.number().int().nonnegative(),
}).strict();
export type NumericProfile = z.infer<typeof NumericProfileSchema>;

export const CategoricalProfileSchema = z.object({
  kind: z.literal('categorical'),
  ...Accounting,
  /** Category → count; beyond PROFILE_MAX_CATEGORIES the rarest are summed under OTHER_CATEGORIES. */
  values: Counts,
  distinct: z.number().int().nonnegative(),
}).strict();
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;

export const FeatureProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema]);
export type FeatureProfile = z.infer<typeof FeatureProfileSchema>;

/** Numbers as value-count keys: the way JavaScript prints them (String(2) = "2", String(0.5) = "0.5"). */
export const numberKey = (x: number): string => String(x);

/**
 * The profile of a numeric reference column. `values` holds every row, NaN (or null) for a
 * missing value; it is not modified.
 */
export function numericProfile(values: ArrayLike<number | null>): NumericProfile {
  const finite = new Float64Array(values.length);
  let used = 0, missing = 0, infinite = 0, integer = true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x == null || Number.isNaN(x)) missing++;
    else if (!Number.isFinite(x)) infinite++;
    else { finite[used++] = x; if (integer && !Number.isInteger(x)) integer = false; }
  }
  const sorted = finite.subarray(0, used).sort();
  const base = { kind: 'numeric' as const, rows: values.length, used, missing, infinite, integer };
  if (used === 0) return { ...base, mean: null, std: null, min: null, max: null, binning: 'values', edges: [], counts: [], mins: [], maxs: [], deciles: [], values: {}, distinct: 0 };
  let sum = 0;
  for (let i = 0; i < used; i++) sum += sorted[i] as number;
  const distinctValues = new Map<number, number>();
  for (let i = 0; i < used && distinctValues.size <= EVIDENTLY_MAX_VALUE_BINS; i++) {
    const x = (sorted[i] as number) === 0 ? 0 : (sorted[i] as number); // -0 and 0 are one value
    distinctValues.set(x, (distinctValues.get(x) ?? 0) + 1);
  }
  const few = distinctValues.size <= EVIDENTLY_MAX_VALUE_BINS;
  const stats = { mean: sum / used, std: populationStd(sorted), min: sorted[0] as number, max: sorted[used - 1] as number };
  if (few) {
    const counts: Record<string, number> = {};
    for (const [x, n] of distinctValues) counts[numberKey(x)] = n;
    return { ...base, ...stats, binning: 'values', edges: [], counts: [], mins: [], maxs: [], deciles: [], values: counts, distinct: distinctValues.size };
  }
  // the deciles join the 0.5%-quantiles as edges (numpy's percentiles of 10% and of 10 × 1% need
  // not be the same double), so PSI_quantile's bins are unions of histogram bins
  const deciles = quantileInnerEdges(sorted, DEFAULT_QUANTILE_BINS);
  const edges = Float64Array.from(new Set([...quantileInnerEdges(sorted, PROFILE_QUANTILE_BINS), ...deciles])).sort();
  const counts = quantileBinCounts(sorted, edges);
  const mins: (number | null)[] = [], maxs: (number | null)[] = [];
  let at = 0;
  for (const n of counts) {
    mins.push(n > 0 ? (sorted[at] as number) : null);
    maxs.push(n > 0 ? (sorted[at + n - 1] as number) : null);
    at += n;
  }
  return { ...base, ...stats, binning: 'quantiles', edges: [...edges], counts: [...counts], mins, maxs, deciles: [...deciles], values: {}, distinct: EVIDENTLY_MAX_VALUE_BINS + 1 };
}

/** The profile of a categorical reference column (null = missing). */
export function categoricalProfile(values: ArrayLike<string | null>): CategoricalProfile {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return categoricalProfileOfCounts(counts, values.length, missing);
}

/** The profile from category counts already made (e.g. by a database GROUP BY). */
export function categoricalProfileOfCounts(counts: ReadonlyMap<string, number>, rows: number, missing: number): CategoricalProfile {
  const entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept: Record<string, number> = {};
  let other = 0, used = 0;
  entries.forEach(([k, n], i) => {
    used += n;
    if (i < PROFILE_MAX_CATEGORIES) kept[k] = n;
    else other += n;
  });
  if (other > 0) kept[OTHER_CATEGORIES] = other;
  return { kind: 'categorical', rows, used, missing, infinite: 0, values: kept, distinct: counts.size };
}

/** Where a reference came from: an uploaded training / validation file, or a window of predictions. */
export const ReferenceSourceSchema = z.enum(['file', 'window']);

/** What lists show of a reference: it belongs to one model version. */
export interface ReferenceInfo {
  model: string;
  version: string;
  source: z.infer<typeof ReferenceSourceSchema>;
  /** The file's name, or the window and filters it was taken from. */
  description: string;
  rows: number;
  created_at: string;
  created_by: string | null;
}

/** A stored reference profile: per feature, what profile.ts keeps; `multivariate`: a fitted reconstruction model, if any. */
export interface ReferenceProfile extends ReferenceInfo {
  features: Record<string, FeatureProfile>;
  multivariate: unknown;
}
