import type { BinnedSample, NumericProfile } from '@vigil/core';

/**
 * What the drift tab draws as the reference-vs-current overlay: proportions per display bin
 * (numeric: equal-width bins over both samples' range) or per category (the most frequent, the
 * rest summed as "(other)"). Display only: statistics never read it.
 */
export type Distribution =
  | { kind: 'numeric'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; categories: string[]; reference: number[]; current: number[] };

const DISPLAY_BINS = 30;
const DISPLAY_CATEGORIES = 20;

function equalEdges(lo: number, hi: number): number[] {
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  return Array.from({ length: DISPLAY_BINS + 1 }, (_, i) => (i === DISPLAY_BINS ? hi : lo + ((hi - lo) * i) / DISPLAY_BINS));
}
const binOf = (edges: number[], x: number) => Math.min(DISPLAY_BINS - 1, Math.max(0, Math.floor(((x - (edges[0] as number)) / ((edges[DISPLAY_BINS] as number) - (edges[0] as number))) * DISPLAY_BINS)));
const normalise = (a: Float64Array): number[] => { let t = 0; for (const x of a) t += x; return [...a].map((x) => (t > 0 ? x / t : 0)); };

export function displayFromValues(reference: Float64Array, current: Float64Array): Distribution | null {
  let lo = Infinity, hi = -Infinity;
  for (const v of [reference, current]) for (const x of v) if (Number.isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
  if (lo === Infinity) return null;
  const edges = equalEdges(lo, hi);
  const count = (v: Float64Array) => { const c = new Float64Array(DISPLAY_BINS); for (const x of v) if (Number.isFinite(x)) c[binOf(edges, x)]!++; return normalise(c); };
  return { kind: 'numeric', edges, reference: count(reference), current: count(current) };
}

/** From quantile-bin counts: each bin's count spread evenly between its smallest and largest value. */
export function displayFromBins(profile: NumericProfile, current: BinnedSample): Distribution | null {
  let lo = profile.min ?? Infinity, hi = profile.max ?? -Infinity;
  for (let j = 0; j < current.counts.length; j++) {
    if (!((current.counts[j] as number) > 0)) continue;
    lo = Math.min(lo, current.mins[j] as number);
    hi = Math.max(hi, current.maxs[j] as number);
  }
  if (lo === Infinity) return null;
  const edges = equalEdges(lo, hi);
  const spread = (counts: ArrayLike<number>, mins: ArrayLike<number | null>, maxs: ArrayLike<number | null>) => {
    const out = new Float64Array(DISPLAY_BINS);
    for (let j = 0; j < counts.length; j++) {
      const n = counts[j] as number, a = mins[j], b = maxs[j];
      if (!(n > 0) || a == null || b == null) continue;
      if (a === b) { out[binOf(edges, a)]! += n; continue; }
      const first = binOf(edges, a), last = binOf(edges, b);
      for (let k = first; k <= last; k++) {
        const overlap = Math.min(b, edges[k + 1] as number) - Math.max(a, edges[k] as number);
        if (overlap > 0) out[k]! += (n * overlap) / (b - a);
      }
    }
    return normalise(out);
  };
  return { kind: 'numeric', edges, reference: spread(profile.counts, profile.mins, profile.maxs), current: spread(current.counts, current.mins, current.maxs) };
}

export function displayFromCounts(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): Distribution | null {
  let rt = 0, ct = 0;
  for (const n of reference.values()) rt += n;
  for (const n of current.values()) ct += n;
  if (rt === 0 && ct === 0) return null;
  const share = (n: number | undefined, t: number) => (t > 0 ? (n ?? 0) / t : 0);
  const keys = [...new Set([...reference.keys(), ...current.keys()])];
  keys.sort((a, b) => Math.max(share(reference.get(b), rt), share(current.get(b), ct)) - Math.max(share(reference.get(a), rt), share(current.get(a), ct)) || (a < b ? -1 : 1));
  const top = keys.slice(0, DISPLAY_CATEGORIES);
  if (top.every((k) => k !== '' && Number.isFinite(Number(k)))) top.sort((a, b) => Number(a) - Number(b));
  const rest = keys.slice(DISPLAY_CATEGORIES);
  const categories = [...top, ...(rest.length ? ['(other)'] : [])];
  const side = (m: ReadonlyMap<string, number>, t: number) => [...top.map((k) => share(m.get(k), t)), ...(rest.length ? [rest.reduce((s, k) => s + share(m.get(k), t), 0)] : [])];
  return { kind: 'categorical', categories, reference: side(reference, rt), current: side(current, ct) };
}
