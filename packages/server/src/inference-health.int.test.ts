import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, prediction, startTestServer, T, type TestServer } from './testing/test-server.ts';

const MIN = 60_000;
let s: TestServer;
before(async () => {
  s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
  assert.equal((await s.call('POST', '/api/v1/models', fraudModel)).status, 201);
  for (const v of ['v1', 'v2']) assert.equal((await s.call('POST', '/api/v1/models/fraud/versions', { version: v })).status, 201);
  // v1 in production until T + 10 min, then v2
  assert.equal((await s.call('POST', '/api/v1/models/fraud/deployments', { version: 'v1', environment: 'production', started_at: new Date(T - 60 * MIN).toISOString(), ended_at: new Date(T + 10 * MIN).toISOString(), outcome: 'succeeded' })).status, 201);
  assert.equal((await s.call('POST', '/api/v1/models/fraud/deployments', { version: 'v2', environment: 'production', started_at: new Date(T + 10 * MIN).toISOString(), outcome: 'succeeded' })).status, 201);
  const preds = [
    // minute 0: 8 on v1 (production), 2 on v2 → 20 % stale; scores 0.45 (unsure) in 3 of them
    ...Array.from({ length: 10 }, (_, i) => prediction(i, { version: i < 8 ? 'v1' : 'v2', score: i < 3 ? 0.45 : 0.9 })),
    // minute 10: 5 on v2 (now production), 5 on v1 → 50 % stale; one score exactly 0.6 (not unsure), one 0.4 (unsure)
    ...Array.from({ length: 10 }, (_, i) => prediction(600 + i, { version: i < 5 ? 'v2' : 'v1', score: i === 0 ? 0.6 : i === 1 ? 0.4 : 0.05 })),
  ];
  assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
  await s.server.ctx.stores.events.rollupStep();
});
after(() => s.stop());

const points = async (metric: string) => {
  const r = await s.call('GET', `/api/v1/query?metric=${metric}&model=fraud&from=${T}&to=${T + 11 * MIN}&step=1m&group_by=model`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.series.length, 1);
  return new Map<number, number | null>(r.body.series[0].points);
};

test('predictions.stale_share: traffic served by another version than production at the time', async () => {
  const p = await points('predictions.stale_share');
  assert.equal(p.get(T), 0.2);
  assert.equal(p.get(T + 10 * MIN), 0.5);
  assert.equal(p.get(T + MIN), null);
});

test('score.low_confidence_share: scores in [0.4, 0.6)', async () => {
  const p = await points('score.low_confidence_share');
  assert.equal(p.get(T), 0.3);
  assert.equal(p.get(T + 10 * MIN), 0.1);
});

test('a model without a production deployment has no staleness series', async () => {
  assert.equal((await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'nodeploy' })).status, 201);
  const r = await s.call('GET', `/api/v1/query?metric=predictions.stale_share&model=nodeploy&from=${T}&to=${T + MIN}&step=1m&group_by=model`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.series, []);
});

test('a step coarser than a deployment switch: minutes are judged one by one, then added up; pooled over models', async () => {
  // the 20 predictions of minutes 0 and 10 in one 15-minute step: (2 + 5) stale of 20
  const r = await s.call('GET', `/api/v1/query?metric=predictions.stale_share&model=fraud&from=${T}&to=${T + 15 * MIN}&step=15m&group_by=model`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.series[0].points[0][1], 7 / 20);
  const pooled = await s.call('GET', `/api/v1/query?metric=predictions.stale_share&from=${T}&to=${T + 15 * MIN}&step=15m`);
  assert.equal(pooled.status, 200, JSON.stringify(pooled.body));
  assert.equal(pooled.body.series[0].points[0][1], 7 / 20); // the other models have no production deployment
});
