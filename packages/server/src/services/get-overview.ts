import { sketchQuantile } from '@vigil/core';
import type { Actor, ServiceContext } from '../context.ts';
import { auditReadAlongside } from './authorize.ts';
import { listModels } from './get-model.ts';
import { currentDeployment } from './manage-deployments.ts';

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
}

/** One row per model over [from, to): traffic, latency, label coverage, what serves production. */
export async function getOverview({ ctx, actor, input }: { ctx: ServiceContext; actor: Actor; input: { from: number; to: number } }): Promise<ModelOverview[]> {
  const rowsP = ctx.stores.events.overview(input.from, input.to);
  const models = await listModels({ ctx, actor, input: {} });
  const audited = auditReadAlongside(ctx, actor, 'overview', models.map((m) => m.id));
  const rows = await rowsP;
  const byModel = new Map(rows.map((r) => [r.model, r]));
  const seconds = (input.to - input.from) / 1000;
  const out = await Promise.all(
    models.map(async (m) => {
      const r = byModel.get(m.id);
      const deployments = await ctx.stores.meta.listDeployments(m.id);
      const last = deployments[0];
      return {
        id: m.id,
        name: m.name,
        task: m.task,
        owner_team: m.owner_team,
        tags: m.tags,
        production_version: currentDeployment(deployments, 'production')?.version ?? null,
        last_deployment: last ? { version: last.version, environment: last.environment, outcome: last.outcome, started_at: last.started_at } : null,
        predictions: r?.count ?? 0,
        rate_per_s: (r?.count ?? 0) / seconds,
        latency_mean_ms: r && r.latency_count > 0 ? r.latency_sum / r.latency_count : null,
        latency_p99_ms: r ? sketchQuantile(r.latency_bins, 0.99) : null,
        label_coverage: r && r.count > 0 ? r.labelled / r.count : null,
        last_seen: r?.last_bucket ?? null,
      };
    }),
  );
  await audited();
  return out;
}
