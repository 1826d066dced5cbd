// The overview's health column end to end: signals ingested through the API, read back through
// GET /api/v1/overview. The rules and their boundaries are tested in core (model-health.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, prediction, startTestServer, type TestServer } from './testing/test-server.ts';

const MIN = 60_000;

describe('overview health', () => {
  let s: TestServer;
  let now: number;
  let health: Map<string, { status: string; reasons: string[]; last_seen: number | null }>;
  const staleAt = () => now - 40 * MIN;

  /** 200 predictions of a model, one a second from 5 minutes before `end`: the last is 101 s before it. */
  const traffic = async (model: string, end: number, latency = 20, count = 200) => {
    const recs = Array.from({ length: count }, (_, i) => prediction(i, { id: `${model}-${end}-${i}`, model, ts: new Date(end - 5 * MIN + i * 1000).toISOString(), latency_ms: latency }));
    const r = await s.call('POST', '/api/v1/predictions', recs);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const logs = async (model: string, levels: string[]) => {
    const recs = levels.map((level, i) => ({ id: `${model}-log-${i}`, ts: new Date(now - 3 * MIN + i).toISOString(), model, level, message: 'boom', error_class: 'Boom' }));
    assert.equal((await s.call('POST', '/api/v1/logs', recs)).status, 200);
  };

  before(async () => {
    s = await startTestServer();
    now = Date.now();
    for (const id of ['calm', 'noisy', 'failing', 'broken', 'idle', 'stale', 'slow', 'dirty']) {
      assert.equal((await s.call('POST', '/api/v1/models', { ...fraudModel, id })).status, 201);
    }
    for (const id of ['calm', 'noisy', 'failing', 'broken', 'dirty']) await traffic(id, now);
    // 3 of 200 (1.5%): a warning; 12 of 200 (6%), fatal ones included: a problem; info and warn do not count
    await logs('noisy', ['error', 'error', 'fatal', 'info', 'warn', 'warn']);
    await logs('failing', [...Array(10).fill('error'), 'fatal', 'fatal', 'info']);
    await traffic('stale', staleAt());
    // earlier in the (1 h) range it answered in 20 ms, in its last quarter in 60 ms
    await traffic('slow', now - 30 * MIN, 20);
    await traffic('slow', now, 60);
    await s.call('POST', '/api/v1/models/broken/versions', { version: 'v2' });
    await s.call('POST', '/api/v1/models/broken/deployments', { version: 'v2', environment: 'production', outcome: 'failed' });
    // 30 records refused for a wrong type next to 200 accepted ones: 15% violations
    const bad = Array.from({ length: 30 }, (_, i) => prediction(i, { id: `dirty-bad-${i}`, model: 'dirty', ts: new Date(now - MIN).toISOString(), features: { amount: 'lots', country: 'DE', is_new: true, note: null } }));
    await s.call('POST', '/api/v1/predictions', bad);
    await s.server.ctx.stores.events.rollupStep();
    const ov = await s.call('GET', `/api/v1/overview?from=${now - 60 * MIN}&to=now`);
    assert.equal(ov.status, 200, JSON.stringify(ov.body));
    health = new Map(ov.body.models.map((m: { id: string; health: { status: string; reasons: string[] }; last_seen: number | null }) => [m.id, { ...m.health, last_seen: m.last_seen }]));
  });
  after(() => s.stop());

  const check = (model: string, status: string, reasons: RegExp[]) => {
    const h = health.get(model);
    assert.equal(h?.status, status, JSON.stringify(h));
    assert.equal(h?.reasons.length, reasons.length, JSON.stringify(h?.reasons));
    reasons.forEach((re, i) => assert.match(h?.reasons[i] ?? '', re));
  };

  test('traffic without errors is healthy', () => check('calm', 'healthy', []));
  test('a model without predictions has no data', () => check('idle', 'no_data', [/^no predictions in the range$/]));
  test('error logs above 1% of predictions: warning', () => check('noisy', 'warning', [/^error logs are 1\.5% of predictions \(>1%; 3 in 200\)$/]));
  test('error and fatal logs above 5%: problem', () => check('failing', 'problem', [/^error logs are 6\.0% of predictions \(>5%; 12 in 200\)$/]));
  test('quality violations above 5%: problem', () => check('dirty', 'problem', [/^quality violations are 15\.0% of predictions \(>5%; 30 in 200\)$/]));
  test('a failed last deployment: problem', () => check('broken', 'problem', [/^the last deployment failed \(started /]));
  test('p99 of the range\'s latest part three times the rest of the range: problem', () => check('slow', 'problem', [/^recent p99 latency is \d+(\.\d+)?× the rest of the range's \(\d+ ms vs \d+(\.\d+)? ms; >2×\)$/]));
  test('no prediction for 42 minutes of a range that ends now: warning, and last_seen to the minute', () => {
    check('stale', 'warning', [/^no traffic for (41|42|43) min \(>15 min\)$/]);
    assert.equal(health.get('stale')?.last_seen, Math.floor((staleAt() - 101_000) / MIN) * MIN);
  });

  test('a range that ended in the past does not warn about silence', async () => {
    const ov = await s.call('GET', `/api/v1/overview?from=${now - 60 * MIN}&to=${now - 20 * MIN}`);
    const stale = ov.body.models.find((m: { id: string }) => m.id === 'stale');
    assert.deepEqual(stale.health, { status: 'healthy', reasons: [] });
  });
});
