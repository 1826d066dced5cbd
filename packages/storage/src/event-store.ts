import type {
  BinValues,
  FeatureValues,
  GroupedRow,
  InferenceValues,
  Model,
  NormalizedLabel,
  NormalizedLog,
  NormalizedMetricSample,
  NormalizedPipelineRun,
  NormalizedPrediction,
  NormalizedTrainingRun,
  QualityCount,
  SampleAgg,
  ScalarValues,
} from '@vigil/core';

/**
 * The exact request body the records of a batch came from, when every record in it was
 * valid and unique. Backends that bulk-load JSON (DuckDB read_json, ClickHouse
 * JSONEachRow) may load it instead of re-serialising the records. Fields are in the wire
 * form: `ts` / `feature_ts` are RFC 3339 strings or epoch ms; class labels, categories and
 * segment values may be strings, booleans or integers (stored as their JavaScript text).
 */
export interface RawBody {
  /** UTF-8 bytes of the (decompressed) body. */
  bytes: Uint8Array;
  format: 'json' | 'ndjson';
}

/**
 * Predictions of one model, checked against `model` (the schema version that validated them,
 * which decides where each value is stored), with the quality counts found in the same request:
 * both are committed together.
 */
export interface PredictionBatch {
  model: Model;
  records: NormalizedPrediction[];
  raw?: RawBody;
  quality?: QualityCount[];
}

export interface AppendResult {
  /** Records newly stored. */
  inserted: number;
  /** Records already stored earlier (same identity) and ignored. */
  duplicates: number;
}

/** Filters and grouping shared by rollup queries. Time range is [from, to), epoch ms. */
export interface RollupQuery {
  from: number;
  to: number;
  stepMs: number;
  models: string[] | null;
  versions: string[] | null;
  segments: Record<string, string>;
  /** 'model' | 'version' | 'segment.<name>' | (feature / quality queries) 'feature' | 'kind' */
  groupBy: string[];
  filters: Record<string, string>;
}

/**
 * Rollup rows are the shapes the core builds series from (group keys in the query's order, the
 * bucket start aligned to the step): one definition, in the core.
 */
export type InferenceRow = InferenceValues;
export type BinRow = BinValues;

export interface FeatureRow extends FeatureValues {
  min: number | null;
  max: number | null;
}

export interface CountRow extends GroupedRow {
  count: number;
}

export interface SampleQuery {
  name: string;
  from: number;
  to: number;
  stepMs: number;
  /** label name → required value */
  labels: Record<string, string>;
  /** label names to group by */
  groupBy: string[];
  agg: SampleAgg;
}

export type ValueRow = ScalarValues;

export interface OverviewRow {
  model: string;
  count: number;
  latency_count: number;
  latency_sum: number;
  labelled: number;
  last_bucket: number | null;
  /** Latency sketch over the range: bin → count */
  latency_bins: Map<number, number>;
}

export interface RollupProgress {
  /** Highest ingest batch folded into the rollups. */
  watermark: number;
  /** Highest ingest batch committed. */
  head: number;
  /** Rows folded in by this step. */
  rows: number;
}

/**
 * How the rollups count one numeric feature's live values for the streaming drift path: on a
 * reference profile's quantile edges (bins (-inf, e0), [e0, e1), …, [e_last, inf)), or by value.
 * Categorical and boolean features are always counted by value.
 */
export type HistogramSpec = { kind: 'edges'; edges: number[] } | { kind: 'values' };

/** A window of predictions: time range [from, to), versions (null: all), segment values. */
export interface WindowFilter {
  from: number;
  to: number;
  versions: string[] | null;
  segments: Record<string, string>;
}

/** One feature's raw values: numeric ones as doubles (NaN missing), the others as text (null missing). */
export type FeatureColumn = { kind: 'numeric'; values: Float64Array } | { kind: 'text'; values: (string | null)[] };

export interface ReferenceLoad {
  rows: number;
  /** Schema features found in the source (by name, ignoring case). */
  features: string[];
  /** Schema features the source lacks: stored as missing. */
  missing: string[];
  /** Source columns that are not features of the model: ignored. */
  ignored: string[];
}

/**
 * Numeric histogram rows: live values of one feature in one bin (finite values only). The
 * smallest value is known for the first bin and the largest for the last (null elsewhere: the
 * values lie within the bin's edges).
 */
export interface HistogramRow extends GroupedRow {
  feature: string;
  bin: number;
  count: number;
  min: number | null;
  max: number | null;
}
/** Value-count rows: categorical, boolean, and numeric features counted by value (text as stored). */
export interface ValueCountRow extends GroupedRow {
  feature: string;
  value: string;
  count: number;
}

export interface ListQuery {
  model?: string;
  from?: number;
  to?: number;
  limit: number;
}

/**
 * High-volume, append-only facts and their derived rollups. An append resolves only after
 * its records are durably committed: a crash afterwards loses none of them. Appends are
 * idempotent: predictions by (model, id), labels by (model, prediction_id, ts), samples by
 * (name, labels, ts), logs by id, runs by their run keys.
 */
