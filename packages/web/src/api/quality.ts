// Data quality of a model's inputs over a window: completeness and schema violations per feature,
// and the checks its data pipelines reported. The types repeat the server's answer.
import { api, withParams } from './client.ts';

export type FeatureType = 'numeric' | 'categorical' | 'boolean' | 'text';

export interface FeatureQuality {
  feature: string;
  type: FeatureType;
  count: number;
  nulls: number;
  /** Share of predictions with a value; null without predictions. */
  completeness: number | null;
  /** Violations by kind (`type`, `range`, `category`, …). */
  violations: Record<string, number>;
  series: { t: number; completeness: number | null; violations: number }[];
}

export interface PipelineCheck {
  name: string;
  status: 'passed' | 'failed' | 'warning';
  value: number | string | null;
  expected: string | null;
  message: string | null;
}

export interface QualityPipelineRun {
  pipeline: string;
  run_id: string;
  stage: string;
  status: string;
  started_at: number;
  ended_at: number | null;
  rows_in: number | null;
  rows_out: number | null;
  checks: PipelineCheck[];
  failed_checks: number;
}

export interface QualityReport {
  model: string;
  window: { from: number; to: number; version: string | null };
  step_ms: number;
  totals: { predictions: number; refused: number; duplicates: number; violations: number };
  features: FeatureQuality[];
  /** Names sent as features that no schema version declares. */
  unknown_features?: { feature: string; count: number }[];
  pipeline_runs: QualityPipelineRun[];
}

export interface QualityQuery {
  from: string;
  to: string;
  version?: string | null;
  step?: string | number;
}

export const getQuality = (id: string, q: QualityQuery, signal?: AbortSignal) =>
  api<QualityReport>('GET', withParams(`/api/v1/models/${encodeURIComponent(id)}/quality`, { from: q.from, to: q.to, version: q.version, step: q.step }), undefined, signal ? { signal } : {});
