/** The metric catalogue: every chart, rule and report line asks for one of these by name. */
export type MetricSource = 'inference' | 'latency' | 'feature_age' | 'score' | 'feature' | 'quality' | 'samples' | 'logs' | 'drift' | 'staleness' | 'performance';

export interface MetricDef {
  name: string;
  description: string;
  unit: string;
  source: MetricSource;
  /** Query parameters that narrow it. */
  filters: string[];
  /** Keys it can be grouped by. */
  group_by: string[];
  /** Finest resolution of the rollup it reads, in ms. */
  resolution_ms: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;
const modelFilters = ['model', 'version', 'segment.<name>'];
const modelGroups = ['model', 'version', 'segment.<name>'];

export const CATALOG: readonly MetricDef[] = [
  { name: 'predictions.count', description: 'Predictions received per step, by prediction time.', unit: 'predictions', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'predictions.rate', description: 'Predictions per second, averaged over the step.', unit: 'predictions/s', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'latency.p50', description: 'Median inference latency (DDSketch, 1% relative error).', unit: 'ms', source: 'latency', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'latency.p90', description: '90th percentile inference latency (DDSketch, 1% relative error).', unit: 'ms', source: 'latency', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'latency.p99', description: '99th percentile inference latency (DDSketch, 1% relative error).', unit: 'ms', source: 'latency', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'latency.mean', description: 'Mean inference latency.', unit: 'ms', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'feature_age.p50', description: 'Median feature age: the prediction\'s ts less its feature_ts (how old its features were when the model used them), over the predictions that send feature_ts (DDSketch, 1% relative error). Features stamped after their prediction count as age 0.', unit: 'ms', source: 'feature_age', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'feature_age.p99', description: '99th percentile feature age: the prediction\'s ts less its feature_ts, over the predictions that send feature_ts (DDSketch, 1% relative error). Features stamped after their prediction count as age 0.', unit: 'ms', source: 'feature_age', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'batch_size.mean', description: 'Mean batch size of inference calls.', unit: 'rows', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'score.mean', description: 'Mean predicted probability (score).', unit: 'probability', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'score.distribution', description: 'Predictions per score bin (20 bins on [0, 1]); one series per bin, labelled le.', unit: 'predictions', source: 'score', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'score.low_confidence_share', description: 'Share of scored predictions with a score in [0.4, 0.6): a binary classifier unsure between its classes.', unit: 'ratio', source: 'score', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'predictions.stale_share', description: 'Share of a model\'s predictions served by a version other than its production version at the time (from the deployment history); null without a production deployment.', unit: 'ratio', source: 'staleness', filters: ['model'], group_by: ['model'], resolution_ms: MIN },
  { name: 'labels.count', description: 'Predictions in the step (by prediction time) that have received a label so far.', unit: 'labels', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'labels.coverage', description: 'Share of the step\'s predictions that have a label so far.', unit: 'ratio', source: 'inference', filters: modelFilters, group_by: modelGroups, resolution_ms: MIN },
  { name: 'performance.accuracy', description: 'Accuracy of classifiers over the labelled predictions of each step, by prediction time (late labels count in their prediction\'s hour); docs/performance.md.', unit: 'ratio', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'performance.error_rate', description: 'Error rate (1 − accuracy) of classifiers over the labelled predictions of each step, by prediction time.', unit: 'ratio', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'performance.fpr', description: 'False positive rate FP / (FP + TN) of binary models over the labelled predictions of each step, by prediction time; the positive class as GET /performance decides it; null without actual negatives.', unit: 'ratio', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'performance.fnr', description: 'False negative rate FN / (FN + TP) of binary models over the labelled predictions of each step, by prediction time; the positive class as GET /performance decides it; null without actual positives.', unit: 'ratio', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'performance.mae', description: 'Mean absolute error of regression models over the labelled predictions of each step, by prediction time.', unit: 'label unit', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'performance.rmse', description: 'Root mean squared error of regression models over the labelled predictions of each step, by prediction time.', unit: 'label unit', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'labels.delay_mean', description: 'Mean time from a prediction to its (latest) label, for the predictions of each step that have one.', unit: 's', source: 'performance', filters: modelFilters, group_by: modelGroups, resolution_ms: HOUR },
  { name: 'feature.null_rate', description: 'Share of accepted predictions with the feature null or absent; one series per feature.', unit: 'ratio', source: 'feature', filters: [...modelFilters, 'feature'], group_by: [...modelGroups, 'feature'], resolution_ms: HOUR },
  { name: 'feature.mean', description: 'Mean of a numeric feature; one series per feature.', unit: 'feature unit', source: 'feature', filters: [...modelFilters, 'feature'], group_by: [...modelGroups, 'feature'], resolution_ms: HOUR },
  { name: 'quality.violations', description: 'Schema violations found in received records (each one refused the record it was in), per feature and kind (unknown_feature, missing_feature, wrong_type, out_of_range, unseen_category, nan_or_infinity).', unit: 'violations', source: 'quality', filters: ['model', 'feature', 'kind'], group_by: ['model', 'feature', 'kind'], resolution_ms: MIN },
  { name: 'quality.refused', description: 'Predictions refused at ingest for a registered model (one per record, whatever its number of violations), by prediction time.', unit: 'records', source: 'quality', filters: ['model'], group_by: ['model'], resolution_ms: MIN },
  { name: 'quality.duplicates', description: 'Predictions received again with the id of one already stored or earlier in the same request (not stored twice), by arrival time.', unit: 'records', source: 'quality', filters: ['model'], group_by: ['model'], resolution_ms: MIN },
  { name: 'quality.completeness', description: 'Share of accepted predictions with the feature present (1 − null rate); one series per feature; null when there were none.', unit: 'ratio', source: 'feature', filters: [...modelFilters, 'feature'], group_by: [...modelGroups, 'feature'], resolution_ms: HOUR },
  { name: 'drift.share', description: 'Share of the model\'s features whose drift verdict is "drifted" in each step, against the model\'s newest reference (streaming path; features it cannot decide in a step are left out). Not grouped by model: pooled over models.', unit: 'ratio', source: 'drift', filters: modelFilters, group_by: ['model'], resolution_ms: HOUR },
  { name: 'drift.score', description: 'Drift score of each feature in each step against the model\'s newest reference: its method\'s statistic (a distance, or a p-value for the tests; docs/drift.md); one series per feature.', unit: 'score', source: 'drift', filters: [...modelFilters, 'feature'], group_by: ['model', 'feature'], resolution_ms: HOUR },
  { name: 'logs.count', description: 'Log events received; filter by level (e.g. level=error) for error counts.', unit: 'events', source: 'logs', filters: ['model', 'level', 'error_class'], group_by: ['model', 'level', 'error_class'], resolution_ms: 1000 },
  { name: 'errors.rate', description: 'Failed predictions per step: error-level log events that name the model ÷ (predictions + those events); a failed inference call is sent as a log event with level=error (docs/ingestion.md); null when the step has neither.', unit: 'ratio', source: 'logs', filters: ['model'], group_by: ['model'], resolution_ms: MIN },
  { name: 'samples', description: 'Custom metric samples (resources, business KPIs, Prometheus/OTLP); pick one with name=, aggregate with agg=avg|sum|min|max|last|count.', unit: 'as sent', source: 'samples', filters: ['name', 'label.<name>', 'agg'], group_by: ['label.<name>'], resolution_ms: 1000 },
];

export const CATALOG_BY_NAME: ReadonlyMap<string, MetricDef> = new Map(CATALOG.map((m) => [m.name, m]));
