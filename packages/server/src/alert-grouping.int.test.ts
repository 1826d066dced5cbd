// Grouping (docs/alerts.md, "Grouping") and the resolution of a deleted or disabled rule's alerts,
// against a real server and store: one outbox entry per rule, channel and cycle listing the alerts;
// a crash between the writes of a cycle loses nothing and enqueues no group twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutboxEntry } from '@vigil/storage';
import { groupKey } from './services/alert-delivery.ts';
import { evaluateAlerts } from './services/evaluate-alerts.ts';
import { fraudModel, prediction, startTestServer, type TestServer } from './testing/test-server.ts';

const MIN = 60_000;
const M = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
/** The instant at which minute k is the last fully elapsed step. */
const after_ = (k: number) => M + (k + 1) * MIN + 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const MODELS = ['fraud', 'fraud-b', 'fraud-c'];
/** Latency per minute 0..9 of every model: 900 ms in minutes 2..5. */
const LATENCY = [100, 100, 900, 900, 900, 900, 100, 100, 100, 100];

type Alert = { status: string; labels: Record<string, string>; dedup_key: string };
const alertsOf = (e: OutboxEntry) => e.payload.alerts as Alert[];

describe('alert grouping', () => {
  let s: TestServer;
  let hook: string;
  let pager: string;
  before(async () => {
    s = await startTestServer({ VIGIL_ALERTS_ENABLED: 'false' });
    for (const id of MODELS) assert.equal((await s.call('POST', '/api/v1/models', { ...fraudModel, id })).status, 201);
    const recs = MODELS.flatMap((model) => LATENCY.flatMap((latency, k) => Array.from({ length: 10 }, (_, i) => prediction(i, { id: `${model}-${k}-${i}`, model, ts: iso(M + k * MIN + i * 1000), latency_ms: latency }))));
    const r = await s.call('POST', '/api/v1/predictions', recs);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await s.server.ctx.stores.events.rollupStep();
    const meta = s.server.ctx.stores.meta;
    hook = (await meta.createChannel({ name: 'hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/x', secret: 's'.repeat(20) } }, iso(Date.now()))).id;
    pager = (await meta.createChannel({ name: 'pager', type: 'pagerduty', config: { routing_key: 'k'.repeat(32) } }, iso(Date.now()))).id;
  });
  after(() => s.stop());

  const meta = () => s.server.ctx.stores.meta;
  const cycle = (k: number) => evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(k) } });
  const entries = async (rule: string) => (await meta().listNotifications()).filter((n) => n.payload.rule_id === rule).reverse();
  const rule = (name: string, extra: Record<string, unknown> = {}) => ({
    name, metric: 'latency.p99', model: MODELS, group_by: ['model'], severity: 'critical', condition: { kind: 'threshold', op: 'above', value: 500 }, channels: [hook, pager], ...extra,
  });
  const addRule = async (spec: Record<string, unknown>) => (await meta().createAlertRule({ name: spec.name as string, enabled: true, spec, created_by: null }, iso(Date.now()))).id;

  test('the alerts one rule raises in one cycle reach each channel as one entry listing them; so do their resolutions', async () => {
    const id = await addRule(rule('grouped'));
    await cycle(2);
    let es = await entries(id);
    assert.deepEqual(es.map((e) => e.channel_id).sort(), [hook, pager].sort(), 'one entry per channel');
    for (const e of es) {
      assert.equal(e.dedup_key, groupKey(id, e.channel_id, after_(2)));
      assert.equal(e.payload.status, 'firing');
      assert.deepEqual(alertsOf(e).map((a) => a.labels.model).sort(), MODELS);
      assert.ok(alertsOf(e).every((a) => a.status === 'firing'));
    }
    await cycle(3);
    assert.equal((await entries(id)).length, 2, 'nothing while they keep firing');
    await cycle(6);
    es = (await entries(id)).slice(2);
    assert.equal(es.length, 2);
    for (const e of es) assert.deepEqual([e.payload.status, alertsOf(e).length, alertsOf(e).every((a) => a.status === 'resolved')], ['resolved', 3, true]);
    // a replayed cycle enqueues nothing again
    await cycle(6);
    assert.equal((await entries(id)).length, 4);
  });

  test('a crash after some series were written: the next cycle enqueues their alerts under the crashed cycle\'s key, and the rest under its own', async () => {
    const id = await addRule(rule('crash early', { channels: [hook] }));
    const m = meta();
    const original = m.recordEvaluation.bind(m);
    let calls = 0;
    m.recordEvaluation = async (e, now) => {
      if (e.rule_id === id && ++calls === 2) throw new Error('power cut');
      return original(e, now);
    };
    try {
      assert.equal((await cycle(2)).failed, 1);
    } finally {
      m.recordEvaluation = original;
    }
    assert.deepEqual(await entries(id), [], 'the group was not written');
    const held = (await m.listAlertStates(id)).filter((st) => Array.isArray(st.detail.unsent));
    assert.equal(held.length, 1, 'the first series holds its alert');
    await cycle(3);
    const es = await entries(id);
    assert.deepEqual(es.map((e) => e.dedup_key).sort(), [groupKey(id, hook, after_(2)), groupKey(id, hook, after_(3))].sort());
    const models = es.flatMap((e) => alertsOf(e).map((a) => a.labels.model)).sort();
    assert.deepEqual(models, MODELS, 'every alert once');
    assert.ok((await m.listAlertStates(id)).every((st) => st.state === 'firing' && st.detail.unsent === undefined));
  });

  test('a crash after the group was written: the next cycle enqueues nothing again', async () => {
    const id = await addRule(rule('crash late', { channels: [hook] }));
    const m = meta();
    const original = m.recordEvaluation.bind(m);
    let calls = 0;
    m.recordEvaluation = async (e, now) => {
      // writes: 2 series holding their alerts, the carrier with the group, then the clearing of the 2
      if (e.rule_id === id && ++calls === 4) throw new Error('power cut');
      return original(e, now);
    };
    try {
      await cycle(2);
    } finally {
      m.recordEvaluation = original;
    }
    assert.equal((await entries(id)).length, 1);
    assert.equal((await m.listAlertStates(id)).filter((st) => Array.isArray(st.detail.unsent)).length, 2, 'the first two series still hold their alerts');
    const r = await cycle(3);
    assert.equal(r.enqueued, 0);
    const es = await entries(id);
    assert.equal(es.length, 1);
    assert.deepEqual(alertsOf(es[0] as OutboxEntry).map((a) => a.labels.model).sort(), MODELS);
    assert.ok((await m.listAlertStates(id)).every((st) => st.detail.unsent === undefined));
  });

  test('deleting a firing rule enqueues the resolution of its alerts, grouped, before it goes', async () => {
    const r = await s.call('POST', '/api/v1/alerts/rules', rule('deleted while firing'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = r.body.id as string;
    await cycle(3);
    assert.equal((await entries(id)).length, 2);
    assert.equal((await s.call('DELETE', `/api/v1/alerts/rules/${id}`)).status, 204);
    const es = (await entries(id)).slice(2);
    assert.deepEqual(es.map((e) => e.channel_id).sort(), [hook, pager].sort());
    for (const e of es) {
      assert.match(e.dedup_key, new RegExp(`^${id}\\|deleted\\|`));
      assert.deepEqual([e.payload.status, alertsOf(e).map((a) => a.status)], ['resolved', ['resolved', 'resolved', 'resolved']]);
    }
    const fired = new Set(alertsOf((await entries(id))[0] as OutboxEntry).map((a) => a.dedup_key));
    assert.deepEqual(new Set(alertsOf(es[0] as OutboxEntry).map((a) => a.dedup_key)), fired, 'the resolutions name the alerts that fired (PagerDuty closes by dedup_key)');
    const history = await meta().listAlertTransitions({ ruleId: id });
    assert.equal(history.filter((t) => t.from_state === 'firing' && t.to_state === 'resolved').length, 3);
    assert.deepEqual(await meta().listAlertStates(id), []);
  });

  test('a rule disabled while a cycle is evaluating it: its alerts resolve once, and the cycle does not write them firing again', async () => {
    const spec = rule('disabled mid-cycle', { channels: [hook] });
    const id = (await s.call('POST', '/api/v1/alerts/rules', spec)).body.id as string;
    await cycle(3);
    const m = meta();
    const original = m.listChannels.bind(m);
    let disabled = false;
    m.listChannels = async () => {
      // the cycle has read the rules and their firing states (its reads start together); the rule
      // is disabled before the cycle goes on
      if (!disabled) {
        disabled = true;
        assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${id}`, { ...spec, enabled: false })).status, 200);
      }
      return original();
    };
    try {
      await cycle(6); // the latency is back to normal: the cycle would resolve them too
    } finally {
      m.listChannels = original;
    }
    const es = await entries(id);
    assert.deepEqual(es.map((e) => e.payload.status), ['firing', 'resolved'], 'one resolution');
    assert.match(es[1]?.dedup_key ?? '', /\|disabled\|/);
    assert.ok((await m.listAlertStates(id)).every((st) => st.state === 'resolved' && st.detail.unsent === undefined));
  });

  test('disabling a firing rule resolves its alerts; enabling it again starts afresh; disabling a quiet rule enqueues nothing', async () => {
    const spec = rule('disabled while firing', { channels: [hook] });
    const r = await s.call('POST', '/api/v1/alerts/rules', spec);
    const id = r.body.id as string;
    await cycle(3);
    assert.equal((await entries(id)).length, 1);
    assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${id}`, { ...spec, enabled: false })).status, 200);
    const es = await entries(id);
    assert.equal(es.length, 2);
    assert.deepEqual([es[1]?.payload.status, alertsOf(es[1] as OutboxEntry).length], ['resolved', 3]);
    assert.ok((await meta().listAlertStates(id)).every((st) => st.state === 'resolved'));
    // disabled again (no change), and a rule that is not firing: nothing
    assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${id}`, { ...spec, enabled: false })).status, 200);
    assert.equal((await entries(id)).length, 2);
    assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${id}`, { ...spec, enabled: true })).status, 200);
    await cycle(4);
    const again = await entries(id);
    assert.equal(again.length, 3, 'still breaching: it fires again');
    await cycle(6);
    assert.equal((await entries(id)).length, 4);
    assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${id}`, { ...spec, enabled: false })).status, 200);
    assert.equal((await entries(id)).length, 4, 'nothing is firing: nothing to resolve');
  });
});
