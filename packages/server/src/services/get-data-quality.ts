import { bucketGrid, checksOfRun, failedChecks, summarizeQuality, VigilError, type DeclaredFeature, type FeatureQuality, type NormalizedPipelineRun, type RunCheck } from '@vigil/core';
import type { RollupQuery } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';

/** Pipeline runs listed at most, newest first. */
export const MAX_RUNS = 200;

export interface DataQualityInput {
  id: string;
  /** The resolved grid (see resolveQualityWindow): from on the step, to on the hour. */
  from: number;
  to: number;
  stepMs: number;
  version: string | null;
}

export interface PipelineRunQuality {
  pipeline: string;
  run_id: string;
  stage: string;
  status: string;
  started_at: number;
  ended_at: number | null;
  rows_in: number | null;
  rows_out: number | null;
  checks: RunCheck[];
  failed_checks: number;
}

export interface DataQualityAnswer {
  model: string;
  window: { from: number; to: number; version: string | null };
  step_ms: number;
  totals: { predictions: number; refused: number; duplicates: number; violations: number };
  features: FeatureQuality[];
  unknown_features: { feature: string; count: number }[];
  pipeline_runs: PipelineRunQuality[];
}

/**
 * A model's data quality over a window: per feature, completeness of accepted predictions and
 * violations by kind (refused records included), both over time; totals of predictions, refused
 * records, duplicates and violations; and the checks its pipeline runs reported. The version
 * narrows predictions and completeness; refused records, duplicates and violations are counted
 * per model (a refused record's version may be the very thing that was wrong).
 */
export async function getDataQuality({ ctx, input }: { ctx: ServiceContext; input: DataQualityInput }): Promise<DataQualityAnswer> {
  const entry = await ctx.registry.get(input.id);
  if (!entry) throw new VigilError('not_found', `model "${input.id}" does not exist`, { hint: 'list models with GET /api/v1/models' });
  const model = entry.model;
  const events = ctx.stores.events;
  const base: RollupQuery = { from: input.from, to: input.to, stepMs: input.stepMs, models: [model.id], versions: input.version === null ? null : [input.version], segments: {}, groupBy: [], filters: {} };
  const [inference, featureRows, qualityRows, runs, history] = await Promise.all([
    events.queryInference(base),
    events.queryFeatures(base),
    // quality counts carry no version
    events.queryQuality({ ...base, versions: null, groupBy: ['feature', 'kind'] }),
    events.listPipelineRuns({ model: model.id, from: input.from, to: input.to, limit: MAX_RUNS * 4 }),
    ctx.stores.meta.listSchemaVersions(model.id),
  ]);

  const current = new Set(model.schema.features.map((f) => f.name));
  const retired: DeclaredFeature[] = [];
  for (const v of [...history].sort((a, b) => b.schema_version - a.schema_version)) {
    for (const f of v.schema.features) if (!current.has(f.name) && !retired.some((r) => r.name === f.name)) retired.push({ name: f.name, type: f.type });
  }
  const summary = summarizeQuality({
    grid: bucketGrid(input.from, input.to, input.stepMs),
    features: model.schema.features.map((f) => ({ name: f.name, type: f.type })),
    retired,
    featureRows: featureRows.map((r) => ({ bucket: r.bucket, feature: r.feature, count: r.count, nulls: r.nulls })),
    qualityRows: qualityRows.map((r) => ({ bucket: r.bucket, feature: r.group.feature ?? '', kind: r.group.kind ?? '', count: r.count })),
  });

  return {
    model: model.id,
    window: { from: input.from, to: input.to, version: input.version },
    step_ms: input.stepMs,
    totals: { predictions: inference.reduce((n, r) => n + r.count, 0), ...summary.totals },
    features: summary.features,
    unknown_features: summary.unknown_features,
    pipeline_runs: latestRuns(runs),
  };
}

/**
 * A run's stage is stored once per status it reported (running, then succeeded): one event of each
 * (pipeline, run_id, stage) stands for it — a finished one over `running` (both may come in one
 * request, where the store cannot order them), else the newest. The store lists newest first.
 */
function latestRuns(runs: readonly NormalizedPipelineRun[]): PipelineRunQuality[] {
  const chosen = new Map<string, NormalizedPipelineRun>();
  for (const r of runs) {
    const key = JSON.stringify([r.pipeline, r.run_id, r.stage]);
    const had = chosen.get(key);
    if (had === undefined ? chosen.size < MAX_RUNS : had.status === 'running' && r.status !== 'running') chosen.set(key, r);
  }
  return [...chosen.values()].map((r) => {
    const checks = checksOfRun(r);
    return {
      pipeline: r.pipeline, run_id: r.run_id, stage: r.stage, status: r.status, started_at: r.started_at, ended_at: r.ended_at,
      rows_in: r.rows_in, rows_out: r.rows_out, checks, failed_checks: failedChecks(checks),
    };
  });
}
