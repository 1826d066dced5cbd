import { VigilError, type MetricQuery, type ScalarValues } from '@vigil/core';
import type { ServiceContext } from '../context.ts';
import { getDrift } from './get-drift.ts';

/**
 * Rows of the drift.* catalogue metrics, from the streaming path of each model's drift against
 * its newest reference: drift.score one row per feature and step, drift.share the share of the
 * decided features that drifted (pooled over models unless grouped by model). Models without a
 * reference have no rows.
 */
export async function driftRows(ctx: ServiceContext, q: MetricQuery): Promise<ScalarValues[]> {
  if (q.versions !== null && q.versions.length > 1) {
    throw new VigilError('validation_failed', 'drift metrics take one version at a time', { details: [{ field: 'version', message: `${q.versions.length} given` }] });
  }
  const ids = q.models ?? (await ctx.stores.meta.listModels()).map((m) => m.id);
  const rows: ScalarValues[] = [];
  const byModel = q.groupBy.includes('model');
  const pooled = new Map<number, { drifted: number; decided: number }>();
  for (const id of ids) {
    if ((await ctx.stores.meta.listReferenceProfiles(id)).length === 0) continue;
    const d = await getDrift({ ctx, input: { modelId: id, from: q.from, to: q.to, version: q.versions?.[0] ?? null, reference: null, path: 'streaming', stepMs: q.stepMs, segments: q.segments } });
    const features = d.features.filter((f) => q.filters.feature === undefined || f.feature === q.filters.feature);
    if (q.metric.name === 'drift.score') {
      for (const f of features) for (const p of f.series) if (p.statistic !== null) rows.push({ group: groupOf(q, id, f.feature), bucket: p.t, value: p.statistic });
      continue;
    }
    const counts = byModel ? new Map<number, { drifted: number; decided: number }>() : pooled;
    for (const f of features) {
      for (const p of f.series) {
        if (p.drifted === null) continue;
        const acc = counts.get(p.t) ?? { drifted: 0, decided: 0 };
        acc.decided++;
        if (p.drifted) acc.drifted++;
        counts.set(p.t, acc);
      }
    }
    if (byModel) for (const [t, a] of counts) rows.push({ group: { model: id }, bucket: t, value: a.drifted / a.decided });
  }
  if (q.metric.name === 'drift.share' && !byModel) for (const [t, a] of pooled) rows.push({ group: {}, bucket: t, value: a.drifted / a.decided });
  return rows;
}

function groupOf(q: MetricQuery, model: string, feature: string): Record<string, string> {
  const g: Record<string, string> = {};
  if (q.groupBy.includes('model')) g.model = model;
  if (q.groupBy.includes('feature')) g.feature = feature;
  return g;
}
