/**
 * DDSketch (Masson, Rim & Lee, VLDB 2019) in relational form: a value x > 0 falls in bin
 * ceil(log_gamma(x)); counts per bin merge by addition, so a sketch is just rows of
 * (bin, count) that SQL can GROUP BY and SUM. Any quantile read back is within
 * RELATIVE_ACCURACY of the true value. Values <= MIN_VALUE share the zero bin.
 *
 * The mapping is the same logarithmic mapping as @datadog/sketches-js (its tests use it as the
 * oracle); it lives here because the storage backends compute bin indexes in SQL.
 */
export const RELATIVE_ACCURACY = 0.01;
export const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
export const LN_GAMMA = Math.log(GAMMA);
/** Values at or below this (ms) are counted in the zero bin. */
export const MIN_VALUE = 1e-6;
export const ZERO_BIN = -2147483648;

export function binOf(x: number): number {
  return x <= MIN_VALUE ? ZERO_BIN : Math.ceil(Math.log(x) / LN_GAMMA);
}

/** The representative value of a bin: within RELATIVE_ACCURACY of every value in it. */
export function binValue(bin: number): number {
  return bin === ZERO_BIN ? 0 : (2 * Math.pow(GAMMA, bin)) / (GAMMA + 1);
}

/** SQL expression (standard functions only) that computes binOf for a column. */
export function binSql(col: string): string {
  return `CASE WHEN ${col} <= ${MIN_VALUE} THEN ${ZERO_BIN} ELSE CAST(CEIL(LN(${col}) / ${LN_GAMMA}) AS INTEGER) END`;
}

/**
 * Quantile q in [0, 1] of a sketch given as bin → count. Uses the same rank rule as
 * DDSketch: the bin holding the value of rank floor(q * (n - 1)) (0-based).
 * Returns null for an empty sketch: no data is not zero.
 */
export function sketchQuantile(bins: ReadonlyMap<number, number>, q: number): number | null {
  let n = 0;
  for (const c of bins.values()) n += c;
  if (n === 0) return null;
  const rank = q * (n - 1);
  const sorted = [...bins.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const b of sorted) {
    seen += bins.get(b) ?? 0;
    if (seen > rank) return binValue(b);
  }
  return binValue(sorted[sorted.length - 1] as number);
}

/** Fixed-width histogram of probabilities on [0, 1], SCORE_BINS bins; 1.0 falls in the last. */
export const SCORE_BINS = 20;
export function scoreBinSql(col: string): string {
  return `LEAST(CAST(FLOOR(${col} * ${SCORE_BINS}) AS INTEGER), ${SCORE_BINS - 1})`;
}
export const scoreBinLower = (bin: number): number => bin / SCORE_BINS;

/**
 * The bins of `whole` less those of `part` (a sub-range of the same data): sketches merge by
 * adding counts, so they split by subtracting them. Counts never go below zero.
 */
export function subtractBins(whole: ReadonlyMap<number, number>, part: ReadonlyMap<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [b, c] of whole) {
    const left = c - (part.get(b) ?? 0);
    if (left > 0) out.set(b, left);
  }
  return out;
}
