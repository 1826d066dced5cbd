// Realized performance, its label-free estimate (CBPE), concept-drift detections and the worst
// segments of a drop. The types repeat the server's answers (the web app imports no @vigil/*).
import { api, withParams } from './client.ts';

export type Task = 'binary' | 'multiclass' | 'regression';
export type MetricStatus = 'ok' | 'undefined' | 'no_data';

export interface RealizedMetric {
  value: number | null;
  status: MetricStatus;
  reason?: string;
  /** The streaming ROC AUC's proven bounds. */
  lower?: number;
  upper?: number;
  path?: 'streaming' | 'exact';
}

export interface BaselineComparison {
  baseline: number;
  live: number;
  difference: number;
  pvalue: number | null;
  significant: boolean | null;
  /** Which test, or why there is none. */
  test: string;
}

export interface PerformanceReport {
  model: string;
  task: Task;
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  step_ms: number;
  predictions: number;
  labelled: number;
  label_coverage: number | null;
  label_delay_ms: number | null;
  positive: string | null;
  metrics: Record<string, RealizedMetric>;
  confusion_matrix: { labels: string[]; matrix: number[][] } | null;
  calibration_curve: unknown;
  baseline: { version: string; comparisons: Record<string, BaselineComparison> } | null;
  series: { t: number; predictions: number; labelled: number; label_coverage: number | null; metric: string; value: number | null }[];
}

/** The metrics CBPE estimates, by their API names. */
export type EstimatedMetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'roc_auc';

export interface EstimatedMetric {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  sampling_error?: number | null;
  alert: boolean;
  thresholds?: { lower: number | null; upper: number | null };
  /** From the labels that have arrived; null without any. */
  realized: number | null;
}

export interface EstimateReport {
  model: string;
  task: Task;
  status: 'ok' | 'no_reference' | 'no_data';
  reason?: string;
  hint?: string;
  window: { from: number; to: number; version: string | null; segments: Record<string, string> };
  step_ms: number;
  positive: string | null;
  classes: string[] | null;
  reference: { from: number; to: number; rows: number; sampled: boolean; calibrated: boolean } | null;
  predictions: number;
  estimated_from: number;
  sampled: boolean;
  metrics: Partial<Record<EstimatedMetricName, EstimatedMetric>>;
  confusion_matrix: { labels: string[]; matrix: number[][] } | null;
  series: { t: number; predictions: number; estimated_from: number; labelled: number; metrics: Partial<Record<EstimatedMetricName, Omit<EstimatedMetric, 'sampling_error' | 'thresholds'>>> }[];
}

export interface ConceptDriftReport {
  model: string;
  method: 'ddm' | 'page_hinkley';
  status: 'ok' | 'no_data';
  rows: number;
  total: number;
  sampled: boolean;
  detections: { t: number; index: number; kind: 'warning' | 'drift' }[];
  reason?: string;
}

export interface SegmentContribution {
  value: string;
  /** `{ n: 0, value: null }` for a side the segment is absent from. */
  baseline: { n: number; value: number | null } | null;
  current: { n: number; value: number | null } | null;
  within: number;
  mix: number;
  total: number;
  share: number | null;
}

export interface PerformanceSegmentsReport {
  model: string;
  metric: string;
  status?: 'ok' | 'no_data';
  reason?: string;
  current: { from: number; to: number; value: number | null; n: number };
  baseline: { from: number; to: number; value: number | null; n: number };
  change: number | null;
  by: { segment: string; segments: SegmentContribution[] }[];
}

export interface PerformanceQuery {
  /** Epoch ms, RFC 3339 or relative (`now-24h`), as the URL carries the range. */
  from: string | number;
  to: string | number;
  version?: string | null;
}

const params = (q: PerformanceQuery) => ({ from: q.from, to: q.to, ...(q.version ? { version: q.version } : {}) });

export function getPerformance(id: string, q: PerformanceQuery, signal?: AbortSignal): Promise<PerformanceReport> {
  return api<PerformanceReport>('GET', withParams(`/api/v1/models/${encodeURIComponent(id)}/performance`, params(q)), undefined, signal ? { signal } : {});
}

export function getEstimate(id: string, q: PerformanceQuery, signal?: AbortSignal): Promise<EstimateReport> {
  return api<EstimateReport>('GET', withParams(`/api/v1/models/${encodeURIComponent(id)}/performance/estimate`, params(q)), undefined, signal ? { signal } : {});
}

export function getConceptDrift(id: string, q: PerformanceQuery, signal?: AbortSignal): Promise<ConceptDriftReport> {
  return api<ConceptDriftReport>('GET', withParams(`/api/v1/models/${encodeURIComponent(id)}/performance/concept-drift`, params(q)), undefined, signal ? { signal } : {});
}

export function getPerformanceSegments(id: string, q: PerformanceQuery & { metric?: string }, signal?: AbortSignal): Promise<PerformanceSegmentsReport> {
  return api<PerformanceSegmentsReport>('GET', withParams(`/api/v1/models/${encodeURIComponent(id)}/performance/segments`, { ...params(q), ...(q.metric ? { metric: q.metric } : {}) }), undefined, signal ? { signal } : {});
}
