/**
 * Wire shapes the SDK sends and receives. They mirror the HTTP API on purpose and are declared
 * here rather than imported from `@vigil/core`, so the SDK stays usable on its own (Node
 * built-ins and global `fetch` only).
 */

/** An instant: RFC 3339 string with a zone, epoch milliseconds, or a `Date` (sent as RFC 3339 UTC). */
export type Timestamp = string | number | Date;

/** A feature value. Non-finite numbers are sent as `"NaN"` / `"Infinity"` / `"-Infinity"`. */
export type FeatureValue = number | string | boolean | null;

/**
 * One model prediction. `id` is what labels refer to and what makes re-sending idempotent;
 * the SDK generates a UUID when it is missing and fills `ts` with the current time.
 *
 * @example
 * client.logPrediction({ id: 'req-42', model: 'churn', version: '3', features: { age: 41 }, prediction: 'yes', score: 0.81 });
 */
export interface PredictionRecord {
  id?: string;
  model: string;
  version: string;
  ts?: Timestamp;
  features: Record<string, FeatureValue>;
  prediction: string | number | boolean;
  score?: number;
  scores?: Record<string, number>;
  latency_ms?: number;
  batch_size?: number;
  segment?: Record<string, string | number | boolean>;
  feature_ts?: Timestamp;
}

/**
 * The ground truth for an earlier prediction; it may arrive minutes to weeks later.
 *
 * @example
 * client.logLabel({ prediction_id: 'req-42', model: 'churn', label: 'no' });
 */
export interface LabelRecord {
  prediction_id: string;
  model: string;
  label: string | number | boolean;
  ts?: Timestamp;
}

/**
 * A sample of any numeric series: resources, business KPIs, custom counters.
 *
 * @example
 * client.logMetric({ name: 'gpu.utilization', labels: { host: 'gpu-1' }, value: 0.73 });
 */
export interface MetricRecord {
  name: string;
  labels?: Record<string, string>;
  ts?: Timestamp;
  value: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * An application log event; error-level events feed error rates and "recent errors".
 * The SDK generates `id` when missing so that a retried batch is not counted twice.
 *
 * @example
 * client.logLog({ level: 'error', model: 'churn', message: 'feature store timeout', error_class: 'TimeoutError' });
 */
export interface LogRecord {
  id?: string;
  ts?: Timestamp;
  model?: string | null;
  level: LogLevel;
  message: string;
  error_class?: string | null;
  attributes?: Record<string, unknown>;
}

/**
 * One run (or one stage of a run) of a data pipeline. `started_at` defaults to now.
 *
 * @example
 * client.logPipelineRun({ pipeline: 'daily-features', run_id: 'r-2026-11-27', status: 'succeeded', started_at: t0, ended_at: new Date(), rows_in: 10_000, rows_out: 9_950 });
 */
export interface PipelineRunRecord {
  pipeline: string;
  run_id: string;
  stage?: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  started_at?: Timestamp;
  ended_at?: Timestamp | null;
  model?: string | null;
  rows_in?: number | null;
  rows_out?: number | null;
  bytes?: number | null;
  /**
   * Batch checks, shown on the model's data-quality tab (docs/data-quality.md): structured
   * `{ checks: [{ name, status: 'passed' | 'failed' | 'warning', value?, expected?, message? }], row_count?, null_counts?, duplicate_rows? }`
   * or a map `{ name: boolean | number }`.
   *
   * @example
   * quality: { row_count: 9_996, null_counts: { email: 12 }, checks: [{ name: 'amount_positive', status: 'failed', value: 3 }] }
   */
  quality?: Record<string, unknown> | null;
  /** Schema checks in the same format as `quality`; shown with the prefix `schema.`. */
  schema_checks?: Record<string, unknown> | null;
}

/**
 * A training run and its metric history (`metrics.loss = [[step, value], ...]`). `started_at` defaults to now.
 *
 * @example
 * client.logTrainingRun({ run_id: 'train-7', model: 'churn', status: 'succeeded', started_at: t0, metrics: { loss: [[0, 0.9], [1, 0.5]] } });
 */
export interface TrainingRunRecord {
  run_id: string;
  model: string;
  version?: string | null;
  status: 'running' | 'succeeded' | 'failed';
  started_at?: Timestamp;
  ended_at?: Timestamp | null;
  params?: Record<string, unknown>;
  metrics?: Record<string, [number, number][]>;
  dataset_sizes?: Record<string, number>;
}

/** The six kinds of buffered records; each is posted to its own endpoint. */
export type RecordKind = 'predictions' | 'labels' | 'metrics' | 'logs' | 'pipeline-runs' | 'training-runs';

export const RECORD_KINDS: readonly RecordKind[] = ['predictions', 'labels', 'metrics', 'logs', 'pipeline-runs', 'training-runs'];

/** Why the SDK gave records up (see {@link VigilClientOptions.onDrop}). */
export type DropReason =
  /** the buffer held `maxBufferSize` records; the oldest made room */
  | 'buffer_full'
  /** the server kept answering 429 / 5xx or could not be reached, `maxRetries` times */
  | 'retries_exhausted'
  /** the server refused the whole batch (400, 401, 403, 404, other 4xx): re-sending would not help */
  | 'rejected'
  /** a single record was larger than the server accepts (413) */
  | 'too_large'
  /** the record could not be turned into JSON (circular structure) */
  | 'unserializable'
  /** logged after `close()` */
  | 'closed';

/** One reason the server gave for refusing one record of a batch. */
export interface Violation {
  field: string;
  kind: string;
  expected: string;
  got: string;
}

/** A refused record of a 207 answer: its index in the batch, its id if it had one, and why. */
export interface RecordError {
  index: number;
  id: string | null;
  reasons: Violation[];
}

/** The answer to one ingestion request (HTTP 200 or 207). */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: RecordError[];
}

