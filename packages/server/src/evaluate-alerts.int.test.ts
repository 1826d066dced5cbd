// The alert evaluation engine against a real server and store: traffic ingested through the API,
// cycles run at chosen instants (the scheduler is off), states, history and the outbox read back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAlerts } from './services/evaluate-alerts.ts';
import { fraudModel, prediction, startTestServer, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const MIN = 60_000;
// an hour ago, on a minute: minute k of the scenario is [M + k·MIN, M + (k+1)·MIN)
const M = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
/** The instant at which minute k is the last fully elapsed step. */
const after_ = (k: number) => M + (k + 1) * MIN + 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Latency per minute 0..9: fine, then 900 ms for minutes 2..6, fine again; no traffic from minute 10. */
const LATENCY = [100, 100, 900, 900, 900, 900, 900, 100, 100, 100];

const p99Rule = (name: string, channels: string[], extra: Record<string, unknown> = {}) => ({
  id: 'r', name, metric: 'latency.p99', model: 'fraud', group_by: ['model'], severity: 'critical',
  condition: { kind: 'threshold', op: 'above', value: 500, recovery: 400 }, for: 2 * MIN, channels,
  annotations: { summary: '{{ $labels.model }} p99 at {{ $value | printf "%.0f" }} ms' }, ...extra,
});

async function world(): Promise<{ s: TestServer; channel: string }> {
  const s = await startTestServer({ VIGIL_ALERTS_ENABLED: 'false' });
  assert.equal((await s.call('POST', '/api/v1/models', fraudModel)).status, 201);
  const recs = LATENCY.flatMap((latency, k) => Array.from({ length: 20 }, (_, i) => prediction(i, { id: `m${k}-${i}`, ts: iso(M + k * MIN + i * 1000), latency_ms: latency })));
  const r = await s.call('POST', '/api/v1/predictions', recs);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await s.server.ctx.stores.events.rollupStep();
  const ch = await s.server.ctx.stores.meta.createChannel({ name: 'hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/x', secret: 's'.repeat(20) } }, iso(Date.now()));
  return { s, channel: ch.id };
}

