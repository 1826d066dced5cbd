// What the drift tab draws, prepared by pure functions so the components only render: the
// reference-vs-current overlay of one feature, the drift-score sparkline of a table row, and the
// multivariate error with its band. Nulls are gaps everywhere, never zeros.
import type { DriftSeriesPoint, FeatureDistribution, Multivariate } from '../api/drift.ts';
import type { AlignedData } from './chart-data.ts';
import { formatCompact } from './format.ts';
import { isPValueMethod } from './drift-view.ts';

const r1 = (v: number) => Math.round(v * 10) / 10;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// ---------------------------------------------------------------- numeric overlay

export interface OverlayBin {
  /** "1.2 – 3.4", "< 3.4", "≥ 9.1" */
  label: string;
  reference: number;
  current: number;
}

export interface NumericOverlay {
  kind: 'numeric';
  /**
   * `value`: bins at their place on the value axis, heights by density (proportion / width), so
   * unequal bins are not misread; `bins`: one equal slot per bin, heights by proportion — for open
   * or very unequal bins (quantile bins of a long tail), where a value axis would hide most of them.
   */
  scale: 'value' | 'bins';
  /** Bin boundaries across the plot, 0…1; one more than the bins. */
  xs: number[];
  /** Heights, 0…1 of the tallest. */
  reference: number[];
  current: number[];
  ticks: { x: number; label: string }[];
  /** Every bin, the trimmed tails included (for the table). */
  bins: OverlayBin[];
  /** Tails left off the plot: their edge and the share of each sample beyond it. */
  hidden: { side: 'below' | 'above'; edge: string; reference: number; current: number }[];
}

type NumericDistribution = Extract<FeatureDistribution, { kind: 'numeric' }>;

/**
 * The bins worth drawing: leading and trailing bins are cut while what they hold together stays
 * under `share` of each sample, so a long tail (amounts, distances) does not squeeze the bulk of
 * the values into a sliver at one end; at least `keep` bins stay. The bins kept, as [from, to).
 */
export function bulkRange(d: Pick<NumericDistribution, 'reference' | 'current'>, share: number, keep = 3): { from: number; to: number } {
  const n = Math.min(d.reference.length, d.current.length);
  let from = 0;
  let to = n;
  let ref = 0;
  let cur = 0;
  const fits = (i: number) => ref + (d.reference[i] ?? 0) <= share && cur + (d.current[i] ?? 0) <= share;
  while (to - from > keep && fits(from)) {
    ref += d.reference[from] ?? 0;
    cur += d.current[from] ?? 0;
    from++;
  }
  ref = 0;
  cur = 0;
  while (to - from > keep && fits(to - 1)) {
    ref += d.reference[to - 1] ?? 0;
    cur += d.current[to - 1] ?? 0;
    to--;
  }
  return { from, to };
}

/** Past this ratio of the widest bin to the median one, a value axis squeezes the other bins to slivers. */
const MAX_WIDTH_RATIO = 8;

/** Can the bins go on a value axis at all: finite, strictly increasing edges? */
export function valueAxisFits(edges: readonly (number | null)[]): boolean {
  return edges.length >= 2 && edges.every(finite) && edges.every((e, i) => i === 0 || (e as number) > (edges[i - 1] as number));
}

/** Are the bins of equal width (so a value axis and equal slots draw the same)? */
export function equalWidths(edges: readonly (number | null)[]): boolean {
  if (!valueAxisFits(edges)) return false;
  const widths = edges.slice(1).map((e, i) => (e as number) - (edges[i] as number));
  return Math.max(...widths) <= Math.min(...widths) * 1.001;
}

/** Which axis suits the edges: `bins` when an edge is open (not finite) or the widths are very unequal. */
export function overlayScale(edges: readonly (number | null)[]): 'value' | 'bins' {
  if (!valueAxisFits(edges)) return 'bins';
  const widths = edges.slice(1).map((e, i) => (e as number) - (edges[i] as number));
  const sorted = [...widths].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return Math.max(...widths) / median > MAX_WIDTH_RATIO ? 'bins' : 'value';
}

function binLabel(lo: number | null, hi: number | null): string {
  if (!finite(lo) && !finite(hi)) return 'all values';
  if (!finite(lo)) return `< ${formatCompact(hi as number)}`;
  if (!finite(hi)) return `≥ ${formatCompact(lo)}`;
  return `${formatCompact(lo)} – ${formatCompact(hi)}`;
}

/** At most `max` evenly spread indices of 0…n−1, the first and the last always among them. */
export function spreadIndices(n: number, max: number): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const every = Math.ceil((n - 1) / (max - 1));
  const out: number[] = [];
  for (let i = 0; i < n - 1; i += every) out.push(i);
  if (n - 1 - (out[out.length - 1] as number) < every / 2 && out.length > 1) out.pop();
  out.push(n - 1);
  return out;
}

