// The reference of calibrate.ts as counts per unit, and each drift method's score of a null window
// from such counts. Each usable row belongs to one unit: a distinct value (KS, Wasserstein, the
// count tests on numbers, and value bins), a bin (Sturges, reference quantiles) or a category. A
// null window is then a vector of counts per unit and its score a function of two such vectors,
// computed as the drift check computes it (see calibrate.ts for what is exact and what mirrors).
import { VigilError } from '../../errors.ts';
import {
  EVIDENTLY_MAX_VALUE_BINS, DEFAULT_QUANTILE_BINS, quantileInnerEdges, sturgesEdges, type Category,
} from './binning.ts';
import { chiSquareContingency, chiSquareGoodnessOfFit } from './chi-square.ts';
import type { DriftMethod } from './defaults.ts';
import { hellingerOfProportions, jensenShannonOfProportions, populationStd, psiOfProportions } from './distances.ts';
import { KS_MAX_AUTO_N, ks2sampSorted, ksAsympPvalue } from './ks.ts';
import { twoProportionZTest } from './z-test.ts';

const invalid = (field: string, message: string) => new VigilError('validation_failed', `calibration: ${message}`, { details: [{ field, message }] });

export interface Units {
  unitOfRow: Int32Array;
  total: Float64Array;
  score: (win: Float64Array, base: Float64Array, w: number, nb: number) => number;
  /** The same score against the rest of the reference (base = total − win), where a faster path exists. */
  restScore?: (win: Float64Array, w: number, nb: number) => number;
}

/** `rows`: the subset of rows to use (null: all); `keepOrder`: units in row order (contiguous windows). */
export interface Prepared { rows: number; unitsOf: (rows: Int32Array | null, keepOrder: boolean) => Units }

/**
 * Sorted distinct values of a numeric sample and the unit (index among them) of each row. Rows in
 * their own order only when asked (contiguous windows): random windows are uniform subsets of rows,
 * so the rows can be taken in sorted order, which spares a search per row.
 */
function atomsOf(values: Float64Array, keepOrder: boolean) {
  const n = values.length, sorted = Float64Array.from(values).sort();
  const unitOfSorted = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (k === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i] as number;
    unitOfSorted[i] = k - 1;
  }
  const atoms = sorted.slice(0, k);
  if (!keepOrder) return { atoms, atomOfRow: unitOfSorted };
  const atomOfRow = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    let lo = 0, hi = k - 1;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if ((atoms[mid] as number) < x) lo = mid + 1; else hi = mid; }
    atomOfRow[i] = lo;
  }
  return { atoms, atomOfRow };
}

function totals(unitOfRow: Int32Array, units: number): Float64Array {
  const t = new Float64Array(units);
  for (let i = 0; i < unitOfRow.length; i++) t[unitOfRow[i] as number]!++;
  return t;
}

function ksScore(atoms: Float64Array) {
  return (win: Float64Array, base: Float64Array, w: number, nb: number): number => {
    if (Math.max(w, nb) <= KS_MAX_AUTO_N) return ks2sampSorted(expand(atoms, base, nb), expand(atoms, win, w))!.pvalue;
    // ksStatisticSorted's sweep on counts: the same ECDF values, so the same statistic
    let c = 0, b = 0, maxS = -Infinity, minS = Infinity;
    for (let k = 0; k < atoms.length; k++) {
      b += base[k] as number; c += win[k] as number;
      const diff = b / nb - c / w;
      if (diff > maxS) maxS = diff;
      if (diff < minS) minS = diff;
    }
    const minD = Math.min(Math.max(-minS, 0), 1);
    return ksAsympPvalue(nb, w, minD > maxS ? minD : maxS);
  };
}

/**
 * KS against the rest, visiting only the distinct values the window holds: between two of them
 * the window's ECDF is flat and the rest's rises, so F_rest − F_window is largest at the end of
 * each run and smallest at its start. The values compared are the sweep's own, so the statistic is too.
 */
