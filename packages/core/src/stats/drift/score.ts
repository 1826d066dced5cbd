// One drift method on two raw samples: the exact path of the drift API (the offline report keeps
// its own loop, which also computes every other statistic). Samples are cleaned by the callee:
// numeric ones may hold NaN / ±Infinity, categorical ones null.
import { finiteValues, presentCategories, type Category, type DriftColumnKind } from './binning.ts';
import { hellinger, jensenShannon, psi, wassersteinNormed, type DistanceResult } from './distances.ts';
import { ks2samp } from './ks.ts';
import { countsDrift } from './streaming.ts';
import type { DriftMethod } from './defaults.ts';

export interface SampleScore { statistic: number; pvalue: number | null }

function countsOf(values: ArrayLike<Category>): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < values.length; i++) { const k = String(values[i]); m.set(k, (m.get(k) ?? 0) + 1); }
  return m;
}
const value = (r: DistanceResult): SampleScore | null => (r.status === 'ok' ? { statistic: r.value, pvalue: null } : null);

/** The method's score on two samples, or null when either has no usable value. */
export function scoreSamples(method: DriftMethod, kind: DriftColumnKind, reference: ArrayLike<number> | ArrayLike<Category | null>, current: ArrayLike<number> | ArrayLike<Category | null>, opts: { integer?: boolean } = {}): SampleScore | null {
  if (kind === 'numeric') {
    const ref = reference as ArrayLike<number>, cur = current as ArrayLike<number>;
    const o = { kind: 'numeric' as const, ...(opts.integer ? { integer: true } : {}) };
    switch (method) {
      case 'ks': { const r = ks2samp(ref, cur); return r ? { statistic: r.statistic, pvalue: r.pvalue } : null; }
      case 'wasserstein': return value(wassersteinNormed(ref, cur));
      case 'psi': return value(psi(ref, cur, o));
      case 'psi_quantile': return value(psi(ref, cur, { kind: 'numeric', binning: 'reference-quantiles' }));
      case 'jensenshannon': return value(jensenShannon(ref, cur, o));
      case 'hellinger': return value(hellinger(ref, cur, o));
      default: {
        // count tests on a numeric feature: its values as categories
        const r = finiteValues(ref).values, c = finiteValues(cur).values;
        if (r.length === 0 || c.length === 0) return null;
        const a = countsDrift(method, countsOf(r), countsOf(c), null);
        return a.status === 'ok' ? { statistic: a.statistic, pvalue: a.pvalue } : null;
      }
    }
  }
  const r = presentCategories(reference as ArrayLike<Category | null>).values, c = presentCategories(current as ArrayLike<Category | null>).values;
  if (r.length === 0 || c.length === 0) return null;
  const o = { kind: 'categorical' as const };
  switch (method) {
    case 'psi': return value(psi(r, c, o));
    case 'jensenshannon': return value(jensenShannon(r, c, o));
    case 'hellinger': return value(hellinger(r, c, o));
    default: {
      const a = countsDrift(method, countsOf(r), countsOf(c), null);
      return a.status === 'ok' ? { statistic: a.statistic, pvalue: a.pvalue } : null;
    }
  }
}
