// Which drift method a column gets, with which threshold, and when a dataset has drifted: the
// choices of Evidently 0.7's DataDriftPreset, so that numbers and verdicts agree with it, each
// overridable per model (DriftConfig) and per feature.
//
// Evidently's default (evidently/legacy/calculations/stattests/registry.py, _get_default_stattest),
// with n = rows of the reference after missing and infinite values are dropped, and d = distinct
// values of reference and current together:
//   n <= 1000: numeric   d > 5 → 'ks'; 2 < d <= 5 → 'chisquare'; d <= 2 → 'z'
//              categorical      d > 2 → 'chisquare';  d <= 2 → 'z'
//   n > 1000:  numeric   d > 5 → 'wasserstein' (normed by the reference std); d <= 5 → 'jensenshannon'
//              categorical      'jensenshannon'
// Default thresholds are each StatTest's default_threshold: 0.05 for the p-values, 0.1 for the
// distances. Verdicts as Evidently decides them: 'ks' drifts at p <= threshold, 'chisquare' and 'z'
// at p < threshold (ks_stattest.py, chisquare_stattest.py, z_stattest.py), distances at
// score >= threshold. Dataset drift: drifted columns / columns >= drift share, 0.5 by default
// (legacy/calculations/data_drift.py get_dataset_drift; presets/drift.py).
// Overrides resolve feature > column kind > model > default, for method and threshold apart
// (Evidently's per-column threshold map also hides the kind and model thresholds of the columns
// it does not name; we do not copy that).
import { z } from 'zod';
import { VigilError } from '../../errors.ts';
import type { DriftColumnKind } from './binning.ts';

export const DRIFT_METHODS = ['ks', 'chisquare', 'chi2_contingency', 'z', 'wasserstein', 'jensenshannon', 'psi', 'psi_quantile', 'hellinger'] as const;
export const DriftMethodSchema = z.enum(DRIFT_METHODS);
export type DriftMethod = z.infer<typeof DriftMethodSchema>;

export interface DriftMethodSpec {
  score: 'p_value' | 'distance';
  defaultThreshold: number;
  /** How the score is compared with the threshold for a verdict of drift. */
  drifts: '<=' | '<' | '>=';
  kinds: readonly DriftColumnKind[];
  /** Evidently's name for it, where Evidently has the method. */
  evidently: string | null;
}

const BOTH = ['numeric', 'categorical'] as const;
export const DRIFT_METHOD_SPECS: Record<DriftMethod, DriftMethodSpec> = {
  ks: { score: 'p_value', defaultThreshold: 0.05, drifts: '<=', kinds: ['numeric'], evidently: 'ks' },
  // Evidently's chi-square: goodness of fit of current counts against reference counts scaled to the current size
  chisquare: { score: 'p_value', defaultThreshold: 0.05, drifts: '<', kinds: BOTH, evidently: 'chisquare' },
  // the two-sample contingency-table test (scipy.stats.chi2_contingency), not in Evidently
  chi2_contingency: { score: 'p_value', defaultThreshold: 0.05, drifts: '<', kinds: BOTH, evidently: null },
  z: { score: 'p_value', defaultThreshold: 0.05, drifts: '<', kinds: BOTH, evidently: 'z' },
  wasserstein: { score: 'distance', defaultThreshold: 0.1, drifts: '>=', kinds: ['numeric'], evidently: 'wasserstein' },
  jensenshannon: { score: 'distance', defaultThreshold: 0.1, drifts: '>=', kinds: BOTH, evidently: 'jensenshannon' },
  psi: { score: 'distance', defaultThreshold: 0.1, drifts: '>=', kinds: BOTH, evidently: 'psi' },
  psi_quantile: { score: 'distance', defaultThreshold: 0.1, drifts: '>=', kinds: ['numeric'], evidently: null },
  hellinger: { score: 'distance', defaultThreshold: 0.1, drifts: '>=', kinds: BOTH, evidently: 'hellinger' },
};

const Threshold = z.number().positive().finite();
const OverrideSchema = z.object({ method: DriftMethodSchema.optional(), threshold: Threshold.optional() }).strict()
  .refine((o) => !(o.method && DRIFT_METHOD_SPECS[o.method].score === 'p_value' && o.threshold !== undefined && o.threshold >= 1),
    { message: 'a p-value threshold must be below 1', path: ['threshold'] });

/** A model's drift settings; every field optional, so `{}` is Evidently's preset. */
export const DriftConfigSchema = z.object({
  /** For every column (Evidently: `method` / `threshold`). */
  method: DriftMethodSchema.optional(),
  threshold: Threshold.optional(),
  /** For every column of one kind (Evidently: `num_method`, `cat_threshold`, …). */
  numeric: OverrideSchema.optional(),
  categorical: OverrideSchema.optional(),
  /** Per feature, by name (Evidently: `per_column_method`, `per_column_threshold`). */
  features: z.record(z.string(), OverrideSchema).optional(),
  /** Dataset drift when drifted columns / columns reach this share. */
  driftShare: z.number().gt(0).max(1).default(0.5),
  /** References with at most this many rows get the p-value tests, larger ones the distances. */
  smallReferenceRows: z.number().int().nonnegative().default(1000),
  /** Numeric columns with at most this many distinct values are treated as categories. */
  lowCardinality: z.number().int().min(2).default(5),
  /**
   * Thresholds calibrated on the reference for the current window's size (calibrate.ts), so a
   * window without drift is flagged at `falseAlarmRate` whatever its size. Off unless given.
   */
  calibration: z.object({
    falseAlarmRate: z.number().gt(0).max(0.5).default(0.05),
    resamples: z.number().int().min(20).max(1000).default(200),
    windows: z.enum(['random', 'contiguous']).default('random'),
  }).strict().optional(),
}).strict();
export type DriftConfig = z.infer<typeof DriftConfigSchema>;
export type DriftConfigInput = z.input<typeof DriftConfigSchema>;
export const DEFAULT_DRIFT_CONFIG: DriftConfig = DriftConfigSchema.parse({});