function ksRestScore(atoms: Float64Array, total: Float64Array) {
  const cum = new Float64Array(total.length);
  let t = 0;
  for (let k = 0; k < total.length; k++) cum[k] = t += total[k] as number;
  const last = total.length - 1;
  return (win: Float64Array, w: number, nb: number): number => {
    if (Math.max(w, nb) <= KS_MAX_AUTO_N) {
      const base = Float64Array.from(total, (x, k) => x - (win[k] as number));
      return ks2sampSorted(expand(atoms, base, nb), expand(atoms, win, w))!.pvalue;
    }
    let c = 0, maxS = -Infinity, minS = Infinity, diff = 0;
    if (win[0] === 0) maxS = minS = (cum[0] as number) / nb;
    for (let k = 0; k <= last; k++) {
      const x = win[k] as number;
      if (x === 0) continue;
      if (k > 0) {
        diff = ((cum[k - 1] as number) - c) / nb - c / w; // the end of the run before
        if (diff > maxS) maxS = diff;
        if (diff < minS) minS = diff;
      }
      c += x;
      diff = ((cum[k] as number) - c) / nb - c / w; // the start of this run
      if (diff > maxS) maxS = diff;
      if (diff < minS) minS = diff;
    }
    diff = ((cum[last] as number) - c) / nb - c / w;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
    const minD = Math.min(Math.max(-minS, 0), 1);
    return ksAsympPvalue(nb, w, minD > maxS ? minD : maxS);
  };
}

function expand(atoms: Float64Array, counts: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  let j = 0;
  for (let k = 0; k < atoms.length; k++) for (let c = counts[k] as number; c > 0; c--) out[j++] = atoms[k] as number;
  return out;
}

/** wassersteinOfSorted on counts per distinct value, over `norm`; with `total`, against the rest (base = total − win). */
function wassersteinScore(atoms: Float64Array, norm: number, total?: Float64Array) {
  return (win: Float64Array, base: Float64Array | null, w: number, nb: number): number => {
    const from = base ?? total!, sign = base ? 0 : 1;
    let c = 0, b = 0, sum = 0, comp = 0;
    for (let k = 0; k < atoms.length - 1; k++) {
      const x = win[k] as number;
      b += (from[k] as number) - sign * x;
      c += x;
      const term = Math.abs(b / nb - c / w) * ((atoms[k + 1] as number) - (atoms[k] as number));
      const t = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
      sum = t;
    }
    return (sum + comp) / norm;
  };
}

function proportionScore(measure: 'psi' | 'jensenshannon' | 'hellinger', units: number) {
  const p = new Float64Array(units), q = new Float64Array(units);
  return (win: Float64Array, base: Float64Array, w: number, nb: number): number => {
    for (let i = 0; i < units; i++) { p[i] = (base[i] as number) / nb; q[i] = (win[i] as number) / w; }
    return measure === 'psi' ? psiOfProportions(p, q) : measure === 'jensenshannon' ? jensenShannonOfProportions(p, q) : hellingerOfProportions(p, q);
  };
}

/** Evidently's numeric Hellinger on Sturges bins: density histograms times the bin width. */
function sturgesHellingerScore(edges: Float64Array) {
  const bins = edges.length - 1, width = ((edges[bins] as number) - (edges[0] as number)) / bins;
  return (win: Float64Array, base: Float64Array, w: number, nb: number): number => {
    let bc = 0;
    for (let i = 0; i < bins; i++) {
      const db = (edges[i + 1] as number) - (edges[i] as number);
      bc += Math.sqrt(((base[i] as number) / db / nb) * ((win[i] as number) / db / w)) * width;
    }
    return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
  };
}

/** The count tests on units labelled as the drift check labels categories (String of the value). */
function countTestScore(method: 'chisquare' | 'chi2_contingency' | 'z', labels: string[]) {
  const sorted = [...new Set(labels)].sort();
  if (method === 'z' && sorted.length > 2) throw invalid('method', `z needs a column with at most two values; the reference has ${sorted.length}`);
  const counts = (v: Float64Array) => {
    const m = new Map<string, number>();
    for (let i = 0; i < labels.length; i++) m.set(labels[i] as string, (m.get(labels[i] as string) ?? 0) + (v[i] as number));
    return m;
  };
  return (win: Float64Array, base: Float64Array, w: number, nb: number): number => {
    const rc = counts(base), cc = counts(win);
    if (method === 'z') {
      // Evidently's z-test: the first value in sorted order is the failure
      const failure = sorted[0] as string;
      return twoProportionZTest({ successes: nb - (rc.get(failure) ?? 0), total: nb }, { successes: w - (cc.get(failure) ?? 0), total: w })!.pvalue;
    }
    const r = method === 'chisquare' ? chiSquareGoodnessOfFit(rc, cc) : chiSquareContingency(rc, cc);
    return r!.pvalue;
  };
}

/** Index of the bin of each sorted value: edges[i] <= x < edges[i + 1], the last bin closed (numpy.histogram). */
function sturgesBinOf(atoms: Float64Array, edges: Float64Array): Int32Array {
  const bins = edges.length - 1, out = new Int32Array(atoms.length);
  for (let k = 0; k < atoms.length; k++) {
    const x = atoms[k] as number;
    let lo = 0, hi = bins - 1; // last i with edges[i] <= x, capped at the last bin
    while (lo < hi) { const mid = (lo + hi + 1) >>> 1; if ((edges[mid] as number) <= x) lo = mid; else hi = mid - 1; }
    out[k] = lo;
  }
  return out;
}