export interface EventStore {
  init(): Promise<void>;
  /** Waits for in-flight appends, then closes. */
  close(): Promise<void>;

  /** Prepares storage for a model's current schema; called on create and on every schema change. */
  applyModel(model: Model): Promise<void>;

  /** Violation counts are primary facts (refused records are not stored), added up on read. */
  appendPredictions(batch: PredictionBatch): Promise<AppendResult>;
  appendLabels(labels: NormalizedLabel[]): Promise<AppendResult>;
  appendMetricSamples(samples: NormalizedMetricSample[]): Promise<AppendResult>;
  appendLogs(logs: NormalizedLog[]): Promise<AppendResult>;
  appendPipelineRuns(runs: NormalizedPipelineRun[]): Promise<AppendResult>;
  appendTrainingRuns(runs: NormalizedTrainingRun[]): Promise<AppendResult>;

  /** Folds committed batches above the watermark into the rollups. */
  rollupStep(): Promise<RollupProgress>;
  /** Drops every rollup and rebuilds them from raw events. */
  rebuildRollups(onProgress?: (done: number, total: number) => void): Promise<RollupProgress>;

  queryInference(q: RollupQuery): Promise<InferenceRow[]>;
  queryBins(kind: 'latency' | 'score', q: RollupQuery): Promise<BinRow[]>;
  /**
   * For each (group, bucket), the latency bin that holds quantile `quantile` (0–1) by the rank
   * rule of the core's sketchQuantile; `count` is 1. Same answer as sketchQuantile over queryBins.
   */
  queryLatencyQuantile(quantile: number, q: RollupQuery): Promise<BinRow[]>;
  queryFeatures(q: RollupQuery): Promise<FeatureRow[]>;
  queryQuality(q: RollupQuery): Promise<CountRow[]>;
  queryLogs(q: RollupQuery): Promise<CountRow[]>;
  querySamples(q: SampleQuery): Promise<ValueRow[]>;
  overview(from: number, to: number): Promise<OverviewRow[]>;

  /** Numeric-feature histograms (after setHistogramSpecs) and value counts, hourly; groupBy as in RollupQuery. */
  queryHistograms(q: RollupQuery): Promise<HistogramRow[]>;
  queryValueCounts(q: RollupQuery): Promise<ValueCountRow[]>;
  /**
   * The model's histogram specs with its histogram and value-count rows, read in one snapshot:
   * a recount with new edges never pairs new edges with rows counted on old ones.
   */
  readDriftCounts(modelId: string, q: RollupQuery): Promise<{ specs: Record<string, HistogramSpec>; histograms: HistogramRow[]; values: ValueCountRow[] }>;
  /**
   * Sets how the model's numeric features are counted (features not named are no longer
   * counted) and recounts every stored prediction that way; later folds follow it.
   */
  setHistogramSpecs(model: Model, specs: Record<string, HistogramSpec>): Promise<void>;
  getHistogramSpecs(modelId: string): Promise<Record<string, HistogramSpec>>;

  /**
   * Stores reference rows for (model, version) from a CSV or Parquet file, replacing earlier
   * ones: columns are matched to the model's features by name; a value that does not convert
   * to its feature's type is a VigilError validation_failed naming the column, and nothing is kept.
   * A file without data rows is refused the same way: the version's earlier rows stay.
   */
  loadReferenceFile(model: Model, version: string, file: string, format: 'csv' | 'parquet'): Promise<ReferenceLoad>;
  /**
   * Stores the predictions of a window as reference rows for (model, version), replacing earlier
   * ones; a window without predictions is a validation_failed and the earlier rows stay.
   */
  loadReferenceWindow(model: Model, version: string, window: WindowFilter): Promise<ReferenceLoad>;
  deleteReference(modelId: string, version: string): Promise<void>;
  /** A stored reference's values of one feature (rows in storage order). */
  referenceValues(model: Model, version: string, feature: string, limit?: number): Promise<FeatureColumn>;
  /**
   * Several features' values over a window, row-aligned, with each row's time; at most `limit`
   * rows (a uniform sample beyond), in time order.
   */
  windowRows(model: Model, features: string[], window: WindowFilter, limit: number): Promise<{ total: number; ts: Float64Array; columns: FeatureColumn[] }>;
  /** One feature's values over a window of predictions, at most `limit` rows (a uniform sample beyond). */
  windowValues(model: Model, feature: string, window: WindowFilter, limit?: number): Promise<FeatureColumn & { total: number }>;

  listPredictions(q: ListQuery): Promise<NormalizedPrediction[]>;
  listLabels(q: ListQuery): Promise<NormalizedLabel[]>;
  listPipelineRuns(q: ListQuery & { pipeline?: string }): Promise<NormalizedPipelineRun[]>;
  listTrainingRuns(q: ListQuery): Promise<NormalizedTrainingRun[]>;
  listLogs(q: ListQuery & { level?: string }): Promise<NormalizedLog[]>;
}