/** Counters since the client was created; `buffered` counts queued plus in-flight records. */
export interface ClientStats {
  /** records the server acknowledged (200 / 207): accepted + duplicates + rejected */
  sent: number;
  accepted: number;
  /** records the server already had (same id): re-sending is harmless */
  duplicates: number;
  /** records the server refused in a 207 answer (reported through `onError`) */
  rejected: number;
  /** records the SDK gave up (reported through `onDrop`) */
  dropped: number;
  /** HTTP requests repeated after a retryable failure */
  retries: number;
  buffered: number;
}

export interface FeatureSpec {
  name: string;
  type: 'numeric' | 'categorical' | 'boolean' | 'text';
  nullable?: boolean;
  min?: number;
  max?: number;
  categories?: string[];
  description?: string;
}

export interface ModelSchemaSpec {
  features: FeatureSpec[];
  segments?: string[];
  classes?: string[];
}

/** What `createModel` takes. */
export interface ModelSpec {
  id: string;
  name: string;
  task: 'binary' | 'multiclass' | 'regression';
  owner_team?: string;
  tags?: string[];
  description?: string;
  schema: ModelSchemaSpec;
}

export interface ModelPatch {
  name?: string;
  owner_team?: string | null;
  tags?: string[];
  description?: string | null;
  schema?: ModelSchemaSpec;
}

export interface Model {
  id: string;
  name: string;
  task: 'binary' | 'multiclass' | 'regression';
  owner_team: string | null;
  tags: string[];
  description: string | null;
  schema: ModelSchemaSpec;
  schema_version: number;
  created_at: string;
  updated_at: string;
}

/** Registry timestamps are RFC 3339 strings with a zone, or a `Date` (epoch numbers are not accepted there). */
export type IsoTime = string | Date;

export interface VersionSpec {
  version: string;
  source?: string;
  description?: string;
  validation_metrics?: Record<string, number>;
  created_at?: IsoTime;
}

export interface ModelVersion {
  model_id: string;
  version: string;
  source: string | null;
  description: string | null;
  validation_metrics: Record<string, number>;
  created_at: string;
}

export type DeploymentOutcome = 'in_progress' | 'succeeded' | 'failed' | 'rolled_back';

export interface DeploymentSpec {
  version: string;
  environment: string;
  started_at?: IsoTime;
  ended_at?: IsoTime | null;
  outcome?: DeploymentOutcome;
  notes?: string;
}

export interface DeploymentPatch {
  ended_at?: IsoTime | null;
  outcome?: DeploymentOutcome;
  notes?: string;
}

export interface Deployment {
  id: string;
  model_id: string;
  version: string;
  environment: string;
  started_at: string;
  ended_at: string | null;
  outcome: DeploymentOutcome;
  notes: string | null;
}

/** A drift reference as stored: where it came from and what each feature holds. */
export interface ReferenceUpload {
  model: string;
  version: string;
  source: 'file' | 'window';
  description: string;
  rows: number;
  created_at: string;
  created_by: string | null;
  features: { feature: string; kind: 'numeric' | 'categorical'; used: number; missing: number; infinite: number }[];
  /** Features of the model the file lacks (stored as missing). */
  missing_features: string[];
  /** Columns of the file that are not features (ignored). */
  ignored_columns: string[];
}
