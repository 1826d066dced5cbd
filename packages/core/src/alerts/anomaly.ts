// Anomaly scores for alert rules, pure functions over [t, value | null] series (nulls are gaps).
// A score is signed — (x − centre) / scale — so a rule can look above, below or both ways; a point
// is anomalous when |score| exceeds the rule's sensitivity. Scores are robust z-scores: with normal
// noise and a clean history, sensitivity s flags about 2·(1 − Φ(s)) of normal points (docs/alerts.md).
//
// - seasonal: the centre is the median of the values at the same phase on past seasons
//   (t − k·season, k = 1..lookback), the scale 1.4826·MAD (the MAD's consistency constant for
//   normal data) of those values, pooled with the neighbouring phases' when the step is known (a
//   MAD of 7 values alone is too noisy a scale), times √(1 + π/(2n)) since the median of n values
//   is itself off by about σ·√(π/(2n)). Medians shrug off past anomalies, so yesterday's spike
//   does not hide today's. The series' step must divide the season: phases are matched exactly.
// - ewma: exponentially weighted mean and variance (Finch 2009, "Incremental calculation of
//   weighted mean and variance"), scored one step ahead: a point is compared with the mean and
//   spread of the points before it (equal weights while 1/n > alpha, so the warm-up is the plain
//   mean and variance). The update is winsorised at ±clip·sd so one spike barely moves
//   the baseline, while a lasting level shift is still absorbed within a few 1/alpha steps.
//
// The scale has a floor (max(rel_floor·|centre|, abs_floor)): a perfectly flat history would
// otherwise make the tiniest wiggle infinitely anomalous.

export type Point = readonly [number, number | null];

export interface AnomalyScore {
  t: number;
  value: number | null;
  /** (value − centre) / scale; null for a gap or while history is too short. */
  score: number | null;
  centre: number | null;
  scale: number | null;
}

export interface ScaleFloor {
  /** Floor on the scale relative to |centre|; default 0.01. */
  relFloor?: number;
  /** Absolute floor on the scale; default 1e-9. */
  absFloor?: number;
}

export interface SeasonalOptions extends ScaleFloor {
  /** Season length in ms (a day for daily patterns). */
  season: number;
  /** Past seasons at the same phase that form the baseline; default 7. */
  lookback?: number;
  /** Fewest same-phase values needed to score; default 3. */
  minHistory?: number;
  /**
   * The series' step, to pool the spread over neighbouring phases: a MAD of 7 values is itself
   * so noisy that normal points score high, so the scale is taken from the residuals (each against
   * its own phase's median) of the phases within ±pool steps. Without a step, the same phase only.
   */
  step?: number;
  /** Neighbouring phases on each side pooled for the scale (with step); default 6 (±30 min at a 5-minute step). */
  pool?: number;
}

export interface EwmaOptions extends ScaleFloor {
  /** Weight of the newest point, in (0, 1); default 0.05. */
  alpha?: number;
  /** Points seen before scoring starts; default 20. */
  minHistory?: number;
  /** Winsorisation of the update, in sds; default 3. */
  clip?: number;
}

/** 1 / Φ⁻¹(3/4): makes the MAD estimate the standard deviation of normal data. */
export const MAD_SCALE = 1.4826;

/** Median of a non-empty array (mean of the middle two for even lengths); sorts a copy. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty array');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from `centre` (unscaled). */
export function mad(xs: readonly number[], centre: number): number {
  return median(xs.map((x) => Math.abs(x - centre)));
}

const floorOf = (centre: number, o: ScaleFloor): number => Math.max((o.relFloor ?? 0.01) * Math.abs(centre), o.absFloor ?? 1e-9);
const isNum = (v: number | null): v is number => v !== null && Number.isFinite(v);

const samePhase = (values: ReadonlyMap<number, number>, t: number, o: SeasonalOptions): number[] => {
  const past: number[] = [];
  for (let k = 1; k <= (o.lookback ?? 7); k++) {
    const v = values.get(t - k * o.season);
    if (v !== undefined) past.push(v);
  }
  return past;
};

/**
 * The same-phase baseline at time t: the median of the past same-phase values, and the scale
 * 1.4826·MAD (pooled over neighbouring phases when o.step is given), widened by √(1 + π/(2n)) for
 * the error of a median of n values, and floored. null with too little history.
 */
export function seasonalBaseline(values: ReadonlyMap<number, number>, t: number, o: SeasonalOptions): { centre: number; scale: number; n: number } | null {
  const past = samePhase(values, t, o);
  if (past.length === 0 || past.length < (o.minHistory ?? 3)) return null;
  const centre = median(past);
  const residuals = past.map((v) => Math.abs(v - centre));
  const pool = o.step !== undefined && o.step > 0 ? (o.pool ?? 6) : 0;
  for (let d = -pool; d <= pool; d++) {
    if (d === 0) continue;
    const near = samePhase(values, t + d * (o.step as number), o);
    if (near.length < (o.minHistory ?? 3)) continue;
    const c = median(near);
    for (const v of near) residuals.push(Math.abs(v - c));
  }
  const spread = MAD_SCALE * median(residuals) * Math.sqrt(1 + Math.PI / (2 * past.length));
  return { centre, scale: Math.max(spread, floorOf(centre, o)), n: past.length };
}

/** Seasonal robust scores of every point of a series. */
export function seasonalScores(points: readonly Point[], o: SeasonalOptions): AnomalyScore[] {
  if (!(o.season > 0)) throw new RangeError('season must be positive');
  const values = new Map<number, number>();
  for (const [t, v] of points) if (isNum(v)) values.set(t, v);
  return points.map(([t, v]) => {
    const b = isNum(v) ? seasonalBaseline(values, t, o) : null;
    if (!b || !isNum(v)) return { t, value: v, score: null, centre: b?.centre ?? null, scale: b?.scale ?? null };
    return { t, value: v, score: (v - b.centre) / b.scale, centre: b.centre, scale: b.scale };
  });
}

/** EWMA scores of every point of a series, each against the points before it. */
export function ewmaScores(points: readonly Point[], o: EwmaOptions = {}): AnomalyScore[] {
  const alpha = o.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  const minHistory = o.minHistory ?? 20;
  const clip = o.clip ?? 3;
  let n = 0;
  let mean = 0;
  let variance = 0;
  return points.map(([t, v]) => {
    if (!isNum(v)) return { t, value: v, score: null, centre: n ? mean : null, scale: null };
    let out: AnomalyScore = { t, value: v, score: null, centre: n ? mean : null, scale: null };
    let x = v;
    if (n >= minHistory) {
      const sd = Math.sqrt(variance);
      const scale = Math.max(sd, floorOf(mean, o));
      out = { t, value: v, score: (v - mean) / scale, centre: mean, scale };
      x = Math.min(mean + clip * scale, Math.max(mean - clip * scale, v));
    }
    // equal weights until 1/(n+1) falls under alpha: the warm-up gives the plain mean and variance
    const a = Math.max(alpha, 1 / (n + 1));
    const diff = x - mean;
    const incr = a * diff;
    mean += incr;
    variance = (1 - a) * (variance + diff * incr);
    n++;
    return out;
  });
}

export type AnomalyDirection = 'above' | 'below' | 'both';

/** Whether a signed score is anomalous at a sensitivity, looking in a direction. */
export function isAnomalous(score: number | null, sensitivity: number, direction: AnomalyDirection = 'both'): boolean {
  if (score === null) return false;
  return direction === 'above' ? score > sensitivity : direction === 'below' ? score < -sensitivity : Math.abs(score) > sensitivity;
}
