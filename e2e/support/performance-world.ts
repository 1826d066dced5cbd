// Performance in a browser-test world: a copy of the demo's card-fraud detector in production,
// with a labelled day before the range (what the label-free estimate is calibrated on), then a
// day of traffic whose labels arrive late. Eight hours before the end a fraud pattern the model
// cannot see starts on the web channel: realized accuracy falls while the estimate (which only
// sees the scores) does not, concept drift is detected, and the web channel explains the drop.
// The last two hours have no labels yet: only the estimate covers them.
import { fraudDetector } from '../../packages/cli/src/demo/model-fraud.ts';
import { Rng } from '../../packages/cli/src/demo/prng.ts';
import type { Incidents } from '../../packages/cli/src/demo/schedule.ts';
import type { World } from './world.ts';

export const PERF_MODEL = { id: 'fraud-perf', name: 'Card fraud detector (performance)' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const QUIET: Incidents = { drift: null, latency: null, badDeploy: null };

/** Sends the reference day and the live day (`perHour` predictions an hour) with their labels. */
export async function seedPerformance(world: World, { perHour = 120, shiftHours = 8, unlabelledHours = 2, now = Date.now() } = {}): Promise<void> {
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await world.server.call(method, url, body);
    if (r.status >= 300 && r.status !== 409) throw new Error(`${method} ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const id = PERF_MODEL.id;
  const version = fraudDetector.stableVersion;
  await call('POST', '/api/v1/models', { ...fraudDetector.spec, id, name: PERF_MODEL.name, tags: ['e2e', 'performance'] });
  for (const v of fraudDetector.versions) await call('POST', `/api/v1/models/${id}/versions`, v);
  await call('POST', `/api/v1/models/${id}/deployments`, { version, environment: 'production', started_at: new Date(now - 3 * DAY).toISOString(), outcome: 'succeeded' });

  const rng = Rng.for('e2e-performance', id);
  const start = now - 2 * DAY;
  const shift = now - shiftHours * HOUR;
  const unlabelledFrom = now - unlabelledHours * HOUR;
  const predictions: unknown[] = [];
  const labels: unknown[] = [];
  const total = 48 * perHour;
  for (let i = 0; i < total; i++) {
    const t = start + ((i + 0.5) * 2 * DAY) / total;
    const s = fraudDetector.sample(rng, t, QUIET);
    const pid = `perf-${i}`;
    predictions.push({
      id: pid, model: id, version, ts: new Date(t).toISOString(), features: s.features, segment: s.segment, prediction: s.prediction, score: s.score,
      latency_ms: s.latencyMs, feature_ts: new Date(t - (s.featureLagMs ?? 0)).toISOString(),
    });
    // the new pattern: a quarter of web transactions turn out to be fraud, whatever the score says
    const label = t >= shift && s.segment.channel === 'web' && rng.chance(0.25) ? 1 : s.label;
    const labelTs = t + s.labelDelayMs;
    if (t < unlabelledFrom && labelTs < now) labels.push({ model: id, prediction_id: pid, ts: new Date(labelTs).toISOString(), label });
  }
  for (let i = 0; i < predictions.length; i += 1000) await call('POST', '/api/v1/predictions', predictions.slice(i, i + 1000));
  await world.server.server.ctx.stores.events.rollupStep();
  for (let i = 0; i < labels.length; i += 1000) await call('POST', '/api/v1/labels', labels.slice(i, i + 1000));
  await world.server.server.ctx.stores.events.rollupStep();
}