/** Bins (-inf, e0), [e0, e1), …, [e_last, inf): the count of interior edges <= x (searchsorted right). */
function quantileBinOf(atoms: Float64Array, inner: Float64Array): Int32Array {
  const out = new Int32Array(atoms.length);
  for (let k = 0; k < atoms.length; k++) {
    const x = atoms[k] as number;
    let lo = 0, hi = inner.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if ((inner[mid] as number) <= x) lo = mid + 1; else hi = mid; }
    out[k] = lo;
  }
  return out;
}

const regroup = (atomOfRow: Int32Array, unitOfAtom: Int32Array) => Int32Array.from(atomOfRow, (a) => unitOfAtom[a] as number);

export interface NumericUnitOptions { method: DriftMethod; windowSize: number; integer?: boolean; bins?: number }

export function prepareNumeric(values: Float64Array, input: NumericUnitOptions): Prepared {
  const { method, windowSize: w, integer = false } = input;
  const fullRows = values.length;
  return {
    rows: fullRows,
    unitsOf(rows, keepOrder) {
      const picked = rows ? Float64Array.from(rows, (r) => values[r] as number) : values;
      const n = picked.length;
      const { atoms, atomOfRow } = atomsOf(picked, keepOrder);
      const byAtoms = (score: Units['score']): Units => ({ unitOfRow: atomOfRow, total: totals(atomOfRow, atoms.length), score });
      const byBins = (unitOfAtom: Int32Array, bins: number, score: Units['score']): Units => {
        const unitOfRow = regroup(atomOfRow, unitOfAtom);
        return { unitOfRow, total: totals(unitOfRow, bins), score };
      };
      const min = atoms[0] as number, max = atoms[atoms.length - 1] as number;
      switch (method) {
        case 'ks': {
          const u = byAtoms(ksScore(atoms));
          return { ...u, restScore: ksRestScore(atoms, u.total) };
        }
        case 'wasserstein': {
          const u = byAtoms(wassersteinScore(atoms, Math.max(populationStd(values), 0.001)));
          const rest = wassersteinScore(atoms, Math.max(populationStd(values), 0.001), u.total);
          return { ...u, restScore: (win, w, nb) => rest(win, null, w, nb) };
        }
        case 'chisquare': case 'chi2_contingency': case 'z': return byAtoms(countTestScore(method, Array.from(atoms, String)));
        case 'psi_quantile': {
          const inner = quantileInnerEdges(Float64Array.from(values).sort(), input.bins ?? DEFAULT_QUANTILE_BINS);
          return byBins(quantileBinOf(atoms, inner), inner.length + 1, proportionScore('psi', inner.length + 1));
        }
        case 'hellinger': {
          // Evidently's numeric Hellinger: Sturges bins for the number of distinct values of both
          // samples, whatever that number; a fresh window adds the values the reference lacks, about
          // w · (values seen once) / n of them (Good–Turing: the chance that a draw is new)
          const total = totals(atomOfRow, atoms.length);
          let once = 0;
          for (const t of total) if (t === 1) once++;
          const edges = sturgesEdges(min, max, atoms.length + Math.round((w * once) / n), integer);
          return byBins(sturgesBinOf(atoms, edges), edges.length - 1, sturgesHellingerScore(edges));
        }
        case 'psi': case 'jensenshannon': {
          if (atoms.length <= EVIDENTLY_MAX_VALUE_BINS) return byAtoms(proportionScore(method, atoms.length));
          const edges = sturgesEdges(min, max, fullRows + w, integer);
          return byBins(sturgesBinOf(atoms, edges), edges.length - 1, proportionScore(method, edges.length - 1));
        }
      }
    },
  };
}

export function prepareCategorical(values: Category[], method: DriftMethod): Prepared {
  return {
    rows: values.length,
    unitsOf(rows) {
      const n = rows ? rows.length : values.length;
      const index = new Map<Category, number>();
      const unitOfRow = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[rows ? (rows[i] as number) : i] as Category;
        let u = index.get(v);
        if (u === undefined) { u = index.size; index.set(v, u); }
        unitOfRow[i] = u;
      }
      const units = index.size, labels = [...index.keys()].map(String);
      const score = method === 'chisquare' || method === 'chi2_contingency' || method === 'z'
        ? countTestScore(method, labels)
        : proportionScore(method as 'psi' | 'jensenshannon' | 'hellinger', units);
      return { unitOfRow, total: totals(unitOfRow, units), score };
    },
  };
}
