// The residual distribution of a regression model, residual r = y_true − y_pred (observed minus
// predicted, the usual sign: positive when the model under-predicts; regression.ts's e is −r).
// - Mergeable: counts on fixed edges chosen once per model (e.g. the reference residuals'
//   quantiles) in the bins (−∞, e0), [e0, e1), …, [e_last, ∞), so no residual is lost, plus the
//   smallest and largest residual (which bound the outer bins). Histograms on the same edges add.
// - Exact quantiles from the window's residuals: numpy.quantile's default (linear) method.
// - Approximate quantiles from a histogram: numpy's linear quantile interpolates between the
//   residuals of ranks ⌊v⌋ and ⌊v⌋ + 1 (v = (n − 1)·q), so it lies between the lower edge of the
//   bin holding rank ⌊v⌋ and the upper edge of the bin holding rank ⌊v⌋ + 1 (outer edges being the
//   min and max): that interval is returned with the estimate, which spreads each bin's residuals
//   evenly between its edges.
import { count, finite, invalid, NO_DATA, sameLength } from './internal.ts';
import type { ApproximateValue } from './metric-value.ts';

export interface ResidualHistogram {
  /** Interior edges, strictly increasing. */
  edges: number[];
  /** edges.length + 1 counts. */
  counts: number[];
  min: number | null;
  max: number | null;
}

function checkEdges(edges: readonly number[]) {
  edges.forEach((e, i) => {
    finite(e, 'edges');
    if (i > 0 && !(e > (edges[i - 1] as number))) throw invalid('edges', 'edges must be strictly increasing');
  });
}

/** The bin of r: the number of edges ≤ r (numpy.searchsorted(edges, r, side='right')). */
function binOf(edges: readonly number[], r: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if ((edges[mid] as number) <= r) lo = mid + 1; else hi = mid; }
  return lo;
}

export function residuals(truth: ArrayLike<number>, predicted: ArrayLike<number>): Float64Array {
  sameLength(truth, predicted, 'truth and predicted');
  return Float64Array.from(truth, (y, i) => finite(y, 'truth') - finite(predicted[i] as number, 'predicted'));
}

export function residualHistogram(truth: ArrayLike<number>, predicted: ArrayLike<number>, edges: readonly number[]): ResidualHistogram {
  checkEdges(edges);
  const counts = new Array<number>(edges.length + 1).fill(0);
  let min: number | null = null, max: number | null = null;
  for (const r of residuals(truth, predicted)) {
    counts[binOf(edges, r)]!++;
    if (min === null || r < min) min = r;
    if (max === null || r > max) max = r;
  }
  return { edges: [...edges], counts, min, max };
}

export function mergeResidualHistograms(first: ResidualHistogram, ...rest: ResidualHistogram[]): ResidualHistogram {
  const out: ResidualHistogram = { edges: [...first.edges], counts: new Array<number>(first.edges.length + 1).fill(0), min: null, max: null };
  for (const h of [first, ...rest]) {
    if (h.edges.length !== first.edges.length || h.edges.some((e, i) => e !== first.edges[i]) || h.counts.length !== h.edges.length + 1) {
      throw invalid('edges', 'residual histograms merge only on the same edges');
    }
    h.counts.forEach((c, b) => { out.counts[b]! += count(c, 'counts'); });
    if (h.min !== null) out.min = out.min === null ? h.min : Math.min(out.min, h.min);
    if (h.max !== null) out.max = out.max === null ? h.max : Math.max(out.max, h.max);
  }
  return out;
}

/** numpy.quantile(sorted, q) with the linear method, operation for operation. */
function linearQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length, virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1] as number;
  const prev = Math.floor(virtual), gamma = virtual - prev;
  const a = sorted[prev] as number, b = sorted[prev + 1] as number, diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

function checkQ(q: number) {
  if (!(q >= 0 && q <= 1)) throw invalid('q', 'quantiles must lie in [0, 1]');
}

/** numpy.quantile(y_true − y_pred, qs); null for each when there are no rows. */
export function residualQuantiles(truth: ArrayLike<number>, predicted: ArrayLike<number>, qs: readonly number[]): (number | null)[] {
  qs.forEach(checkQ);
  const sorted = residuals(truth, predicted).sort();
  return qs.map((q) => (sorted.length === 0 ? null : linearQuantile(sorted, q)));
}

/** Quantile q of the residuals from a histogram: an estimate and an interval that holds numpy's value. */
export function approximateResidualQuantile(h: ResidualHistogram, q: number): ApproximateValue {
  checkQ(q);
  const n = h.counts.reduce((a, b) => a + b, 0);
  if (n === 0 || h.min === null || h.max === null) return NO_DATA;
  const lowerEdge = (b: number) => (b === 0 ? (h.min as number) : Math.max(h.edges[b - 1] as number, h.min as number));
  const upperEdge = (b: number) => (b === h.edges.length ? (h.max as number) : Math.min(h.edges[b] as number, h.max as number));
  // bin holding the residual of 0-based rank r, and how many ranks precede that bin
  const locate = (r: number) => {
    let before = 0;
    for (let b = 0; b < h.counts.length; b++) {
      const c = h.counts[b] as number;
      if (r < before + c) return { b, before, c };
      before += c;
    }
    return { b: h.counts.length - 1, before: n - (h.counts[h.counts.length - 1] as number), c: h.counts[h.counts.length - 1] as number };
  };
  const virtual = (n - 1) * q, lo = Math.floor(virtual), hi = Math.min(lo + 1, n - 1);
  const at = (r: number) => {
    const { b, before, c } = locate(r);
    return lowerEdge(b) + ((upperEdge(b) - lowerEdge(b)) * (r - before + 0.5)) / c;
  };
  const a = at(lo), b = at(hi), gamma = virtual - lo;
  return { status: 'ok', value: a + (b - a) * gamma, lower: lowerEdge(locate(lo).b), upper: upperEdge(locate(hi).b) };
}
