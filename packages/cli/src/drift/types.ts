// The report's JSON shape (re-exported by drift-report.ts) and what the readers hand the scorers.
import type { DistributionOverlay, DriftColumnKind, DriftMethod } from '@vigil/core';

/** Statistic that JSON cannot hold: an unseen category under goodness of fit gives +Infinity. */
export type Num = number | 'Infinity' | '-Infinity' | 'NaN';
export interface SideSummary { rows: number; used: number; missing: number; infinite: number }
export interface TestValue { statistic: Num; pvalue: Num }

export interface NumericOther {
  ks: TestValue | null;
  wasserstein: Num | null;
  wasserstein_normed: Num | null;
  psi: Num | null;
  psi_quantile: Num | null;
  jensen_shannon: Num | null;
  hellinger: Num | null;
}
export interface CategoricalOther {
  chisquare: TestValue | null;
  chi2_contingency: TestValue | null;
  /** Only for columns with at most two distinct values. */
  z: TestValue | null;
  psi: Num | null;
  jensen_shannon: Num | null;
  hellinger: Num | null;
}

export interface ColumnReport {
  column: string;
  kind: DriftColumnKind;
  method: DriftMethod;
  statistic: Num;
  pvalue: Num | null;
  threshold: number;
  drifted: boolean;
  reference: SideSummary;
  current: SideSummary;
  /** Every statistic that applies to the column's kind, the chosen method's included. */
  other: NumericOther | CategoricalOther;
  /** Reference and current proportions over shared bins, for a chart (core overlay.ts). */
  distribution: DistributionOverlay;
}
export interface NoDataColumn { column: string; status: 'no_data'; reason: string; reference: SideSummary; current: SideSummary }

export interface DriftReport {
  reference: { file: string; rows: number };
  current: { file: string; rows: number };
  dataset: { drifted_columns: number; columns_with_data: number; share: number | null; drift: boolean | null; threshold: number };
  columns: (ColumnReport | NoDataColumn)[];
  skipped: { column: string; reason: string }[];
}

/**
 * One column of one file as read: numeric values in row order (NULL as NaN), possibly in several
 * pieces (one per part of the file read in parallel); categorical values as counts in order of
 * first appearance, NULL counted apart.
 */
export type ColumnData =
  | { kind: 'numeric'; pieces: Float64Array[] }
  | { kind: 'categorical'; counts: Map<string, number>; missing: number };

export interface FileData { rows: number; columns: ColumnData[] }