/**
 * `tail`: leading and trailing bins holding less than this share of either sample are left off the
 * plot and listed in `hidden` (0 draws every bin).
 */
export function numericOverlay(d: NumericDistribution, force?: 'value' | 'bins', maxTicks = 7, tail = 0.01): NumericOverlay {
  const all = Math.min(d.reference.length, d.current.length, Math.max(0, d.edges.length - 1));
  const allEdges = d.edges.slice(0, all + 1) as (number | null)[];
  const allRef = d.reference.slice(0, all).map((v) => (finite(v) ? v : 0));
  const allCur = d.current.slice(0, all).map((v) => (finite(v) ? v : 0));
  const bins = allRef.map((r, i) => ({ label: binLabel(allEdges[i] ?? null, allEdges[i + 1] ?? null), reference: r, current: allCur[i] as number }));
  const keep = tail > 0 ? bulkRange({ reference: allRef, current: allCur }, tail) : { from: 0, to: all };
  const sum = (a: number[], from: number, to: number) => a.slice(from, to).reduce((t, v) => t + v, 0);
  const hidden: NumericOverlay['hidden'] = [];
  if (keep.from > 0) hidden.push({ side: 'below', edge: formatCompact(allEdges[keep.from] as number), reference: sum(allRef, 0, keep.from), current: sum(allCur, 0, keep.from) });
  if (keep.to < all) hidden.push({ side: 'above', edge: formatCompact(allEdges[keep.to] as number), reference: sum(allRef, keep.to, all), current: sum(allCur, keep.to, all) });
  const n = keep.to - keep.from;
  const edges = allEdges.slice(keep.from, keep.to + 1);
  const ref = allRef.slice(keep.from, keep.to);
  const cur = allCur.slice(keep.from, keep.to);
  const scale = force === 'bins' ? 'bins' : force === 'value' ? (valueAxisFits(edges) ? 'value' : 'bins') : overlayScale(edges);
  let xs: number[];
  let hRef: number[];
  let hCur: number[];
  if (scale === 'value' && n > 0) {
    const lo = edges[0] as number;
    const span = (edges[n] as number) - lo;
    xs = edges.map((e) => ((e as number) - lo) / span);
    const width = (i: number) => (edges[i + 1] as number) - (edges[i] as number);
    hRef = ref.map((p, i) => p / width(i));
    hCur = cur.map((p, i) => p / width(i));
  } else {
    xs = Array.from({ length: n + 1 }, (_, i) => (n > 0 ? i / n : 0));
    hRef = ref;
    hCur = cur;
  }
  const top = Math.max(0, ...hRef, ...hCur);
  const norm = (h: number[]) => h.map((v) => (top > 0 ? v / top : 0));
  const ticks = spreadIndices(edges.length, maxTicks)
    .filter((i) => finite(edges[i]))
    .map((i) => ({ x: xs[i] as number, label: formatCompact(edges[i] as number) }));
  return { kind: 'numeric', scale, xs, reference: norm(hRef), current: norm(hCur), ticks, bins, hidden };
}

/**
 * The outline of a step histogram in a `width` × `height` box (y grows down), closed along the
 * base so it can be filled: up at the first edge, across each bin at its height, down at the last.
 */
export function stepPath(xs: readonly number[], heights: readonly number[], width: number, height: number): string {
  const n = Math.min(heights.length, xs.length - 1);
  if (n <= 0) return '';
  const x = (i: number) => r1((xs[i] as number) * width);
  const y = (h: number) => r1((1 - h) * height);
  let d = `M${x(0)} ${height}`;
  for (let i = 0; i < n; i++) d += `V${y(heights[i] as number)}H${x(i + 1)}`;
  return `${d}V${height}Z`;
}

// ---------------------------------------------------------------- categorical overlay

export interface CategoryBar {
  category: string;
  reference: number;
  current: number;
  /** Widths, 0…1 of the largest proportion. */
  refWidth: number;
  curWidth: number;
  /** Not in the reference at all. */
  unseen: boolean;
}

/**
 * Grouped bars, largest first (by the larger of the two proportions); past `limit` categories the
 * rest are summed into one "n others" bar, so a high-cardinality feature stays readable.
 */
export function categoryBars(d: Extract<FeatureDistribution, { kind: 'categorical' }>, limit = 25): CategoryBar[] {
  const share = (a: readonly number[], i: number) => (finite(a[i]) ? (a[i] as number) : 0);
  const rows = d.categories.map((category, i) => {
    const reference = share(d.reference, i);
    const current = share(d.current, i);
    return { category, reference, current, unseen: reference === 0 && current > 0 };
  });
  rows.sort((a, b) => Math.max(b.reference, b.current) - Math.max(a.reference, a.current) || (a.category < b.category ? -1 : 1));
  const shown = rows.length > limit ? rows.slice(0, limit - 1) : rows;
  const rest = rows.slice(shown.length);
  if (rest.length > 0) shown.push({ category: `${rest.length} others`, reference: rest.reduce((s, r) => s + r.reference, 0), current: rest.reduce((s, r) => s + r.current, 0), unseen: false });
  const top = Math.max(0, ...shown.map((r) => Math.max(r.reference, r.current)));
  return shown.map((r) => ({ ...r, refWidth: top > 0 ? r.reference / top : 0, curWidth: top > 0 ? r.current / top : 0 }));
}

