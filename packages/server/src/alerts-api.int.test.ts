// The alert rules, alerts, history and silences API on a real server: validation naming fields,
// model scope (a rule reaches the models it names), and the audit of every change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, startTestServer, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const rule = (over: Record<string, unknown> = {}) => ({ name: 'p99 high', metric: 'latency.p99', model: 'fraud', condition: { kind: 'threshold', op: 'above', value: 500, recovery: 400 }, severity: 'critical', ...over });

describe('alert rules, alerts, history and silences API', () => {
  let s: TestServer;
  type Session = { session: { cookie: string; csrf: string } };
  let viewer: Session, editorRisk: Session, viewerRisk: Session;

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_OUTBOX_INTERVAL_MS: '3600000' });
    for (const t of ['risk', 'growth']) await s.call('POST', '/api/v1/teams', { id: t });
    await s.call('POST', '/api/v1/models', fraudModel);
    await s.call('POST', '/api/v1/models', { ...fraudModel, id: 'churn', owner_team: 'growth' });
    await addUser(s, 'viewer', [{ role: 'viewer', scope: { kind: 'all' } }]);
    await addUser(s, 'editorrisk', [{ role: 'editor', scope: { kind: 'team', team: 'risk' } }]);
    await addUser(s, 'viewerrisk', [{ role: 'viewer', scope: { kind: 'team', team: 'risk' } }]);
    viewer = { session: await s.signIn('viewer', PW) };
    editorRisk = { session: await s.signIn('editorrisk', PW) };
    viewerRisk = { session: await s.signIn('viewerrisk', PW) };
  });
  after(() => s.stop());

  test('rules: create, read, replace, delete, audited', async () => {
    const c = await s.call('POST', '/api/v1/alerts/rules', rule(), editorRisk);
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.match(c.body.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual([c.body.enabled, c.body.for, c.body.severity, c.body.no_data_state], [true, 0, 'critical', 'no_data']);
    const got = await s.call('GET', `/api/v1/alerts/rules/${c.body.id}`, undefined, viewerRisk);
    assert.equal(got.status, 200);
    assert.equal(got.body.id, c.body.id);
    // a GET's answer can be sent back as is
    const put = await s.call('PUT', `/api/v1/alerts/rules/${c.body.id}`, { ...got.body, name: 'p99 very high', enabled: false }, editorRisk);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual([put.body.name, put.body.enabled], ['p99 very high', false]);
    const stored = await s.server.ctx.stores.meta.getAlertRule(c.body.id);
    assert.equal(stored?.spec.id, c.body.id, 'the spec carries the store id the notifications key on');
    assert.equal((await s.call('DELETE', `/api/v1/alerts/rules/${c.body.id}`, undefined, editorRisk)).status, 204);
    assert.equal((await s.call('GET', `/api/v1/alerts/rules/${c.body.id}`)).status, 404);
    const audit = await s.call('GET', '/api/v1/audit?limit=1000');
    const actions = JSON.stringify(audit.body);
    for (const a of ['alert_rule.create', 'alert_rule.update', 'alert_rule.delete']) assert.ok(actions.includes(a), a);
  });

  test('rules: 400 names the field; unknown channels; ids belong to the server', async () => {
    const bad = await s.call('POST', '/api/v1/alerts/rules', rule({ condition: { kind: 'threshold', op: 'above', value: 500, recovery: 600 }, for: -1, colour: 'red' }));
    assert.equal(bad.status, 400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    for (const f of ['condition.recovery', 'for', 'colour']) assert.ok(fields.includes(f), `${f} in ${JSON.stringify(fields)}`);
    const chan = await s.call('POST', '/api/v1/alerts/rules', rule({ channels: ['no-such-channel'] }));
    assert.equal(chan.status, 400);
    assert.deepEqual(chan.body.error.details, [{ field: 'channels.0', message: 'no notification channel "no-such-channel"' }]);
    const withId = await s.call('POST', '/api/v1/alerts/rules', rule({ id: 'mine' }));
    assert.equal(withId.body.error.details[0].field, 'id');
    const c = await s.call('POST', '/api/v1/alerts/rules', rule());
    const otherId = await s.call('PUT', `/api/v1/alerts/rules/${c.body.id}`, rule({ id: 'other' }));
    assert.equal(otherId.status, 400);
    assert.equal((await s.call('PUT', '/api/v1/alerts/rules/ghost', rule())).status, 404);
    assert.equal((await s.call('GET', '/api/v1/alerts/rules', undefined, { token: null })).status, 401);
  });

  test('rules: scope follows the models a rule names', async () => {
    // editors of team risk may not write a rule on churn, nor one on every model; viewers never write
    assert.equal((await s.call('POST', '/api/v1/alerts/rules', rule({ model: 'churn' }), editorRisk)).status, 403);
    assert.equal((await s.call('POST', '/api/v1/alerts/rules', rule({ model: undefined }), editorRisk)).status, 403);
    assert.equal((await s.call('POST', '/api/v1/alerts/rules', rule(), viewer)).status, 403);
    const churn = await s.call('POST', '/api/v1/alerts/rules', rule({ model: 'churn', name: 'churn rule' }));
    const fraud = await s.call('POST', '/api/v1/alerts/rules', rule({ name: 'fraud rule' }));
    const names = async (who: Session) => ((await s.call('GET', '/api/v1/alerts/rules', undefined, who)).body.items as { name: string }[]).map((r) => r.name);
    assert.ok((await names(viewerRisk)).includes('fraud rule'));
    assert.ok(!(await names(viewerRisk)).includes('churn rule'));
    assert.ok((await names(viewer)).includes('churn rule'));
    assert.equal((await s.call('GET', `/api/v1/alerts/rules/${churn.body.id}`, undefined, viewerRisk)).status, 404, 'unreadable reads as missing');
    assert.equal((await s.call('DELETE', `/api/v1/alerts/rules/${churn.body.id}`, undefined, editorRisk)).status, 404);
    assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${fraud.body.id}`, rule({ model: ['fraud', 'churn'] }), editorRisk)).status, 403, 'cannot widen a rule past its scope');
  });

  test('alerts and history: current states and transitions, filtered by scope', async () => {
    const fraud = await s.call('POST', '/api/v1/alerts/rules', rule({ name: 'fraud firing', group_by: ['version'] }));
    const churn = await s.call('POST', '/api/v1/alerts/rules', rule({ name: 'churn pending', model: 'churn', severity: 'warning' }));
    const meta = s.server.ctx.stores.meta;
    const since = Date.UTC(2025, 0, 15, 10);
    const step = (ruleId: string, labels: Record<string, string>, from: string, to: string) =>
      meta.recordEvaluation({ rule_id: ruleId, series_key: JSON.stringify(labels), labels, state: to, detail: { status: to, since, value: 812, error: null }, transition: { from_state: from, to_state: to, value: 812, detail: {} }, notifications: [] }, new Date(since).toISOString());
    await step(fraud.body.id, { version: 'v1' }, 'ok', 'firing');
    await step(fraud.body.id, { version: 'v2' }, 'firing', 'resolved');
    await step(churn.body.id, {}, 'ok', 'pending');

    const all = await s.call('GET', '/api/v1/alerts', undefined, viewer);
    assert.equal(all.status, 200);
    const mine = all.body.items.filter((a: { rule_id: string }) => [fraud.body.id, churn.body.id].includes(a.rule_id));
    assert.deepEqual(mine.map((a: any) => [a.rule_name, a.state, a.severity, a.labels, a.since]), [
      ['fraud firing', 'firing', 'critical', { version: 'v1' }, '2025-01-15T10:00:00.000Z'],
      ['churn pending', 'pending', 'warning', {}, '2025-01-15T10:00:00.000Z'],
    ]);
    const scoped = await s.call('GET', '/api/v1/alerts', undefined, viewerRisk);
    assert.ok(scoped.body.items.every((a: { rule_id: string }) => a.rule_id !== churn.body.id));
    const firing = await s.call('GET', '/api/v1/alerts?state=pending', undefined, viewer);
    assert.ok(firing.body.items.every((a: { state: string }) => a.state === 'pending'));
    assert.equal((await s.call('GET', '/api/v1/alerts?state=bogus')).body.error.details[0].field, 'state');

    const h = await s.call('GET', `/api/v1/alerts/history?rule=${fraud.body.id}&limit=1`, undefined, viewerRisk);
    assert.equal(h.status, 200);
    assert.equal(h.body.items.length, 1);
    assert.equal(h.body.items[0].rule_name, 'fraud firing');
    const hs = await s.call('GET', `/api/v1/alerts/history?since=2030-01-01T00:00:00Z`);
    assert.deepEqual(hs.body.items, []);
    assert.equal((await s.call('GET', `/api/v1/alerts/history?rule=${churn.body.id}`, undefined, viewerRisk)).status, 404);
    const hScoped = await s.call('GET', '/api/v1/alerts/history', undefined, viewerRisk);
    assert.ok(hScoped.body.items.every((t: { rule_id: string }) => t.rule_id !== churn.body.id));
    assert.equal((await s.call('GET', '/api/v1/alerts/history?limit=0')).body.error.details[0].field, 'limit');
  });

  test('alerts: a disabled rule raises none (its frozen state would disagree with the health colour, which ignores it)', async () => {
    const r = await s.call('POST', '/api/v1/alerts/rules', rule({ name: 'disabled later' }));
    const labels = {};
    await s.server.ctx.stores.meta.recordEvaluation({ rule_id: r.body.id, series_key: '{}', labels, state: 'firing', detail: { status: 'firing', since: Date.now(), value: 900, error: null }, transition: { from_state: 'ok', to_state: 'firing', value: 900, detail: {} }, notifications: [] }, new Date().toISOString());
    const ids = async () => (await s.call('GET', '/api/v1/alerts')).body.items.map((a: { rule_id: string }) => a.rule_id);
    assert.ok((await ids()).includes(r.body.id));
    assert.equal((await s.call('PUT', `/api/v1/alerts/rules/${r.body.id}`, { ...r.body, enabled: false })).status, 200);
    assert.ok(!(await ids()).includes(r.body.id), 'a disabled rule is not evaluated: its last state is not a current alert');
  });

  test('silences: create, list active or all, expire; scope by the model matcher', async () => {
    const ends = new Date(Date.now() + 3_600_000).toISOString();
    const c = await s.call('POST', '/api/v1/alerts/silences', { matchers: { model: 'fraud', severity: 'warning' }, ends_at: ends, comment: 'deploying v3' }, editorRisk);
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.ends_at, ends);
    assert.equal((await s.call('POST', '/api/v1/alerts/silences', { matchers: { model: 'churn' }, ends_at: ends, comment: 'x' }, editorRisk)).status, 403);
    assert.equal((await s.call('POST', '/api/v1/alerts/silences', { matchers: { severity: 'info' }, ends_at: ends, comment: 'x' }, editorRisk)).status, 403, 'no model matcher mutes every model');
    assert.equal((await s.call('POST', '/api/v1/alerts/silences', { matchers: { model: 'fraud' }, ends_at: ends, comment: 'x' }, viewer)).status, 403);
    const bad = await s.call('POST', '/api/v1/alerts/silences', { matchers: {}, ends_at: 'tomorrow', comment: '' });
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field).sort(), ['comment', 'ends_at', 'matchers']);
    const backwards = await s.call('POST', '/api/v1/alerts/silences', { matchers: { model: 'fraud' }, starts_at: ends, ends_at: new Date().toISOString(), comment: 'oops' });
    assert.equal(backwards.status, 400);

    const active = await s.call('GET', '/api/v1/alerts/silences', undefined, viewerRisk);
    assert.ok(active.body.items.some((x: { id: string }) => x.id === c.body.id));
    const ex = await s.call('POST', `/api/v1/alerts/silences/${c.body.id}/expire`, undefined, editorRisk);
    assert.equal(ex.status, 200);
    assert.ok(ex.body.ends_at <= new Date().toISOString());
    assert.ok(!(await s.call('GET', '/api/v1/alerts/silences')).body.items.some((x: { id: string }) => x.id === c.body.id));
    assert.ok((await s.call('GET', '/api/v1/alerts/silences?all=true')).body.items.some((x: { id: string }) => x.id === c.body.id));
    assert.equal((await s.call('POST', '/api/v1/alerts/silences/ghost/expire')).status, 404);
  });
});