describe('alert evaluation', () => {
  let s: TestServer;
  let channel: string;
  before(async () => ({ s, channel } = await world()));
  after(() => s.stop());

  const meta = () => s.server.ctx.stores.meta;
  const cycle = (k: number) => evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(k) } });
  const addRule = async (spec: Record<string, unknown>) => (await meta().createAlertRule({ name: spec.name as string, enabled: true, spec, created_by: null }, iso(Date.now()))).id;
  const notes = async (rule: string) => (await meta().listNotifications()).filter((n) => n.payload.rule_id === rule);
  /** The one alert of a single-series rule's group entry. */
  const alert = (n: { payload: Record<string, unknown> } | undefined) => (n?.payload.alerts as Record<string, unknown>[] | undefined)?.[0];
  const status = async (rule: string) => (await meta().listAlertStates(rule)).map((x) => x.state);

  test('a p99 threshold rule: pending, firing after `for`, resolved on recovery; one notification per transition; none while silenced', async () => {
    const loud = await addRule(p99Rule('p99 high', [channel]));
    const quiet = await addRule(p99Rule('p99 high, silenced', [channel]));
    await meta().createSilence({ matchers: { alertname: 'p99 high, silenced', model: 'fraud' }, starts_at: iso(M), ends_at: iso(M + 3 * 3_600_000), comment: 'maintenance', created_by: null }, iso(Date.now()));
    const seen: Record<number, string[]> = {};
    for (const k of [1, 2, 3, 4, 5, 6, 7, 8]) {
      await cycle(k);
      seen[k] = [...(await status(loud)), (await notes(loud)).length.toString()];
    }
    assert.deepEqual(seen, {
      1: ['ok', '0'], 2: ['pending', '0'], 3: ['pending', '0'], 4: ['firing', '1'], 5: ['firing', '1'], 6: ['firing', '1'], 7: ['resolved', '2'], 8: ['ok', '2'],
    });
    const [resolved, firing] = await notes(loud);
    assert.equal(firing?.payload.status, 'firing');
    assert.equal((firing?.payload.alerts as unknown[]).length, 1, 'a single-series rule: one alert per entry');
    assert.equal(alert(firing)?.status, 'firing');
    assert.equal(alert(firing)?.value, (await meta().listAlertTransitions({ ruleId: loud })).find((t) => t.to_state === 'firing')?.value);
    assert.match(String((alert(firing)?.annotations as Record<string, string>).summary), /^fraud p99 at (89\d|90\d) ms$/);
    assert.equal(alert(firing)?.starts_at, after_(4));
    assert.equal(firing?.dedup_key, `${loud}|group|${channel}|${after_(4)}`);
    assert.equal(resolved?.payload.status, 'resolved');
    assert.equal(alert(resolved)?.ends_at, after_(7));
    assert.equal(firing?.channel_id, channel);
    // replaying a cycle (a retry, a second replica) enqueues nothing again
    await cycle(8);
    assert.equal((await notes(loud)).length, 2);

    // silenced: the same history, no notification
    const history = (await meta().listAlertTransitions({ ruleId: quiet })).map((t) => `${t.from_state}>${t.to_state}`).reverse();
    assert.deepEqual(history, ['ok>pending', 'pending>firing', 'firing>resolved', 'resolved>ok']);
    assert.equal((await notes(quiet)).length, 0);
  });

  test('routing: a channel takes only the notifications its route matches (severity and labels)', async () => {
    const pages = await meta().createChannel({ name: 'pager', type: 'webhook', config: { type: 'webhook', url: 'http://127.0.0.1:1/p', secret: 's'.repeat(20), route: { severities: ['critical'] } } }, iso(Date.now()));
    const eu = await meta().createChannel({ name: 'eu team', type: 'webhook', config: { type: 'webhook', url: 'http://127.0.0.1:1/e', secret: 's'.repeat(20), route: { match: { model: 'other' } } } }, iso(Date.now()));
    const warn = await addRule(p99Rule('p99 high, warning', [channel, pages.id, eu.id], { severity: 'warning' }));
    const crit = await addRule(p99Rule('p99 high, critical', [channel, pages.id, eu.id]));
    for (const k of [1, 2, 3, 4, 5, 6, 7]) await cycle(k);
    const to = async (rule: string) => (await notes(rule)).map((n) => `${n.payload.status}@${n.channel_id === channel ? 'all' : n.channel_id === pages.id ? 'pager' : 'eu'}`).sort();
    // the pager takes critical only; the eu channel matches model=other, which this alert is not
    assert.deepEqual(await to(warn), ['firing@all', 'resolved@all']);
    assert.deepEqual(await to(crit), ['firing@all', 'firing@pager', 'resolved@all', 'resolved@pager']);
  });

  test('an absence rule fires when traffic stops', async () => {
    const id = await addRule({ id: 'a', name: 'no traffic', metric: 'predictions.count', model: 'fraud', condition: { kind: 'absence', duration: 3 * MIN }, channels: [channel] });
    await cycle(9);
    assert.deepEqual(await status(id), ['ok']);
    await cycle(11);
    assert.deepEqual(await status(id), ['ok'], 'minute 9 is still in the last 3 minutes');
    await cycle(12);
    assert.deepEqual(await status(id), ['firing']);
    const n = await notes(id);
    assert.equal(n.length, 1);
    assert.equal(alert(n[0])?.value, 0);
  });

  test('a rule whose query fails goes to error, and back to ok once it answers', async () => {
    const id = await addRule({ id: 'e', name: 'mean latency', metric: 'latency.mean', model: 'fraud', condition: { kind: 'threshold', op: 'above', value: 5000 }, channels: [channel] });
    const events = s.server.ctx.stores.events;
    const original = events.queryInference.bind(events);
    events.queryInference = async () => {
      throw new Error('disk on fire');
    };
    try {
      const r = await cycle(8);
      assert.ok(r.failed >= 1);
    } finally {
      events.queryInference = original;
    }
    const [st] = await meta().listAlertStates(id);
    assert.equal(st?.state, 'error');
    assert.match(String(st?.detail.error), /disk on fire/);
    assert.equal((await notes(id)).length, 0);
    await cycle(9);
    assert.deepEqual(await status(id), ['ok']);
  });
});

