// What a drift report draws for a column: the reference and the current distribution over the
// same bins, as proportions (each side sums to 1 over its used values). Chart data only: no
// statistic is computed from these bins.
// - numeric: equal-width bins over the finite range of both samples together, Sturges' count
//   (ceil(log2 n) + 1 for n values in all) capped at 40; integer columns spanning at most 40
//   values get one bin per integer instead (edges at k ± 0.5), so a 0/1 column shows two bars.
// - categorical: the 20 categories with the largest proportion on either side, in that order, and
//   one "(other)" entry for the rest when there are more.
import { linspace } from './binning.ts';
import { histogramCountsOf, SortedArray, type SortedSample } from './sorted-sample.ts';

export const OVERLAY_MAX_BINS = 40;
export const OVERLAY_MAX_CATEGORIES = 20;
export const OVERLAY_OTHER = '(other)';

export type DistributionOverlay =
  | { kind: 'numeric'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; categories: string[]; reference: number[]; current: number[] };

const shares = (counts: Float64Array, total: number) => Array.from(counts, (c) => c / total);

/** The overlay of two sorted, finite, non-empty samples (sorted arrays or sorted-sample.ts views). `integer`: integer-typed columns. */
export function numericOverlay(sortedReference: Float64Array | SortedSample, sortedCurrent: Float64Array | SortedSample, integer = false): Extract<DistributionOverlay, { kind: 'numeric' }> {
  const view = (s: Float64Array | SortedSample) => (s instanceof Float64Array ? new SortedArray(s) : s);
  const ref = view(sortedReference), cur = view(sortedCurrent);
  const nr = ref.length, nc = cur.length;
  const min = Math.min(ref.at(0), cur.at(0));
  const max = Math.max(ref.at(nr - 1), cur.at(nc - 1));
  let edges: Float64Array;
  if (integer && max - min < OVERLAY_MAX_BINS) {
    edges = new Float64Array(max - min + 2);
    for (let i = 0; i < edges.length; i++) edges[i] = min - 0.5 + i;
  } else if (!(max > min) || !Number.isFinite(max - min)) {
    edges = Float64Array.of(min - 0.5, max + 0.5);
    if (!(edges[1]! > edges[0]!)) edges = Float64Array.of(min, max); // too large for ±0.5 to show
  } else {
    const bins = Math.min(OVERLAY_MAX_BINS, Math.ceil(Math.log2(nr + nc)) + 1);
    edges = linspace(min, max, bins + 1);
  }
  return {
    kind: 'numeric',
    edges: Array.from(edges),
    reference: shares(histogramCountsOf(ref, edges), nr),
    current: shares(histogramCountsOf(cur, edges), nc),
  };
}

/** The overlay of two count maps (category → count), neither empty. */
export function categoricalOverlay(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): Extract<DistributionOverlay, { kind: 'categorical' }> {
  let rt = 0, ct = 0;
  for (const c of reference.values()) rt += c;
  for (const c of current.values()) ct += c;
  const keys = [...new Set([...reference.keys(), ...current.keys()])];
  const share = (m: ReadonlyMap<string, number>, k: string, total: number) => (m.get(k) ?? 0) / total;
  const ranked = keys
    .map((k, i) => ({ k, i, r: share(reference, k, rt), c: share(current, k, ct) }))
    .sort((a, b) => Math.max(b.r, b.c) - Math.max(a.r, a.c) || a.i - b.i);
  const shown = ranked.length > OVERLAY_MAX_CATEGORIES ? ranked.slice(0, OVERLAY_MAX_CATEGORIES) : ranked;
  const out = { kind: 'categorical' as const, categories: shown.map((x) => x.k), reference: shown.map((x) => x.r), current: shown.map((x) => x.c) };
  if (shown.length < ranked.length) {
    let r = 0, c = 0;
    for (const x of ranked.slice(shown.length)) { r += x.r; c += x.c; }
    out.categories.push(OVERLAY_OTHER);
    out.reference.push(r);
    out.current.push(c);
  }
  return out;
}
