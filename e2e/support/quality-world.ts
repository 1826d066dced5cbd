// Data-quality history for the screenshots: hours of realistic traffic for one demo model (its
// nullable features come and go with the channel), a few records the schema refuses, and a
// pipeline run whose checks failed.
import { fraudDetector } from '../../packages/cli/src/demo/model-fraud.ts';
import { Rng } from '../../packages/cli/src/demo/prng.ts';
import type { Incidents } from '../../packages/cli/src/demo/schedule.ts';
import type { World } from './world.ts';

const HOUR = 3_600_000;
const QUIET: Incidents = { drift: null, latency: null, badDeploy: null };

/** Fraud-detector traffic from `hours` hours ago up to one hour ago, refused records among it, and a validation run with failed checks. */
export async function seedQualityHistory(world: World, { hours = 12, perHour = 40, now = Date.now() } = {}): Promise<void> {
  const call = async (method: string, url: string, body: unknown) => {
    const r = await world.server.call(method, url, body);
    // 207: some records refused, which is the point of the bad ones
    if (r.status >= 300 && r.status !== 409) throw new Error(`${method} ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
  };
  const model = fraudDetector.spec.id;
  const rng = Rng.for('quality-history', model);
  type Record_ = { id: string; model: string; version: string; ts: string; features: Record<string, unknown>; segment: Record<string, string>; prediction: unknown; score?: number; latency_ms: number };
  const records: Record_[] = [];
  for (let h = hours; h >= 1; h--) {
    for (let i = 0; i < perHour; i++) {
      const t = now - h * HOUR - (i * HOUR) / perHour;
      const s = fraudDetector.sample(rng, t, QUIET);
      records.push({ id: `qh-${h}-${i}`, model, version: fraudDetector.stableVersion, ts: new Date(t).toISOString(), features: s.features, segment: s.segment, prediction: s.prediction, score: s.score, latency_ms: s.latencyMs });
    }
  }
  // what a broken upstream sends now and then: a negative amount, a merchant category no one declared, a string hour
  const bad = (n: number, h: number, features: Record<string, unknown>): Record_ => {
    const r = records[n] as Record_;
    return { ...r, id: `qh-bad-${n}`, ts: new Date(now - h * HOUR).toISOString(), features: { ...r.features, ...features } };
  };
  records.push(bad(3, 9, { amount: -12.5 }), bad(5, 7, { amount: -3 }), bad(8, 4, { merchant_category: 'crypto_atm' }), bad(9, 4, { merchant_category: 'crypto_atm' }), bad(11, 3, { merchant_category: 'crypto_atm' }), bad(13, 2, { hour_of_day: 'noon' }));
  for (let i = 0; i < records.length; i += 500) await call('POST', '/api/v1/predictions', records.slice(i, i + 500));
  await call('POST', '/api/v1/pipeline-runs', [
    {
      pipeline: 'card-features', run_id: 'r-102', stage: 'validate', status: 'succeeded', model,
      started_at: new Date(now - 3 * HOUR).toISOString(), ended_at: new Date(now - 3 * HOUR + 95_000).toISOString(), rows_in: 118_200, rows_out: 118_150,
      quality: {
        checks: [
          { name: 'amount_positive', status: 'failed', value: 50, expected: '0', message: '50 rows with amount <= 0' },
          { name: 'merchant_category_known', status: 'failed', value: 212, expected: '0', message: '212 rows with a category outside the schema (crypto_atm)' },
          { name: 'freshness_minutes', status: 'passed', value: 12, expected: '<= 60', message: null },
        ],
        row_count: 118_200,
        null_counts: { ip_risk_score: 17_600 },
      },
      schema_checks: { columns_match: true, types_match: true },
    },
    {
      pipeline: 'card-features', run_id: 'r-100', stage: 'validate', status: 'succeeded', model,
      started_at: new Date(now - 9 * HOUR).toISOString(), ended_at: new Date(now - 9 * HOUR + 80_000).toISOString(), rows_in: 117_000, rows_out: 117_000,
      quality: { checks: [{ name: 'amount_positive', status: 'passed', value: 0, expected: '0' }], row_count: 117_000, duplicate_rows: 0 },
    },
  ]);
  await world.server.server.ctx.stores.events.rollupStep();
}
