import type {
  BinValues,
  FeatureValues,
  GroupedRow,
  InferenceValues,
  LogLossState,
  Model,
  NormalizedLabel,
  NormalizedLog,
  NormalizedMetricSample,
  NormalizedPipelineRun,
  NormalizedPrediction,
  NormalizedTrainingRun,
  QualityCount,
  RegressionState,
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
/**
 * DDSketch bins (the core's binSql, values in ms) per minute and hour: `latency` of the
 * predictions with latency_ms; `feature_age` of those with feature_ts, the prediction's ts less
 * it (0 when the features are stamped after the prediction).
 */
export type SketchKind = 'latency' | 'feature_age';
/** The binned rollups: the sketches, and `score` (SCORE_BINS fixed bins of the score). */
export type BinKind = SketchKind | 'score';

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

/**
 * Realized performance, per group and bucket of the PREDICTION's time (hourly rollups; a bucket is
 * a whole number of hours), from each labelled prediction and its latest label (by label ts). The
 * rows hold the mergeable states of the core's metrics (docs/performance-metrics.md): summing the
 * rows of any set of buckets gives the state of the union, so a metric is exact over a window.
 * Binary models: the positive class is `schema.classes[1]` when exactly two classes are given,
 * else the label text '1' or 'true' (both count); labels and predictions are compared as stored
 * text. Merge rows with the core's merge functions; a regression state carries its own shift, so
 * use mergeRegression rather than adding its fields. See ADR 8.
 */
export interface PerformanceTotalsRow extends GroupedRow {
  /** Predictions that have a label. */
  labelled: number;
  /** Σ over them of (latest label's ts − prediction's ts), ms; the mean delay is delay_sum / labelled. */
  delay_sum: number;
  /**
   * Classifiers: rows with a probability (binary: `score`, else scores[positive]; multiclass:
   * `scores`, when the model declares its classes); `skipped`: such rows whose label is not one
   * of the declared classes.
   */
  log_loss: LogLossState;
  /** Regression models: rows whose label is a finite number; e = prediction − label. */
  regression: RegressionState;
  /** Regression models: labelled rows whose label is not a finite number (left out of `regression`). */
  regression_skipped: number;
}
/** Classifiers: labelled rows per (true label, predicted label), as stored text. */
export interface PerformanceConfusionRow extends GroupedRow {
  truth: string;
  predicted: string;
  count: number;
}
/**
 * Score histograms for the streaming ROC AUC (the core's ScoreHistogram, DEFAULT_AUC_SCORE_BINS
 * bins, bin = min(floor(score·bins), bins − 1)). Binary: one histogram, `class` the positive
 * class ('1' when the model has no classes); multiclass (classes given): one per class on
 * scores[class] (0 when absent), positive = the label is that class (one-vs-rest).
 */
export interface PerformanceScoreRow extends GroupedRow {
  class: string;
  bin: number;
  positives: number;
  negatives: number;
}
/**
 * Uniform calibration bins as the core's CalibrationState (sklearn's calibration_curve rule: a
 * score on an interior edge belongs to the bin below), same classes as the score rows; every
 * backend keeps `bins` = 5 (sklearn's default) and 10.
 */
export interface PerformanceCalibrationRow extends GroupedRow {
  class: string;
  bins: number;
  bin: number;
  count: number;
  score_sum: number;
  positives: number;
}
/** The four kinds of performance rows, read in one snapshot. */
export interface PerformanceRows {
  totals: PerformanceTotalsRow[];
  confusion: PerformanceConfusionRow[];
  scores: PerformanceScoreRow[];
  calibration: PerformanceCalibrationRow[];
}

/**
 * The labelled predictions of a window joined with their latest label (the exact path: exact ROC
 * AUC, average precision, quantile calibration, residual quantiles), row-aligned, in time order.
 */
export interface LabelledRows {
  /** Labelled predictions in the window; the arrays hold at most `limit` of them (a uniform sample beyond). */
  total: number;
  /** Prediction time, epoch ms. */
  ts: Float64Array;
  /** Classifiers: the predicted label as stored text; null for regression. */
  prediction: (string | null)[];
  /** The prediction as a number (regression), NaN when it is not one. */
  predictionNum: Float64Array;
  /** `score` (NaN when absent); binary models fall back to scores[positive class]. */
  score: Float64Array;
  /** The `scores` object as JSON text, null when absent. */
  scores: (string | null)[];
  /** The latest label (by label ts), as stored text. */
  label: string[];
  /** That label's ts, epoch ms. */
  labelTs: Float64Array;
}

/**
 * The scored predictions of a window, labelled or not (label-free performance estimation),
 * row-aligned, in time order. Scored: binary models, P(positive) as LabelledRows.score computes
 * it is not null; multiclass, `scores` is not null; regression, `score` is not null.
 */
/** The kinds of performance rows; a reader that needs some of them reads only those (the others come back empty). */
export type PerformancePart = 'totals' | 'confusion' | 'scores' | 'calibration';

export interface ScoredRows {
  /** Scored predictions in the window; the arrays hold at most `limit` of them (a uniform sample beyond). */
  total: number;
  /** Prediction time, epoch ms. */
  ts: Float64Array;
  /** Classifiers: the predicted label as stored text; null for regression. */
  prediction: (string | null)[];
  /** Binary models: P(positive) (`score`, else scores[positive class]); others: `score`, NaN when absent. */
  score: Float64Array;
  /** Multiclass models: the `scores` object as JSON text; null for the others. */
  scores: (string | null)[];
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
  queryBins(kind: BinKind, q: RollupQuery): Promise<BinRow[]>;
  /**
   * For each (group, bucket), the bin of the `kind` sketch (latency unless said) that holds
   * quantile `quantile` (0–1) by the rank rule of the core's sketchQuantile; `count` is 1. Same
   * answer as sketchQuantile over queryBins(kind).
   */
  queryLatencyQuantile(quantile: number, q: RollupQuery, kind?: SketchKind): Promise<BinRow[]>;
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

  /**
   * Realized-performance rollups (hourly, on the prediction's time): groupBy 'model' | 'version'
   * | 'segment.<name>'; `stepMs` must be a whole number of hours (else validation_failed); the
   * four kinds of rows come from one snapshot. Late labels and corrections change the hours of
   * their predictions only, and show after the next rollupStep.
   */
  queryPerformance(q: RollupQuery, parts?: readonly PerformancePart[]): Promise<PerformanceRows>;
  /**
   * The window's labelled predictions with their latest label, at most `limit` rows: beyond, a
   * uniform sample without replacement (the same predictions on every call; a smaller limit's
   * sample is part of a larger one's), in time order. Read in one snapshot from what the
   * performance rollups were folded from, so `total` is their labelled count and new labels show
   * after the next rollupStep, as in queryPerformance. Memory stays bounded at any window size.
   */
  labelledRows(model: Model, window: WindowFilter, limit: number): Promise<LabelledRows>;
  /**
   * The window's scored predictions, labelled or not, at most `limit` rows: beyond, a uniform
   * sample without replacement (the same predictions on every call while no stored row is
   * deleted; a smaller limit's sample is part of a larger one's), in time order.
   */
  scoredRows(model: Model, window: WindowFilter, limit: number): Promise<ScoredRows>;

  listPredictions(q: ListQuery): Promise<NormalizedPrediction[]>;
  listLabels(q: ListQuery): Promise<NormalizedLabel[]>;
  listPipelineRuns(q: ListQuery & { pipeline?: string }): Promise<NormalizedPipelineRun[]>;
  listTrainingRuns(q: ListQuery): Promise<NormalizedTrainingRun[]>;
  listLogs(q: ListQuery & { level?: string }): Promise<NormalizedLog[]>;
}
