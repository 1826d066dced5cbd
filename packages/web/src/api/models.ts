import { api, withParams, type Params } from './client.ts';

export interface Feature {
  name: string;
  type: 'numeric' | 'categorical' | 'boolean' | 'text';
}
export interface Model {
  id: string;
  name: string;
  task: 'binary' | 'multiclass' | 'regression';
  owner_team: string | null;
  tags: string[];
  description: string | null;
  schema: { features: Feature[]; segments: string[] };
  schema_version: number;
  created_at: string;
}
export interface ModelVersion {
  model_id: string;
  version: string;
  created_at: string;
  validation_metrics: Record<string, number>;
  /** Where the version came from, e.g. an MLflow run. */
  source: string | null;
}
export interface Deployment {
  id: string;
  model_id: string;
  version: string;
  environment: string;
  started_at: string;
  ended_at: string | null;
  outcome: string;
  notes: string | null;
}
export type HealthStatus = 'healthy' | 'warning' | 'problem' | 'no_data';
export interface Health {
  status: HealthStatus;
  /** Each signal that made the status, in words. */
  reasons: string[];
}
export interface ModelOverview {
  id: string;
  name: string;
  task: string;
  owner_team: string | null;
  tags: string[];
  production_version: string | null;
  last_deployment: { version: string; environment: string; outcome: string; started_at: string } | null;
  predictions: number;
  rate_per_s: number;
  latency_mean_ms: number | null;
  latency_p99_ms: number | null;
  label_coverage: number | null;
  last_seen: number | null;
  /** Present once the server computes health (see docs/web.md). */
  health?: Health;
}
export interface PipelineRun {
  pipeline: string;
  run_id: string;
  stage: string;
  status: string;
  /** Epoch ms, as the event stores send them. */
  started_at: number;
  ended_at: number | null;
  model: string | null;
  rows_in: number | null;
  rows_out: number | null;
}
export interface TrainingRun {
  run_id: string;
  model: string;
  version: string | null;
  status: string;
  /** Epoch ms. */
  started_at: number;
  ended_at: number | null;
  params: Record<string, unknown>;
  metrics: Record<string, [number, number][]>;
}

export const listModels = (params: Params = {}) => api<{ items: Model[] }>('GET', withParams('/api/v1/models', params)).then((r) => r.items);
export const getModel = (id: string) => api<Model>('GET', `/api/v1/models/${encodeURIComponent(id)}`);
export const listVersions = (id: string) => api<{ items: ModelVersion[] }>('GET', `/api/v1/models/${encodeURIComponent(id)}/versions`).then((r) => r.items);
export const listDeployments = (id: string) => api<{ items: Deployment[] }>('GET', `/api/v1/models/${encodeURIComponent(id)}/deployments`).then((r) => r.items);

/** A retraining trigger an alert rule sent for the model, with its delivery to the pipeline (docs/notifications.md). */
export interface RetrainingTrigger {
  trigger_id: string;
  model: string;
  version: string | null;
  rule_id: string;
  reason: string;
  /** `rule_name`, `metric`, `condition`, `value`, `threshold`, `op`, `labels`, `window`. */
  evidence: Record<string, unknown>;
  triggered_at: string;
  delivery: { status: string; attempts: number; sent_at: string | null; last_error: string | null };
}
/** The model's retraining triggers, newest first. */
export const listRetrainingTriggers = (id: string, signal?: AbortSignal) =>
  api<{ items: RetrainingTrigger[] }>('GET', `/api/v1/models/${encodeURIComponent(id)}/retraining-triggers`, undefined, signal ? { signal } : {}).then((r) => r.items);
export const overview = (from: string, to: string) => api<{ from: number; to: number; models: ModelOverview[] }>('GET', withParams('/api/v1/overview', { from, to }));

const list = <T,>(kind: string) => (params: Params) => api<{ items: T[] }>('GET', withParams(`/api/v1/${kind}`, params)).then((r) => r.items);
export const listPipelineRuns = list<PipelineRun>('pipeline-runs');
export const listTrainingRuns = list<TrainingRun>('training-runs');