describe('alert preview', () => {
  let s: TestServer;
  before(async () => {
    ({ s } = await world());
    await addUser(s, 'nobody', []);
    await addUser(s, 'other', [{ role: 'viewer', scope: { kind: 'models', models: ['churn'] } }]);
  });
  after(() => s.stop());

  test('replays the last 7 days step by step, storing nothing', async () => {
    const r = await s.call('POST', '/api/v1/alerts/preview', p99Rule('p99 high', ['somewhere']));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.step_ms, MIN);
    const [series] = r.body.series;
    assert.deepEqual(series.labels, { model: 'fraud' });
    // before the scenario the model had no traffic: no_data (the default no_data_state), then ok at minute 0
    assert.deepEqual(series.transitions.map((t: { from: string; to: string; at: number }) => [t.from, t.to, t.at]), [
      ['ok', 'no_data', r.body.from + MIN], ['no_data', 'ok', after_(0) - 1000], ['ok', 'pending', after_(2) - 1000], ['pending', 'firing', after_(4) - 1000], ['firing', 'resolved', after_(7) - 1000], ['resolved', 'ok', after_(8) - 1000],
      // no data after minute 9: the default no_data_state
      ['ok', 'no_data', after_(10) - 1000],
    ]);
    assert.deepEqual(series.notifications.map((n: { kind: string }) => n.kind), ['firing', 'resolved']);
    assert.deepEqual(await s.server.ctx.stores.meta.listAlertStates(), []);
    assert.deepEqual(await s.server.ctx.stores.meta.listNotifications(), []);
  });

  test('a bad rule is a 400 naming each field', async () => {
    const r = await s.call('POST', '/api/v1/alerts/preview', { id: 'x', metric: 'latency.p99', condition: { kind: 'threshold', op: 'sideways', value: 1 }, colour: 'red' });
    assert.equal(r.status, 400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['colour', 'condition.op', 'name']);
  });

  test('401 without credentials, 403 without read access to the rule\'s model', async () => {
    assert.equal((await s.call('POST', '/api/v1/alerts/preview', p99Rule('p', []), { token: null })).status, 401);
    const nobody = await s.signIn('nobody', PW);
    assert.equal((await s.call('POST', '/api/v1/alerts/preview', p99Rule('p', []), { session: nobody })).status, 403);
    const other = await s.signIn('other', PW);
    assert.equal((await s.call('POST', '/api/v1/alerts/preview', p99Rule('p', []), { session: other })).status, 403);
  });
});

describe('overview health from alert states', () => {
  let s: TestServer;
  before(async () => {
    ({ s } = await world());
    assert.equal((await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'calm' })).status, 201);
    const meta = s.server.ctx.stores.meta;
    for (const [name, severity] of [['p99 critical', 'critical'], ['p99 warning', 'warning'], ['p99 info', 'info']] as const) {
      await meta.createAlertRule({ name, enabled: true, spec: p99Rule(name, [], { severity, for: 0 }), created_by: null }, iso(Date.now()));
    }
  });
  after(() => s.stop());

  const health = async () => {
    const r = await s.call('GET', `/api/v1/overview?from=${M}&to=now`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return new Map(r.body.models.map((m: { id: string; health: unknown }) => [m.id, m.health]));
  };

  test('a firing critical alert makes its model a problem, named; recovery makes it healthy; a model without rules keeps the computed health', async () => {
    await evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(2) } });
    let h = await health();
    assert.deepEqual(h.get('fraud'), { status: 'problem', reasons: ['alert firing: p99 critical (critical)', 'alert firing: p99 warning (warning)'] });
    assert.deepEqual(h.get('calm'), { status: 'no_data', reasons: ['no predictions in the range'] });
    await evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(7) } });
    h = await health();
    // the computed rules would flag the silence since minute 10; the alerts decide for a model with rules
    assert.deepEqual(h.get('fraud'), { status: 'healthy', reasons: [] });
  });

  test('a firing warning alone is a warning', async () => {
    const meta = s.server.ctx.stores.meta;
    const critical = (await meta.listAlertRules()).find((r) => r.name === 'p99 critical');
    assert.ok(critical);
    await meta.updateAlertRule(critical.id, { name: critical.name, enabled: false, spec: critical.spec }, iso(Date.now()));
    await evaluateAlerts({ ctx: s.server.ctx, input: { now: after_(3) } });
    assert.deepEqual((await health()).get('fraud'), { status: 'warning', reasons: ['alert firing: p99 warning (warning)'] });
  });
});
