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

const valueOf = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

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
function alignMs(series: readonly Series[]): AlignedMs {
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

// ---------------------------------------------------------------- reductions

export interface SeriesStats {
  /** Non-null points. */
  count: number;
  last: number | null;
  /** When `last` was measured (epoch ms). */
  lastAt: number | null;
  /** The non-null value before `last`, for a trend. */
  previous: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  sum: number | null;
}

/** One pass over a series' points; nulls are skipped, so an all-null series has nulls everywhere and count 0. */
export function seriesStats(points: readonly Point[]): SeriesStats {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let last: number | null = null;
  let lastAt: number | null = null;
  let previous: number | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point;
    const v = valueOf(p[1]);
    if (v === null) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    previous = last;
    last = v;
    lastAt = p[0];
  }
  if (count === 0) return { count, last: null, lastAt: null, previous: null, min: null, max: null, mean: null, sum: null };
  return { count, last, lastAt, previous, min, max, mean: sum / count, sum };
}

export type Trend = 'up' | 'down' | 'flat';

export interface StatValue {
  label: string;
  color: number;
  last: number | null;
  lastAt: number | null;
  previous: number | null;
  /** last − previous; null without two values. */
  delta: number | null;
  trend: Trend | null;
}

/** A stat per series: the last non-null value and its change from the non-null value before it. */
export function statValues(answer: QueryAnswer): StatValue[] {
  const labels = answer.series.map((s) => seriesLabel(s.labels, answer.metric));
  const colors = colorIndices(labels);
  return answer.series.map((s, i) => {
    const { last, lastAt, previous } = lastTwo(s.points);
    const delta = last !== null && previous !== null ? last - previous : null;
    const trend: Trend | null = delta === null ? null : delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
    return { label: labels[i] as string, color: colors[i] as number, last, lastAt, previous, delta, trend };
  });
}

/** The last two non-null values, reading from the end (so a long series costs only its trailing gap). */
export function lastTwo(points: readonly Point[]): { last: number | null; lastAt: number | null; previous: number | null } {
  let last: number | null = null;
  let lastAt: number | null = null;
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i] as Point;
    const v = valueOf(p[1]);
    if (v === null) continue;
    if (last === null) {
      last = v;
      lastAt = p[0];
    } else return { last, lastAt, previous: v };
  }
  return { last, lastAt, previous: null };
}

// ---------------------------------------------------------------- bars

/** `last`: the latest non-null value (the default: right for rates, ratios and latencies); `sum`: the total over the range (counts only). */
export type BarReduce = 'last' | 'sum';

export interface Bar {
  label: string;
  color: number;
  /** null: the series has no value in the range (no bar, not a zero bar). */
  value: number | null;
  /** Where the bar starts and how long it is, as fractions of the track; zero sits at the same place for every bar. */
  start: number;
  size: number;
}

/** One bar per series, scaled on a shared axis that always includes zero (so negative values grow left of it). */
export function barData(answer: QueryAnswer, reduce: BarReduce = 'last'): Bar[] {
  const labels = answer.series.map((s) => seriesLabel(s.labels, answer.metric));
  const colors = colorIndices(labels);
  const values = answer.series.map((s) => (reduce === 'sum' ? seriesStats(s.points).sum : lastTwo(s.points).last));
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v === null) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  return values.map((value, i) => ({
    label: labels[i] as string,
    color: colors[i] as number,
    value,
    start: value === null ? 0 : (Math.min(0, value) - lo) / span,
    size: value === null ? 0 : Math.abs(value) / span,
  }));
}

// ---------------------------------------------------------------- table

export interface TableRow extends SeriesStats {
  key: string;
  label: string;
  labels: Record<string, string>;
  color: number;
}
export interface TableData {
  /** One column per label key over all series (empty when series have no labels: show `label`). */
  labelKeys: string[];
  rows: TableRow[];
}

/** One row per series: its labels and last / min / max / mean over its non-null points. */
export function tableData(answer: QueryAnswer): TableData {
  const keys = new Set<string>();
  for (const s of answer.series) for (const k of Object.keys(s.labels)) keys.add(k);
  const labels = answer.series.map((s) => seriesLabel(s.labels, answer.metric));
  const colors = colorIndices(labels);
  const rows = answer.series.map((s, i) => ({ key: `${i}:${labels[i]}`, label: labels[i] as string, labels: s.labels, color: colors[i] as number, ...seriesStats(s.points) }));
  return { labelKeys: [...keys].sort(), rows };
}

export type TableSortKey = 'label' | 'last' | 'min' | 'max' | 'mean' | `label:${string}`;