export interface DriftColumnSummary {
  name: string;
  kind: DriftColumnKind;
  /** Rows of each sample that hold a value: missing and infinite ones are not counted. */
  referenceRows: number;
  currentRows: number;
  /** Distinct values of both samples together; any count above `lowCardinality` will do (distinctAtMost). */
  distinctValues: number;
}

export type ChoiceSource = 'feature' | 'kind' | 'model' | 'default';
export type MethodChoice =
  | { status: 'ok'; method: DriftMethod; threshold: number; score: DriftMethodSpec['score']; methodFrom: ChoiceSource; thresholdFrom: ChoiceSource }
  | { status: 'no_data'; reason: string };

/** Evidently's default method for a column (see the table at the top of this file). */
export function defaultMethod(column: DriftColumnSummary, config: DriftConfig = DEFAULT_DRIFT_CONFIG): DriftMethod {
  const few = column.distinctValues <= config.lowCardinality;
  if (column.referenceRows <= config.smallReferenceRows) {
    if (column.kind === 'numeric' && !few) return 'ks';
    return column.distinctValues > 2 ? 'chisquare' : 'z';
  }
  return column.kind === 'numeric' && !few ? 'wasserstein' : 'jensenshannon';
}

/** The method and threshold for one column, or no data when either sample has no value. */
export function chooseMethod(column: DriftColumnSummary, config: DriftConfig = DEFAULT_DRIFT_CONFIG): MethodChoice {
  if (column.referenceRows === 0) return { status: 'no_data', reason: `column ${column.name} has no values in the reference` };
  if (column.currentRows === 0) return { status: 'no_data', reason: `column ${column.name} has no values in the current window` };
  const feature = config.features?.[column.name];
  const kind = config[column.kind];
  const pick = <T>(f: T | undefined, k: T | undefined, m: T | undefined): [T, ChoiceSource] | null =>
    f !== undefined ? [f, 'feature'] : k !== undefined ? [k, 'kind'] : m !== undefined ? [m, 'model'] : null;
  const [method, methodFrom] = pick(feature?.method, kind?.method, config.method) ?? [defaultMethod(column, config), 'default' as const];
  const spec = DRIFT_METHOD_SPECS[method];
  if (!spec.kinds.includes(column.kind)) {
    const field = methodFrom === 'feature' ? `features.${column.name}.method` : methodFrom === 'kind' ? `${column.kind}.method` : 'method';
    throw new VigilError('validation_failed', `drift method ${method} does not apply to ${column.kind} column ${column.name}`, {
      details: [{ field, message: `${method} needs a ${spec.kinds.join(' or ')} column` }],
    });
  }
  const [threshold, thresholdFrom] = pick(feature?.threshold, kind?.threshold, config.threshold) ?? [spec.defaultThreshold, 'default' as const];
  return { status: 'ok', method, threshold, score: spec.score, methodFrom, thresholdFrom };
}

/** Evidently's verdict for a score: see DRIFT_METHOD_SPECS[method].drifts. */
export function isDrifted(method: DriftMethod, score: number, threshold: number): boolean {
  const rule = DRIFT_METHOD_SPECS[method].drifts;
  return rule === '<=' ? score <= threshold : rule === '<' ? score < threshold : score >= threshold;
}

export type ColumnVerdict = { name: string; status: 'ok'; drifted: boolean } | { name: string; status: 'no_data' };
export type DatasetDrift =
  | { status: 'ok'; drifted: boolean; driftedColumns: number; columns: number; share: number; noDataColumns: string[] }
  | { status: 'no_data'; noDataColumns: string[] };

/**
 * Dataset drift as Evidently decides it: share of drifted columns >= drift share. Columns with no
 * data (Evidently refuses to run on them) are left out of both counts and listed; when every
 * column has no data, so has the dataset.
 */
export function datasetDrift(verdicts: readonly ColumnVerdict[], driftShare: number = DEFAULT_DRIFT_CONFIG.driftShare): DatasetDrift {
  const noDataColumns = verdicts.filter((v) => v.status === 'no_data').map((v) => v.name);
  const columns = verdicts.length - noDataColumns.length;
  if (columns === 0) return { status: 'no_data', noDataColumns };
  const driftedColumns = verdicts.filter((v) => v.status === 'ok' && v.drifted).length;
  const share = driftedColumns / columns;
  return { status: 'ok', drifted: share >= driftShare, driftedColumns, columns, share, noDataColumns };
}

/**
 * A column's kind as Evidently 0.7 infers it when not told (evidently/core/datasets.py,
 * infer_column_type): floats are numeric; integers categorical up to 10 distinct values, numeric
 * above; strings text when more than half the non-missing values are distinct, else categorical;
 * booleans categorical.
 */
export function inferColumnKind(column: { storage: 'float' | 'integer' | 'string' | 'boolean'; distinctValues: number; nonMissing: number }): DriftColumnKind | 'text' {
  switch (column.storage) {
    case 'float': return 'numeric';
    case 'integer': return column.distinctValues <= 10 ? 'categorical' : 'numeric';
    case 'string': return column.distinctValues > column.nonMissing * 0.5 ? 'text' : 'categorical';
    case 'boolean': return 'categorical';
  }
}
