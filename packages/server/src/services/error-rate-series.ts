import type { MetricQuery, ScalarValues } from '@vigil/core';
import type { RollupQuery } from '@vigil/storage';
import type { ServiceContext } from '../context.ts';

const groupKey = (g: Record<string, string>, bucket: number) => `${JSON.stringify(g)}\u0000${bucket}`;

/**
 * errors.rate: error-level log events ÷ (predictions + error-level log events) per step, a failed
 * inference call being reported as a log event with level=error and the model's id (it made no
 * prediction, so it is added to the denominator). Only logs that name a model count: with no
 * model given, the query covers every model. No value where a step has neither.
 */
export async function errorRateRows(ctx: ServiceContext, q: MetricQuery, rq: RollupQuery): Promise<ScalarValues[]> {
  const models = q.models ?? (await ctx.stores.meta.listModels()).map((m) => m.id);
  if (models.length === 0) return [];
  const scoped: RollupQuery = { ...rq, models, versions: null, segments: {}, filters: {} };
  const [errors, predictions] = await Promise.all([
    ctx.stores.events.queryLogs({ ...scoped, filters: { level: 'error' } }),
    ctx.stores.events.queryInference(scoped),
  ]);
  const sums = new Map<string, { group: Record<string, string>; bucket: number; errors: number; predictions: number }>();
  const at = (group: Record<string, string>, bucket: number) => {
    const k = groupKey(group, bucket);
    let e = sums.get(k);
    if (!e) sums.set(k, (e = { group, bucket, errors: 0, predictions: 0 }));
    return e;
  };
  for (const r of errors) at(r.group, r.bucket).errors += r.count;
  for (const r of predictions) at(r.group, r.bucket).predictions += r.count;
  const out: ScalarValues[] = [];
  for (const e of sums.values()) if (e.errors + e.predictions > 0) out.push({ group: e.group, bucket: e.bucket, value: e.errors / (e.errors + e.predictions) });
  return out;
}