/** Rows sorted by a column; rows without a value sort last in either direction. */
export function sortRows(rows: readonly TableRow[], key: TableSortKey, dir: 'asc' | 'desc'): TableRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const get = (r: TableRow): string | number | null => (key === 'label' ? r.label : key.startsWith('label:') ? (r.labels[key.slice(6)] ?? null) : r[key as 'last' | 'min' | 'max' | 'mean']);
  return [...rows].sort((a, b) => {
    const va = get(a);
    const vb = get(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * sign;
    return String(va).localeCompare(String(vb), undefined, { numeric: true }) * sign;
  });
}

// ---------------------------------------------------------------- heatmap

export interface HeatmapData {
  /** Series labels, one row each, in the answer's order (top to bottom). */
  rows: string[];
  cols: number;
  /** Start of each column, epoch ms. */
  times: Float64Array;
  /** End of the last column (epoch ms), for the axis. */
  end: number;
  /** rows × cols, row-major; NaN is a cell with no data (drawn empty, never as zero). */
  values: Float64Array;
  /** Over cells with data; null when there are none. */
  min: number | null;
  max: number | null;
}

/**
 * A time × series matrix for a heatmap. Series are aligned on one time grid; when the grid is
 * longer than `maxCols` (more columns than pixels), consecutive steps merge into one column
 * holding the mean of their non-null values, so a column is empty only when all its steps are.
 */
export function heatmapCells(answer: QueryAnswer, maxCols = 1000): HeatmapData {
  const rows = answer.series.map((s) => seriesLabel(s.labels, answer.metric));
  const { xs, ys } = alignMs(answer.series);
  const n = xs.length;
  const per = Math.max(1, Math.ceil(n / Math.max(1, maxCols)));
  const cols = Math.ceil(n / per);
  const times = new Float64Array(cols);
  for (let c = 0; c < cols; c++) times[c] = xs[c * per] as number;
  const lastStep = n > 1 ? (xs[n - 1] as number) - (xs[n - 2] as number) : answer.step_ms || 0;
  const end = n > 0 ? (xs[n - 1] as number) + lastStep : answer.to;
  const values = new Float64Array(rows.length * cols).fill(NaN);
  let min = Infinity;
  let max = -Infinity;
  ys.forEach((y, r) => {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let count = 0;
      const to = Math.min(n, (c + 1) * per);
      for (let i = c * per; i < to; i++) {
        const v = y[i];
        if (v === null || v === undefined) continue;
        sum += v;
        count++;
      }
      if (count === 0) continue;
      const v = sum / count;
      values[r * cols + c] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  return { rows, cols, times, end, values, min: min === Infinity ? null : min, max: max === -Infinity ? null : max };
}

// ---------------------------------------------------------------- sparkline

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * An SVG path for a sparkline in a `width` × `height` box: x by time, y scaled to the values' own
 * range; a null lifts the pen (a gap) and a lone value between gaps becomes a dot. Past
 * `maxPoints` points, each run of points keeps its min and max only (the line looks the same at
 * sparkline size; a gap narrower than a run is not drawn). Empty string when there is nothing to draw.
 */
export function sparklinePath(points: readonly Point[], width: number, height: number, maxPoints = 200): string {
  const n = points.length;
  if (n === 0) return '';
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    const v = valueOf(p[1]);
    if (v === null) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return '';
  const t0 = (points[0] as Point)[0];
  const tSpan = (points[n - 1] as Point)[0] - t0;
  const x = (t: number) => r1(tSpan > 0 ? ((t - t0) / tSpan) * width : width / 2);
  const y = (v: number) => r1(hi > lo ? (1 - (v - lo) / (hi - lo)) * height : height / 2);
  let d = '';
  let run = 0;
  const penUp = () => {
    if (run === 1) d += 'h0';
    run = 0;
  };
  const draw = (p: Point, v: number) => {
    d += `${run === 0 ? 'M' : 'L'}${x(p[0])} ${y(v)}`;
    run++;
  };
  const per = n > maxPoints ? Math.ceil(n / Math.max(1, Math.floor(maxPoints / 2))) : 1;
  for (let start = 0; start < n; start += per) {
    const end = Math.min(n, start + per);
    let iMin = -1;
    let iMax = -1;
    for (let i = start; i < end; i++) {
      const v = valueOf((points[i] as Point)[1]);
      if (v === null) continue;
      if (iMin < 0 || v < (valueOf((points[iMin] as Point)[1]) as number)) iMin = i;
      if (iMax < 0 || v > (valueOf((points[iMax] as Point)[1]) as number)) iMax = i;
    }
    if (iMin < 0) {
      penUp();
      continue;
    }
    const first = Math.min(iMin, iMax);
    const second = Math.max(iMin, iMax);
    draw(points[first] as Point, valueOf((points[first] as Point)[1]) as number);
    if (second !== first) draw(points[second] as Point, valueOf((points[second] as Point)[1]) as number);
  }
  penUp();
  return d;
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
