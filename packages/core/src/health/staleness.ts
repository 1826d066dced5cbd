// Prediction staleness: the share of a model's traffic served by a version that is not its
// current production version (pods never restarted, a rollback half done, a client pinned to an
// old endpoint). Pure: the deployments and the per-version counts come in.
import type { Deployment } from '../schemas/model.ts';

export const PRODUCTION = 'production';

/**
 * The version serving production at `t`: the latest production deployment started at or before
 * `t` and not ended by then (a rolled-back or failed one does not count). Null when none.
 */
export function productionVersionAt(deployments: readonly Deployment[], t: number): string | null {
  let best: { version: string; started: number } | null = null;
  for (const d of deployments) {
    if (d.environment !== PRODUCTION || d.outcome === 'failed' || d.outcome === 'rolled_back') continue;
    const started = Date.parse(d.started_at);
    const ended = d.ended_at === null ? Infinity : Date.parse(d.ended_at);
    if (!(started <= t && t < ended)) continue;
    if (!best || started > best.started) best = { version: d.version, started };
  }
  return best?.version ?? null;
}

/**
 * Per bucket, the share of predictions served by another version than production's at the
 * bucket's start; null where the bucket has no traffic or no production version.
 */
export function staleShares(
  deployments: readonly Deployment[],
  rows: readonly { bucket: number; version: string; count: number }[],
): Map<number, number | null> {
  const byBucket = new Map<number, { total: number; stale: number }>();
  for (const r of rows) {
    const prod = productionVersionAt(deployments, r.bucket);
    const acc = byBucket.get(r.bucket) ?? { total: 0, stale: prod === null ? NaN : 0 };
    acc.total += r.count;
    if (prod !== null && r.version !== prod) acc.stale += r.count;
    byBucket.set(r.bucket, acc);
  }
  const out = new Map<number, number | null>();
  for (const [b, a] of byBucket) out.set(b, a.total > 0 && Number.isFinite(a.stale) ? a.stale / a.total : null);
  return out;
}