// ---------------------------------------------------------------- sparkline

export interface DriftSparkline {
  /** The score over time; '' when there is nothing to draw. */
  path: string;
  /** Where the threshold runs (y in px), or null when it is off the scale's meaning. */
  thresholdY: number | null;
  /** Steps whose verdict was drift, marked so the colour is not the only sign. */
  drifted: { x: number; y: number }[];
  /** How many steps had a value, and how many drifted (for the accessible label). */
  steps: number;
  driftedSteps: number;
}

/**
 * A drift score's sparkline in a `width` × `height` box, on a scale where up is more drift: a
 * distance as it is, a p-value as −log10(p), so the threshold is a line the score crosses upwards
 * for either kind. The scale runs from 0 to a little above the larger of the highest score and the
 * threshold, so a quiet feature's line sits visibly below its threshold.
 */
export function driftSparkline(series: readonly DriftSeriesPoint[], method: string | null, threshold: number | null, width: number, height: number): DriftSparkline {
  const p = isPValueMethod(method);
  const up = (v: number) => (p ? -Math.log10(Math.max(v, 1e-12)) : v);
  const pts = series.filter((s) => finite(s.t)).sort((a, b) => a.t - b.t);
  const thr = threshold !== null && threshold > 0 ? up(threshold) : null;
  let hi = thr ?? 0;
  let steps = 0;
  let driftedSteps = 0;
  for (const s of pts) {
    if (finite(s.statistic)) {
      hi = Math.max(hi, up(s.statistic));
      steps++;
      if (s.drifted === true) driftedSteps++;
    }
  }
  hi = hi > 0 ? hi * 1.15 : 1;
  const empty = { path: '', thresholdY: thr === null ? null : r1(height - (thr / hi) * height), drifted: [], steps, driftedSteps };
  if (pts.length === 0 || steps === 0) return empty;
  const t0 = (pts[0] as DriftSeriesPoint).t;
  const span = (pts[pts.length - 1] as DriftSeriesPoint).t - t0;
  const x = (t: number) => r1(span > 0 ? ((t - t0) / span) * width : width / 2);
  const y = (v: number) => r1(height - (Math.max(0, up(v)) / hi) * height);
  let path = '';
  let run = 0;
  const drifted: { x: number; y: number }[] = [];
  for (const s of pts) {
    if (!finite(s.statistic)) {
      if (run === 1) path += 'h0';
      run = 0;
      continue;
    }
    path += `${run === 0 ? 'M' : 'L'}${x(s.t)} ${y(s.statistic)}`;
    run++;
    if (s.drifted === true) drifted.push({ x: x(s.t), y: y(s.statistic) });
  }
  if (run === 1) path += 'h0';
  return { ...empty, path, drifted };
}

// ---------------------------------------------------------------- multivariate

export interface BandData {
  /** uPlot data: seconds, the error, the band's lower and upper edge. */
  data: AlignedData;
  points: number;
}

/**
 * The multivariate error over time for uPlot, with its band as two constant series (uPlot fills
 * between them); a band without a lower edge starts at 0, where a reconstruction error cannot go below.
 */
export function multivariateData(mv: Multivariate): BandData {
  const pts = [...mv.series].filter((s) => finite(s.t)).sort((a, b) => a.t - b.t);
  const xs = new Float64Array(pts.length);
  const err: (number | null)[] = [];
  let points = 0;
  pts.forEach((s, i) => {
    xs[i] = s.t / 1000;
    const v = finite(s.error) ? s.error : null;
    if (v !== null) points++;
    err.push(v);
  });
  return { data: [xs, err, pts.map(() => mv.lower ?? 0), pts.map(() => mv.upper)], points };
}

// ---------------------------------------------------------------- reference window

const DAY = 86_400_000;

/** The first day with traffic in a daily count series, as [from, to) ms; null when there was none. */
export function firstTrafficDay(points: readonly [number, number | null][]): { from: number; to: number } | null {
  const first = [...points].sort((a, b) => a[0] - b[0]).find(([, v]) => finite(v) && v > 0);
  return first ? { from: first[0], to: first[0] + DAY } : null;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Epoch ms as a `datetime-local` input's value, in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A `datetime-local` value as epoch ms, or null when it is not a time. */
export function fromLocalInput(v: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return null;
  const t = new Date(v).getTime();
  return Number.isNaN(t) ? null : t;
}
