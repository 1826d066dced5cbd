/**
 * The record shapes the demo sends, as on the wire. Declared here (not imported from the SDK) so
 * the pure generators and their tests stand alone; they are structurally what `@vigil/sdk` takes.
 */

export type FeatureValue = number | string | boolean | null;

export interface Prediction {
  id: string;
  model: string;
  version: string;
  ts: string;
  features: Record<string, FeatureValue>;
  prediction: string | number | boolean;
  score?: number;
  scores?: Record<string, number>;
  latency_ms?: number;
  batch_size?: number;
  segment?: Record<string, string>;
  feature_ts?: string;
}

export interface Label {
  prediction_id: string;
  model: string;
  label: string | number | boolean;
  ts: string;
}

export interface MetricSample {
  name: string;
  labels?: Record<string, string>;
  ts: string;
  value: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogEvent {
  id?: string;
  ts: string;
  model?: string;
  level: LogLevel;
  message: string;
  error_class?: string;
  attributes?: Record<string, unknown>;
}

export interface PipelineRun {
  pipeline: string;
  run_id: string;
  stage: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  started_at: string;
  ended_at?: string;
  model?: string;
  rows_in?: number;
  rows_out?: number;
  bytes?: number;
  quality?: Record<string, unknown>;
  schema_checks?: Record<string, unknown>;
}

export interface TrainingRun {
  run_id: string;
  model: string;
  version?: string;
  status: 'running' | 'succeeded' | 'failed';
  started_at: string;
  ended_at?: string;
  params?: Record<string, unknown>;
  metrics?: Record<string, [number, number][]>;
  dataset_sizes?: Record<string, number>;
}

// model bodies are the SDK's own types: the demo registers through the SDK
export type { FeatureSpec, ModelSpec } from '@vigil/sdk';

export interface VersionSpec {
  version: string;
  source?: string;
  description?: string;
  validation_metrics?: Record<string, number>;
}

export type DeploymentOutcome = 'in_progress' | 'succeeded' | 'failed' | 'rolled_back';

/** The demo plans deployments with fixed RFC 3339 times (the SDK also takes Date objects). */
export interface DeploymentSpec {
  version: string;
  environment: string;
  started_at: string;
  ended_at?: string | null;
  outcome: DeploymentOutcome;
  notes?: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
