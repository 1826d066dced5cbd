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
 * Per bucket, predictions served by another version than production's at the bucket's start, and
 * all predictions; `stale` is null where there is no production version. Buckets should be finer
 * than deployments change (the query reads minutes, then adds them up to its step).
 */
export function staleCounts(
  deployments: readonly Deployment[],
  rows: readonly { bucket: number; version: string; count: number }[],
): Map<number, { stale: number | null; total: number }> {
  const out = new Map<number, { stale: number | null; total: number }>();
  for (const r of rows) {
    const prod = productionVersionAt(deployments, r.bucket);
    const acc = out.get(r.bucket) ?? { stale: prod === null ? null : 0, total: 0 };
    acc.total += r.count;
    if (acc.stale !== null && r.version !== prod) acc.stale += r.count;
    out.set(r.bucket, acc);
  }
  return out;
}

/** Per bucket, the stale share (staleCounts); null where the bucket has no traffic or no production version. */
export function staleShares(
  deployments: readonly Deployment[],
  rows: readonly { bucket: number; version: string; count: number }[],
): Map<number, number | null> {
  const out = new Map<number, number | null>();
  for (const [b, a] of staleCounts(deployments, rows)) out.set(b, a.total > 0 && a.stale !== null ? a.stale / a.total : null);
  return out;
}
