// What stat, bar, table, heatmap panels and sparklines show: pure reductions of a query answer,
// split from chart-data.ts (which lays series out for uPlot).
import type { QueryAnswer } from '../api/query.ts';
import { alignMs, colorIndices, seriesLabel, valueOf, type Point } from './chart-data.ts';

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

