/** A prediction after validation: timestamps in epoch ms, segment values as strings. */
export interface NormalizedPrediction {
  id: string;
  model: string;
  version: string;
  ts: number;
  features: Record<string, number | string | boolean | null>;
  prediction: string;
  score: number | null;
  scores: Record<string, number> | null;
  latency_ms: number | null;
  batch_size: number | null;
  segment: Record<string, string>;
  feature_ts: number | null;
}

export interface NormalizedLabel {
  model: string;
  prediction_id: string;
  label: string;
  ts: number;
}

export interface NormalizedMetricSample {
  name: string;
  labels: Record<string, string>;
  ts: number;
  value: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface NormalizedLog {
  id: string;
  ts: number;
  model: string | null;
  level: LogLevel;
  message: string;
  error_class: string | null;
  attributes: Record<string, unknown>;
}

export interface NormalizedPipelineRun {
  pipeline: string;
  run_id: string;
  stage: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  started_at: number;
  ended_at: number | null;
  model: string | null;
  rows_in: number | null;
  rows_out: number | null;
  bytes: number | null;
  quality: Record<string, unknown> | null;
  schema_checks: Record<string, unknown> | null;
}

export interface NormalizedTrainingRun {
  run_id: string;
  model: string;
  status: 'running' | 'succeeded' | 'failed';
  started_at: number;
  ended_at: number | null;
  params: Record<string, unknown>;
  /** metric name → [[step, value], ...] */
  metrics: Record<string, [number, number][]>;
  dataset_sizes: Record<string, number>;
  version: string | null;
}

/** One reason a record was refused: which field, what was expected, what came. */
export interface Violation {
  field: string;
  kind: ViolationKind;
  expected: string;
  got: string;
}

export type ViolationKind =
  | 'missing_field'
  | 'invalid_field'
  | 'unknown_field'
  | 'unknown_model'
  | 'unknown_feature'
  | 'missing_feature'
  | 'wrong_type'
  | 'out_of_range'
  | 'unseen_category'
  | 'nan_or_infinity'
  | 'unknown_segment';

/** Violation kinds that are data-quality signals for one feature, counted over time. */
export const FEATURE_VIOLATION_KINDS: readonly ViolationKind[] = [
  'unknown_feature',
  'missing_feature',
  'wrong_type',
  'out_of_range',
  'unseen_category',
  'nan_or_infinity',
];

export interface RecordError {
  index: number;
  id: string | null;
  reasons: Violation[];
}

/**
 * Whole-record data-quality facts, counted with feature '' beside the feature violations:
 * `refused`, one per refused record of a registered model; `duplicate`, one per prediction
 * received again (same model and id), counted in the minute it arrived.
 */
export type RecordQualityKind = 'refused' | 'duplicate';
export type QualityKind = ViolationKind | RecordQualityKind;

/** Count of one kind of quality fact for one feature ('' for whole-record kinds) of one model in one minute. */
export interface QualityCount {
  model: string;
  minute: number;
  feature: string;
  kind: QualityKind;
  count: number;
}

/** Shows a received value in an error message without echoing large payloads. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 60 ? `string "${v.slice(0, 57)}..."` : `string "${v}"`;
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  if (Array.isArray(v)) return `array of ${v.length}`;
  return 'object';
}
