// One column's part of the report: the method and threshold (chooseMethod), the chosen statistic
// and verdict, every other statistic of its kind and the chart overlay. Numeric columns are scored
// from one sort of each sample (core sorted-stats.ts), categorical ones from their counts: the
// same numbers the per-statistic core functions give on the raw values. Pure; runs in a worker
// thread for numeric columns (drift/worker.ts).
import {
  binaryZTest, categoricalColumnStats, categoricalOverlay, chiSquareContingency, chiSquareGoodnessOfFit, chooseMethod, countValues,
  isDrifted, numericColumnStats, numericOverlay, VigilError,
  type DriftColumnKind, type DriftConfig, type DriftMethod, type MethodChoice, type SampleAccounting,
} from '@vigil/core';
import { DriftReportError } from './errors.ts';
import type { CategoricalOther, ColumnReport, NoDataColumn, Num, NumericOther, SideSummary, TestValue } from './types.ts';

export const num = (x: number): Num => (Number.isFinite(x) ? x : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity');
const test = (r: { statistic: number; pvalue: number } | null): TestValue | null => (r ? { statistic: num(r.statistic), pvalue: num(r.pvalue) } : null);
const side = (rows: number, a: SampleAccounting): SideSummary => ({ rows, used: a.used, missing: a.missing, infinite: a.infinite });

interface Scored { statistic: number; pvalue: number | null }

function choose(name: string, kind: DriftColumnKind, ref: SampleAccounting, cur: SampleAccounting, distinct: number, config: DriftConfig): MethodChoice {
  try {
    return chooseMethod({ name, kind, referenceRows: ref.used, currentRows: cur.used, distinctValues: Math.min(distinct, config.lowCardinality + 1) }, config);
  } catch (e) {
    if (e instanceof VigilError) throw new DriftReportError(`${e.message}${e.details.map((d) => `\n  ${d.field}: ${d.message}`).join('')}`, 2);
    throw e;
  }
}

function countTest(method: DriftMethod, ref: Map<string, number>, cur: Map<string, number>, column: string): Scored {
  const r = method === 'chisquare' ? chiSquareGoodnessOfFit(ref, cur) : method === 'chi2_contingency' ? chiSquareContingency(ref, cur) : binaryZTest(ref, cur);
  if (!r) {
    const distinct = new Set([...ref.keys(), ...cur.keys()]).size;
    throw new DriftReportError(`drift method z needs a column with at most two values; column ${column} has ${distinct} (set another method for it in the config)`, 2);
  }
  return { statistic: r.statistic, pvalue: r.pvalue };
}

function finish(column: string, kind: DriftColumnKind, choice: Extract<MethodChoice, { status: 'ok' }>, main: Scored, reference: SideSummary, current: SideSummary,
  other: NumericOther | CategoricalOther, distribution: ColumnReport['distribution']): ColumnReport {
  const drifted = isDrifted(choice.method, main.pvalue ?? main.statistic, choice.threshold);
  return {
    column, kind, method: choice.method, statistic: num(main.statistic), pvalue: main.pvalue === null ? null : num(main.pvalue),
    threshold: choice.threshold, drifted, reference, current, other, distribution,
  };
}

/** The finite values of a column's pieces in row order, and what was left out (finiteValues over pieces). */
export function finiteOfPieces(pieces: readonly Float64Array[]): SampleAccounting & { values: Float64Array } {
  let total = 0;
  for (const p of pieces) total += p.length;
  const values = new Float64Array(total);
  let used = 0, missing = 0, infinite = 0;
  for (const p of pieces) {
    for (let i = 0; i < p.length; i++) {
      const x = p[i] as number;
      if (x - x === 0) values[used++] = x; // finite
      else if (x !== x) missing++; // NaN: NULL or NaN in the file
      else infinite++;
    }
  }
  return { values: values.subarray(0, used), used, missing, infinite };
}

export interface NumericTask { column: string; integer: boolean; config: DriftConfig; ref: { rows: number; pieces: Float64Array[] }; cur: { rows: number; pieces: Float64Array[] } }

export function scoreNumeric(t: NumericTask): ColumnReport | NoDataColumn {
  const r = finiteOfPieces(t.ref.pieces), c = finiteOfPieces(t.cur.pieces);
  const reference = side(t.ref.rows, r), current = side(t.cur.rows, c);
  const s = r.used > 0 && c.used > 0 ? numericColumnStats(r.values, c.values, { integer: t.integer }) : null;
  const choice = choose(t.column, 'numeric', r, c, s?.distinct ?? 0, t.config);
  if (choice.status === 'no_data' || !s) return { column: t.column, status: 'no_data', reason: choice.status === 'no_data' ? choice.reason : 'no data', reference, current };
  const other: NumericOther = {
    ks: test(s.ks), wasserstein: num(s.wasserstein), wasserstein_normed: num(s.wassersteinNormed), psi: num(s.psi),
    psi_quantile: num(s.psiQuantile), jensen_shannon: num(s.jensenShannon), hellinger: num(s.hellinger),
  };
  const value = (x: number): Scored => ({ statistic: x, pvalue: null });
  let main: Scored;
  switch (choice.method) {
    case 'ks': main = { statistic: s.ks.statistic, pvalue: s.ks.pvalue }; break;
    case 'wasserstein': main = value(s.wassersteinNormed); break;
    case 'psi': main = value(s.psi); break;
    case 'psi_quantile': main = value(s.psiQuantile); break;
    case 'jensenshannon': main = value(s.jensenShannon); break;
    case 'hellinger': main = value(s.hellinger); break;
    // the count tests on a numeric column (chosen by default for few distinct values): on its values as categories
    default: main = countTest(choice.method, countValues(r.values), countValues(c.values), t.column);
  }
  return finish(t.column, 'numeric', choice, main, reference, current, other, numericOverlay(s.sortedReference, s.sortedCurrent, t.integer));
}

export interface CategoricalSide { rows: number; counts: Map<string, number>; missing: number }

export function scoreCategorical(column: string, ref: CategoricalSide, cur: CategoricalSide, config: DriftConfig): ColumnReport | NoDataColumn {
  const accounting = (x: CategoricalSide): SampleAccounting => {
    let used = 0;
    for (const n of x.counts.values()) used += n;
    return { used, missing: x.missing, infinite: 0 };
  };
  const ra = accounting(ref), ca = accounting(cur);
  const reference = side(ref.rows, ra), current = side(cur.rows, ca);
  const distinct = new Set([...ref.counts.keys(), ...cur.counts.keys()]).size;
  const choice = choose(column, 'categorical', ra, ca, distinct, config);
  if (choice.status === 'no_data') return { column, status: 'no_data', reason: choice.reason, reference, current };
  const s = categoricalColumnStats(ref.counts, cur.counts);
  const other: CategoricalOther = {
    chisquare: test(s.chisquare), chi2_contingency: test(s.chi2Contingency), z: test(s.z),
    psi: num(s.psi), jensen_shannon: num(s.jensenShannon), hellinger: num(s.hellinger),
  };
  const value = (x: number): Scored => ({ statistic: x, pvalue: null });
  const main = choice.method === 'psi' ? value(s.psi) : choice.method === 'jensenshannon' ? value(s.jensenShannon) : choice.method === 'hellinger' ? value(s.hellinger)
    : countTest(choice.method, ref.counts, cur.counts, column);
  return finish(column, 'categorical', choice, main, reference, current, other, categoricalOverlay(ref.counts, cur.counts));
}
