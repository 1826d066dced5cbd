// Retraining triggers against a running server and a real HTTP receiver: a rule with `retrain`
// sends a signed trigger when it fires, at most once per cooldown per model, and every trigger is
// listed on GET /api/v1/models/{id}/retraining-triggers with its delivery status.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verify } from './notify/signature.ts';
import { startReceiver, type Receiver } from './notify/testing.ts';
import { evaluateAlerts } from './services/evaluate-alerts.ts';
import { fraudModel, prediction, startTestServer, type TestServer } from './testing/test-server.ts';

const MIN = 60_000;
const SECRET = 'retrain-secret-0123456789';
// two hours ago, on a minute: minute k is [M + k·MIN, M + (k+1)·MIN)
const M = Math.floor(Date.now() / MIN) * MIN - 120 * MIN;
const after_ = (k: number) => M + (k + 1) * MIN + 1000;
/** p99 latency per minute: high at 0-1, 4 and 11; fine otherwise. */
const HIGH = new Set([0, 1, 4, 11]);

describe('retraining triggers', () => {
  let s: TestServer;
  let rx: Receiver;
  let rule: string;
  before(async () => {
    rx = await startReceiver();
    s = await startTestServer({ VIGIL_ALERTS_ENABLED: 'false', VIGIL_OUTBOX_INTERVAL_MS: '50', VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    assert.equal((await s.call('POST', '/api/v1/models', fraudModel)).status, 201);
    const recs = Array.from({ length: 14 }, (_, k) => Array.from({ length: 10 }, (_, i) => prediction(i, { id: `m${k}-${i}`, ts: new Date(M + k * MIN + i * 5000).toISOString(), latency_ms: HIGH.has(k) ? 900 : 50 }))).flat();
    assert.equal((await s.call('POST', '/api/v1/predictions', recs)).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const ch = await s.call('POST', '/api/v1/alerts/channels', { name: 'airflow', config: { type: 'webhook', url: `${rx.url}/retrain`, secret: SECRET } });
    assert.equal(ch.status, 201, JSON.stringify(ch.body));
    const r = await s.call('POST', '/api/v1/alerts/rules', {
      name: 'p99 high', metric: 'latency.p99', model: 'fraud', group_by: ['model', 'version'], severity: 'critical',
      condition: { kind: 'threshold', op: 'above', value: 500, recovery: 400 }, retrain: { channel: ch.body.id, cooldown: 10 * MIN },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    rule = r.body.id;
  });
  after(async () => {
    await s.stop();
    await rx.close();
  });

  const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
    const end = Date.now() + 10_000;
    while (!(await ok())) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  test('fires send a signed trigger with model, version, reason and evidence, at most once per cooldown; each is listed', async () => {
    const enqueued: number[] = [];
    for (const k of [0, 1, 2, 4, 5, 11, 12]) enqueued.push((await evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(k) } })).enqueued);
    // fires at 0 (trigger), again at 4 (4 min later: within the 10 min cooldown, none), again at 11 (trigger)
    assert.deepEqual(enqueued, [1, 0, 0, 0, 0, 1, 0]);
    assert.equal((await evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(11) } })).enqueued, 0, 'a replayed cycle sends no second trigger');
    await until('two triggers', () => rx.requests.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.requests.length, 2);

    const bodies = rx.requests.map((q) => {
      assert.equal(q.headers['x-vigil-event'], 'retrain');
      assert.ok(verify(SECRET, q.headers['x-vigil-timestamp'] as string, q.body, q.headers['x-vigil-signature'] as string, Date.now()), 'the signature verifies');
      return JSON.parse(q.body);
    });
    const [first, second] = bodies;
    assert.deepEqual([first.schema_version, first.event, first.model, first.version, first.rule_id], [1, 'retrain', 'fraud', 'v1', rule]);
    assert.match(first.reason, /^p99 high: latency\.p99 (8[89]\d|9[01]\d)(\.\d+)? above 500$/);
    assert.equal(first.triggered_at, new Date(after_(0)).toISOString());
    assert.equal(second.triggered_at, new Date(after_(11)).toISOString());
    assert.deepEqual(first.evidence.window, { from: new Date(M).toISOString(), to: new Date(M + MIN).toISOString() });
    assert.deepEqual([first.evidence.threshold, first.evidence.op, first.evidence.metric, first.evidence.labels], [500, 'above', 'latency.p99', { model: 'fraud', version: 'v1' }]);
    assert.ok(first.evidence.value > 500);
    assert.notEqual(first.trigger_id, second.trigger_id);

    await until('both marked sent', async () => (await s.server.ctx.stores.meta.listNotifications({ status: 'sent' })).length === 2);
    const listed = await s.call('GET', '/api/v1/models/fraud/retraining-triggers');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(listed.body.items.map((t: { trigger_id: string }) => t.trigger_id), [second.trigger_id, first.trigger_id], 'newest first');
    assert.deepEqual(listed.body.items.map((t: { delivery: { status: string } }) => t.delivery.status), ['sent', 'sent']);
    assert.equal(listed.body.items[1].reason, first.reason);
    assert.equal((await s.call('GET', '/api/v1/models/unknown/retraining-triggers')).status, 404);
  });
});
