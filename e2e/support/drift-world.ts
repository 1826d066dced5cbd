// Drift in a browser-test world: a card-fraud model with a reference uploaded as a CSV file (the
// demo's generator, no incident), then an hour of live traffic in which the demo's drift
// incident is on — card amounts grow and electronics / digital goods take over the merchant
// mix — so the drift tab has drifted and stable features, segments and a reference to show.
import { fraudDetector } from '../../packages/cli/src/demo/model-fraud.ts';
import { Rng } from '../../packages/cli/src/demo/prng.ts';
import type { Incidents } from '../../packages/cli/src/demo/schedule.ts';
import type { World } from './world.ts';

/** The model the drift tests read (a copy of the demo's fraud detector, so the demo's own stays as the other tests expect). */
export const DRIFT_MODEL = { id: 'fraud-shadow', name: 'Card fraud detector (shadow)' };
/** Features the incident moves, and features it leaves alone. */
export const DRIFTED_FEATURES = ['amount', 'merchant_category'];
export const STABLE_FEATURES = ['device_type', 'account_age_days'];
export const SEGMENTS = { region: ['apac', 'eu', 'latam', 'na'], channel: ['mobile_app', 'pos', 'web'] };

const MINUTE = 60_000;
const DAY = 86_400_000;
const QUIET: Incidents = { drift: null, latency: null, badDeploy: null };

const csvCell = (v: unknown): string => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/**
 * Registers the model (`id`, unless it exists) with the fraud detector's schema and versions,
 * uploads a reference of `referenceRows` rows for `version`, then sends `liveRows` predictions
 * over the last `minutes` minutes, with the drift incident on for the last `driftMinutes` of
 * them (all of them by default). The reference is taken a day earlier at the same hours, so the
 * hour of day does not drift.
 */
export async function seedDrift(world: World, opts: { id?: string; name?: string; version?: string; referenceRows?: number; liveRows?: number; minutes?: number; driftMinutes?: number; now?: number } = {}): Promise<void> {
  const { id = DRIFT_MODEL.id, name = DRIFT_MODEL.name, version = fraudDetector.stableVersion, referenceRows = 2000, liveRows = 600, minutes = 50, now = Date.now() } = opts;
  const driftMinutes = opts.driftMinutes ?? minutes;
  const call = async (method: string, url: string, body?: unknown, extra: { raw?: string; contentType?: string } = {}) => {
    const r = await world.server.call(method, url, body, extra);
    if (r.status >= 300 && r.status !== 409) throw new Error(`${method} ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  if (id !== fraudDetector.spec.id) await call('POST', '/api/v1/models', { ...fraudDetector.spec, id, name, tags: ['e2e', 'drift'] });
  for (const v of fraudDetector.versions) await call('POST', `/api/v1/models/${id}/versions`, v);

  const names = fraudDetector.spec.schema.features.map((f) => f.name);
  const rng = Rng.for('e2e-drift', id);
  const start = now - minutes * MINUTE;
  const step = (minutes * MINUTE) / Math.max(1, referenceRows);
  const lines = [names.join(',')];
  for (let i = 0; i < referenceRows; i++) {
    const s = fraudDetector.sample(rng, start - DAY + i * step, QUIET);
    lines.push(names.map((n) => csvCell(s.features[n])).join(','));
  }
  await call('POST', `/api/v1/models/${id}/versions/${encodeURIComponent(version)}/reference?name=train.csv`, undefined, { raw: `${lines.join('\n')}\n`, contentType: 'text/csv' });

  const since = now - driftMinutes * MINUTE;
  const drift: Incidents = { ...QUIET, drift: { kind: 'drift', model: fraudDetector.spec.id, features: DRIFTED_FEATURES, since, until: now } };
  const live = Array.from({ length: liveRows }, (_, i) => {
    const t = start + ((i + 0.5) * minutes * MINUTE) / liveRows;
    const s = fraudDetector.sample(rng, t, t >= since ? drift : QUIET);
    return { id: `drift-${id}-${i}`, model: id, version, ts: new Date(t).toISOString(), features: s.features, segment: s.segment, prediction: s.prediction, score: s.score, latency_ms: s.latencyMs };
  });
  for (let i = 0; i < live.length; i += 500) await call('POST', '/api/v1/predictions', live.slice(i, i + 500));
  await world.server.server.ctx.stores.events.rollupStep();
}
