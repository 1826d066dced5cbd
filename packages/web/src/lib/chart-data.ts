// Chart data prepared from a query answer by pure functions, so the chart components only draw.
// A null point is a gap (no data in that step) everywhere here: it is never read as zero, and
// every reduction below skips it. Functions make one pass over the points and use typed arrays
// where the size is known, so a 100,000-point answer is prepared in a few milliseconds.
import type { QueryAnswer, Series } from '../api/query.ts';

export type Point = [number, number | null];

export type ThresholdColor = 'green' | 'amber' | 'red' | 'blue' | 'grey';
export interface Threshold {
  value: number;
  color: ThresholdColor;
}

/** How many `--chart-N` colours the theme defines. */
export const PALETTE_SIZE = 6;

/** The CSS variable each threshold colour is drawn with (themes define them in styles.css). */
export const THRESHOLD_VARS: Readonly<Record<ThresholdColor, string>> = {
  green: '--ok',
  amber: '--warn',
  red: '--bad',
  blue: '--chart-1',
  grey: '--none',
};

export const valueOf = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// ---------------------------------------------------------------- labels and colours

/** "model=fraud, version=v2" (keys sorted, so the same series reads the same everywhere); the metric name when there are no labels. */
export function seriesLabel(labels: Record<string, string>, metric: string): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return metric;
  return keys.map((k) => `${k}=${labels[k]}`).join(', ');
}

/** FNV-1a: a small, stable string hash. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A palette index per label that depends on the label, not on its position, so a series keeps
 * its colour when others come and go. Labels are placed in sorted order and, while free colours
 * remain, a collision moves to the next free colour; past the palette size colours repeat.
 */
export function colorIndices(labels: readonly string[], size = PALETTE_SIZE): number[] {
  const order = labels.map((_, i) => i).sort((a, b) => {
    const la = labels[a] as string;
    const lb = labels[b] as string;
    return la < lb ? -1 : la > lb ? 1 : a - b;
  });
  const out = new Array<number>(labels.length);
  const used = new Set<number>();
  for (const i of order) {
    let c = hash(labels[i] as string) % size;
    if (used.size < size) {
      while (used.has(c)) c = (c + 1) % size;
      used.add(c);
    }
    out[i] = c;
  }
  return out;
}

// ---------------------------------------------------------------- thresholds

/**
 * The colour a value takes from thresholds: thresholds are sorted ascending and the value takes
 * the colour of the highest one it reaches (value ≥ threshold.value); below them all it takes
 * `base` (green: "fine unless a threshold says otherwise"). To make low values bad, add a
 * threshold at the bottom of the range (e.g. `{ value: 0, color: 'red' }`, then
 * `{ value: 0.9, color: 'green' }`). No thresholds → null (draw in the neutral colour);
 * a missing value → grey.
 */
export function thresholdColor(value: number | null | undefined, thresholds: readonly Threshold[] | undefined, base: ThresholdColor = 'green'): ThresholdColor | null {
  if (!thresholds || thresholds.length === 0) return null;
  const v = valueOf(value);
  if (v === null) return 'grey';
  let color = base;
  let reached = -Infinity;
  for (const t of thresholds) {
    if (v >= t.value && t.value >= reached) {
      reached = t.value;
      color = t.color;
    }
  }
  return color;
}

// ---------------------------------------------------------------- time series for uPlot

/** uPlot's aligned data: x in epoch seconds, then one y array per series with null for gaps. */
export type AlignedData = [xs: Float64Array, ...ys: (number | null)[][]];

export interface AlignedSeries {
  data: AlignedData;
  labels: string[];
  /** Palette index per series (see colorIndices). */
  colors: number[];
  /** Non-null points over all series. */
  points: number;
}

interface AlignedMs {
  xs: Float64Array;
  ys: (number | null)[][];
}

/** The x grid when every series has the same strictly ascending timestamps (the server's usual answer), else null. */
function sharedGrid(series: readonly Series[]): Float64Array | null {
  const first = series[0]?.points ?? [];
  const n = first.length;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (first[i] as Point)[0];
    if (i > 0 && !(t > (xs[i - 1] as number))) return null;
    xs[i] = t;
  }
  for (let s = 1; s < series.length; s++) {
    const pts = (series[s] as Series).points;
    if (pts.length !== n) return null;
    for (let i = 0; i < n; i++) if ((pts[i] as Point)[0] !== xs[i]) return null;
  }
  return xs;
}

/** Every series laid on one ascending x grid (epoch ms); a step a series lacks is a gap (null). */
export function alignMs(series: readonly Series[]): AlignedMs {
  const shared = sharedGrid(series);
  if (shared) {
    const n = shared.length;
    const ys = series.map((s) => {
      const y = new Array<number | null>(n);
      for (let i = 0; i < n; i++) y[i] = valueOf((s.points[i] as Point)[1]);
      return y;
    });
    return { xs: shared, ys };
  }
  // Series on different grids: the union of their timestamps, sorted and deduplicated.
  let total = 0;
  for (const s of series) total += s.points.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const s of series) for (const p of s.points) all[k++] = p[0];
  all.sort();
  let n = 0;
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
  const xs = all.slice(0, n);
  const ys = series.map((s) => {
    const y = new Array<number | null>(n).fill(null);
    const pts = isSorted(s.points) ? s.points : [...s.points].sort((a, b) => a[0] - b[0]);
    let g = 0;
    for (const [t, v] of pts) {
      while (g < n && (xs[g] as number) < t) g++;
      y[g] = valueOf(v); // a repeated timestamp: the later point wins
    }
    return y;
  });
  return { xs, ys };
}

function isSorted(points: readonly Point[]): boolean {
  for (let i = 1; i < points.length; i++) if ((points[i] as Point)[0] < (points[i - 1] as Point)[0]) return false;
  return true;
}

function countNonNull(ys: readonly (number | null)[][]): number {
  let c = 0;
  for (const y of ys) for (let i = 0; i < y.length; i++) if (y[i] !== null) c++;
  return c;
}

/** The answer as uPlot draws it: one x grid in seconds, nulls kept as gaps (uPlot breaks the line at null). */
export function alignSeries(answer: QueryAnswer): AlignedSeries {
  const labels = answer.series.map((s) => seriesLabel(s.labels, answer.metric));
  const colors = colorIndices(labels);
  const { xs, ys } = alignMs(answer.series);
  const sec = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) sec[i] = (xs[i] as number) / 1000;
  return { data: [sec, ...ys], labels, colors, points: countNonNull(ys) };
}

/** Non-null points in the answer (what a browser test waits for). */
export function countPoints(answer: QueryAnswer | null | undefined): number {
  let c = 0;
  for (const s of answer?.series ?? []) for (const p of s.points) if (valueOf(p[1]) !== null) c++;
  return c;
}

/**
 * Indices of values with no value on either side: a line cannot show them, so the chart draws
 * them as points (sparse data would otherwise look empty). Null when there are none.
 */
export function isolatedIndices(ys: ArrayLike<number | null | undefined>): number[] | null {
  const out: number[] = [];
  const n = ys.length;
  for (let i = 0; i < n; i++) {
    if (ys[i] == null) continue;
    const before = i > 0 && ys[i - 1] != null;
    const after = i < n - 1 && ys[i + 1] != null;
    if (!before && !after) out.push(i);
  }
  return out.length ? out : null;
}
