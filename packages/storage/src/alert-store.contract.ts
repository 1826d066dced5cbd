import { isolated, rejectsWith, T } from './shared.contract.ts';
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Evaluation } from './alert-store.ts';
import type { MetaStore } from './meta-store.ts';

/** An initialised MetaStore on fresh data; `reopen` opens the same data again (durability). */
export interface AlertStoreHarness {
  store: MetaStore;
  cleanup: () => Promise<void>;
  reopen?: () => Promise<MetaStore>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const spec = { metric: 'latency.p99', kind: 'threshold', op: 'above', value: 250, filters: { model: 'fraud' }, nested: { list: [1, 'two', null] } };

function evaluation(ruleId: string, channelId: string | null, over: Partial<Evaluation> = {}): Evaluation {
  return {
    rule_id: ruleId, series_key: '{"model":"fraud"}', labels: { model: 'fraud' }, state: 'firing', detail: { since: T(1), value: 300 },
    transition: { from_state: 'pending', to_state: 'firing', value: 300, detail: { threshold: 250 } },
    notifications: channelId === null ? [] : [{ dedup_key: `${ruleId}/fraud/firing/${T(1)}`, channel_id: channelId, payload: { status: 'firing', value: 300 } }],
    ...over,
  };
}

/** Alert rules, states, history, silences, channels and the durable outbox. */
export function runAlertStoreContract(name: string, make: () => Promise<AlertStoreHarness>): void {
  const test = isolated(make);
  describe(`AlertStore contract: ${name}`, () => {
    test('rules: created with a UUID, read back as given, listed oldest first, updated, deleted; unknown ids are not_found', async (store) => {
      const a = await store.createAlertRule({ name: 'p99 high', enabled: true, spec, created_by: 'u1' }, T(1));
      const b = await store.createAlertRule({ name: 'drift', enabled: false, spec: { kind: 'drift' }, created_by: null }, T(2));
      assert.match(a.id, UUID);
      assert.deepEqual([a.name, a.enabled, a.spec, a.created_by, a.created_at, a.updated_at], ['p99 high', true, spec, 'u1', T(1), T(1)]);
      assert.deepEqual((await store.listAlertRules()).map((r) => r.id), [a.id, b.id]);
      const u = await store.updateAlertRule(a.id, { name: 'p99 very high', enabled: false, spec: { ...spec, value: 400 } }, T(3));
      assert.deepEqual([u.name, u.enabled, u.spec.value, u.created_at, u.updated_at], ['p99 very high', false, 400, T(1), T(3)]);
      assert.deepEqual(await store.getAlertRule(a.id), u);
      await rejectsWith(store.updateAlertRule('nope', { name: 'x', enabled: true, spec }, T(4)), 'not_found');
      await store.deleteAlertRule(b.id);
      assert.equal(await store.getAlertRule(b.id), null);
      await rejectsWith(store.deleteAlertRule(b.id), 'not_found');
    });

    test('an evaluation writes state, transition and notifications at once; a dedup key is enqueued once; a failure writes nothing', async (store) => {
      const rule = await store.createAlertRule({ name: 'r', enabled: true, spec, created_by: null }, T(0));
      const ch = await store.createChannel({ name: 'ops hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/x', secret: 's'.repeat(20) } }, T(0));
      assert.deepEqual(await store.recordEvaluation(evaluation(rule.id, ch.id), T(1)), { enqueued: 1 });
      // the same transition evaluated again (a retry, a second replica): no second notification
      assert.deepEqual(await store.recordEvaluation(evaluation(rule.id, ch.id), T(2)), { enqueued: 0 });
      const states = await store.listAlertStates(rule.id);
      assert.equal(states.length, 1);
      assert.deepEqual([states[0]!.state, states[0]!.labels, states[0]!.detail, states[0]!.updated_at], ['firing', { model: 'fraud' }, { since: T(1), value: 300 }, T(2)]);
      const history = await store.listAlertTransitions({ ruleId: rule.id });
      assert.equal(history.length, 2, 'each recorded transition is history');
      assert.deepEqual([history[0]!.from_state, history[0]!.to_state, history[0]!.value, history[0]!.detail, history[0]!.at], ['pending', 'firing', 300, { threshold: 250 }, T(2)]);
      assert.equal((await store.listNotifications()).length, 1);
      // an unknown channel: nothing of the evaluation is written
      await rejectsWith(store.recordEvaluation(evaluation(rule.id, 'ghost', { state: 'ok', notifications: [{ dedup_key: 'k2', channel_id: 'ghost', payload: {} }] }), T(3)), 'not_found');
      assert.equal((await store.listAlertStates(rule.id))[0]!.state, 'firing');
      assert.equal((await store.listAlertTransitions({ ruleId: rule.id })).length, 2);
      await rejectsWith(store.recordEvaluation(evaluation('no-such-rule', null), T(3)), 'not_found');
      // without a transition: the state moves, history does not
      await store.recordEvaluation(evaluation(rule.id, null, { state: 'firing', transition: null, detail: { since: T(1), value: 310 } }), T(4));
      assert.equal((await store.listAlertTransitions({ ruleId: rule.id })).length, 2);
      assert.deepEqual((await store.listAlertStates())[0]!.detail, { since: T(1), value: 310 });
      // history by time, newest first, limited; a deleted rule's states go, its history stays
      assert.equal((await store.listAlertTransitions({ since: T(2) })).length, 1);
      assert.equal((await store.listAlertTransitions({ limit: 1 })).length, 1);
      await store.deleteAlertRule(rule.id);
      assert.deepEqual(await store.listAlertStates(rule.id), []);
      assert.equal((await store.listAlertTransitions({ ruleId: rule.id })).length, 2);
    });

    test('the outbox: claimed with a lease, not twice while it holds, again after it runs out; retried or given up; delivered', async (store) => {
      const rule = await store.createAlertRule({ name: 'r', enabled: true, spec, created_by: null }, T(0));
      const ch = await store.createChannel({ name: 'mail', type: 'email', config: { to: ['a@example.com'] } }, T(0));
      for (const k of ['a', 'b', 'c']) await store.recordEvaluation(evaluation(rule.id, null, { notifications: [{ dedup_key: k, channel_id: ch.id, payload: { k } }] }), T(1));
      const first = await store.claimNotifications(T(2), T(5), 2);
      assert.deepEqual(first.map((e) => [e.dedup_key, e.status, e.attempts, e.lease_until]), [['a', 'sending', 1, T(5)], ['b', 'sending', 1, T(5)]]);
      assert.deepEqual((await store.claimNotifications(T(3), T(6), 10)).map((e) => e.dedup_key), ['c'], 'a held lease is not claimed again');
      assert.deepEqual(await store.claimNotifications(T(4), T(7), 10), []);
      await store.markNotificationSent(first[0]!.id, T(4));
      await store.markNotificationFailed(first[1]!.id, 'HTTP 503', T(8));
      // c's sender died: its lease runs out at T(6) and it is due again, one attempt more
      const again = await store.claimNotifications(T(6), T(9), 10);
      assert.deepEqual(again.map((e) => [e.dedup_key, e.attempts]), [['c', 2]]);
      assert.deepEqual((await store.claimNotifications(T(8), T(12), 10)).map((e) => [e.dedup_key, e.attempts, e.last_error]), [['b', 2, 'HTTP 503']]);
      await store.markNotificationFailed(again[0]!.id, 'HTTP 400: bad payload', null);
      const all = await store.listNotifications();
      assert.deepEqual(Object.fromEntries(all.map((e) => [e.dedup_key, e.status])), { a: 'sent', b: 'sending', c: 'failed' });
      assert.equal(all.find((e) => e.dedup_key === 'a')!.sent_at, T(4));
      assert.deepEqual((await store.listNotifications({ status: 'failed' })).map((e) => e.dedup_key), ['c']);
      await rejectsWith(store.markNotificationSent(999_999, T(9)), 'not_found');
      // a channel with notifications waiting cannot be deleted; once they are done it can
      await rejectsWith(store.deleteChannel(ch.id), 'conflict');
      await store.markNotificationSent(all.find((e) => e.dedup_key === 'b')!.id, T(9));
      await store.deleteChannel(ch.id);
      assert.equal(await store.getChannel(ch.id), null);
    });

    test('the outbox: a sender whose lease ran out cannot undo what the next holder settled', async (store) => {
      const rule = await store.createAlertRule({ name: 'r', enabled: true, spec, created_by: null }, T(0));
      const ch = await store.createChannel({ name: 'hook', type: 'webhook', config: {} }, T(0));
      await store.recordEvaluation(evaluation(rule.id, null, { notifications: [{ dedup_key: 'slow', channel_id: ch.id, payload: {} }] }), T(1));
      const [a] = await store.claimNotifications(T(2), T(3), 1); // sender A: lease until T(3), then stalls
      const [b] = await store.claimNotifications(T(4), T(6), 1); // sender B: claims it again and delivers
      assert.equal(a!.id, b!.id);
      await store.markNotificationSent(b!.id, T(5));
      // A finally comes back with a failure: the delivered entry must stay delivered, not be sent again
      await store.markNotificationFailed(a!.id, 'HTTP 503', T(7));
      assert.equal((await store.listNotifications())[0]?.status, 'sent', 'a late failure re-queued a delivered entry');
      await store.markNotificationSent(a!.id, T(8));
      const [e] = await store.listNotifications();
      assert.deepEqual([e!.status, e!.sent_at, e!.last_error], ['sent', T(5), null]);
      assert.deepEqual(await store.claimNotifications(T(9), T(10), 5), [], 'a delivered entry is never due again');
      // a given-up entry stays given up too
      await store.recordEvaluation(evaluation(rule.id, null, { notifications: [{ dedup_key: 'bad', channel_id: ch.id, payload: {} }] }), T(11));
      const [c] = await store.claimNotifications(T(12), T(13), 1);
      await store.markNotificationFailed(c!.id, 'HTTP 400', null);
      await store.markNotificationFailed(c!.id, 'HTTP 503', T(14));
      assert.equal((await store.listNotifications({ status: 'failed' }))[0]?.last_error, 'HTTP 400');
      await rejectsWith(store.markNotificationFailed(999_999, 'x', null), 'not_found');
    });

    test('retention: settled outbox entries and transitions before the cut go; pending and sending entries and each live series\' newest transition stay', async (store) => {
      const rule = await store.createAlertRule({ name: 'r', enabled: true, spec, created_by: null }, T(0));
      const gone = await store.createAlertRule({ name: 'deleted later', enabled: true, spec, created_by: null }, T(0));
      const ch = await store.createChannel({ name: 'hook', type: 'webhook', config: {} }, T(0));
      const step = (ruleId: string, series: string, at: string, to: string) =>
        store.recordEvaluation(evaluation(ruleId, null, { series_key: `{"s":"${series}"}`, labels: { s: series }, state: to, transition: { from_state: 'x', to_state: to, value: null, detail: {} } }), at);
      await step(rule.id, 'a', T(1), 'pending');
      await step(rule.id, 'a', T(2), 'firing');
      await step(rule.id, 'a', T(3), 'resolved'); // a's newest, before the cut: kept
      await step(rule.id, 'b', T(2), 'firing');
      await step(rule.id, 'b', T(20), 'resolved'); // b's newest is inside the window: b's T(2) goes
      await step(rule.id, 'd', T(2), 'firing'); // d's only transition: kept
      await step(rule.id, 'e', T(4), 'pending');
      await step(rule.id, 'e', T(4), 'firing'); // two at one instant: the later written is the newest
      await step(gone.id, 'c', T(2), 'firing');
      await step(gone.id, 'c', T(3), 'resolved');
      await store.deleteAlertRule(gone.id); // c has no state any more: all of its old history goes

      // outbox entries, each created at `at`; settled ones are claimed and marked at once
      const enqueue = (key: string, at: string) =>
        store.recordEvaluation(evaluation(rule.id, null, { series_key: '{}', labels: {}, state: 'ok', transition: null, notifications: [{ dedup_key: key, channel_id: ch.id, payload: { k: key } }] }), at);
      const settle = async (key: string, at: string, outcome: 'sent' | 'failed') => {
        await enqueue(key, at);
        const [e] = await store.claimNotifications(at, T(30), 1);
        assert.equal(e?.dedup_key, key);
        if (outcome === 'sent') await store.markNotificationSent(e!.id, at);
        else await store.markNotificationFailed(e!.id, 'HTTP 400', null);
      };
      await settle('old-sent', T(1), 'sent');
      await settle('old-failed', T(1), 'failed');
      // retraining triggers are outbox entries too, and are listed from the outbox
      await settle('retrain|fraud|old', T(5), 'sent');
      await settle('retrain|fraud|at-cut', T(10), 'sent');
      await settle('retrain|fraud|recent', T(25), 'failed');
      await enqueue('old-sending', T(1));
      assert.deepEqual((await store.claimNotifications(T(26), T(40), 1)).map((e) => e.dedup_key), ['old-sending']);
      await enqueue('old-pending', T(1));

      assert.deepEqual(await store.pruneAlertHistory(T(10)), { notifications: 3, transitions: 6 });

      const left = await store.listNotifications({ limit: 10_000 });
      assert.deepEqual(left.map((e) => e.dedup_key).sort(), ['old-pending', 'old-sending', 'retrain|fraud|at-cut', 'retrain|fraud|recent']);
      assert.equal(left.find((e) => e.dedup_key === 'old-sending')?.status, 'sending');
      assert.equal(left.find((e) => e.dedup_key === 'old-pending')?.status, 'pending');
      // the triggers inside the window are still listed, newest first, with their delivery
      assert.deepEqual(left.filter((e) => e.dedup_key.startsWith('retrain|')).map((e) => [e.dedup_key, e.status]), [['retrain|fraud|recent', 'failed'], ['retrain|fraud|at-cut', 'sent']]);

      const history = await store.listAlertTransitions({ limit: 10_000 });
      assert.deepEqual(history.map((t) => [t.labels.s, t.to_state, t.at]).sort(), [
        ['a', 'resolved', T(3)], ['b', 'resolved', T(20)], ['d', 'firing', T(2)], ['e', 'firing', T(4)],
      ]);
      // the pending entry is still delivered; a second pass finds nothing more to remove
      assert.deepEqual((await store.claimNotifications(T(27), T(28), 5)).map((e) => e.dedup_key), ['old-pending']);
      assert.deepEqual(await store.pruneAlertHistory(T(10)), { notifications: 0, transitions: 0 });
      await rejectsWith(store.pruneAlertHistory('yesterday'), 'validation_failed');
    });

    test('silences: active and future ones listed, expired at once; an end before the start is refused', async (store) => {
      const s = await store.createSilence({ matchers: { model: 'fraud' }, starts_at: T(1), ends_at: T(10), comment: 'deploy window', created_by: 'u1' }, T(0));
      const later = await store.createSilence({ matchers: { severity: 'info' }, starts_at: T(20), ends_at: T(30), comment: 'later', created_by: null }, T(0));
      assert.match(s.id, UUID);
      assert.deepEqual((await store.listSilences(T(5))).map((x) => x.id), [s.id, later.id]);
      const ended = await store.expireSilence(s.id, T(6));
      assert.equal(ended.ends_at, T(6));
      assert.deepEqual((await store.listSilences(T(7))).map((x) => x.id), [later.id]);
      assert.equal((await store.listSilences(T(7), true)).length, 2);
      await rejectsWith(store.createSilence({ matchers: {}, starts_at: T(5), ends_at: T(5), comment: '', created_by: null }, T(0)), 'validation_failed');
      await rejectsWith(store.expireSilence('nope', T(1)), 'not_found');
    });

    test('channels: round trip with their config, listed, updated; unknown ids are not_found', async (store) => {
      const c = await store.createChannel({ name: 'pager', type: 'pagerduty', config: { routing_key: 'k'.repeat(32) } }, T(1));
      assert.deepEqual([c.name, c.type, c.config], ['pager', 'pagerduty', { routing_key: 'k'.repeat(32) }]);
      const u = await store.updateChannel(c.id, { name: 'pager 2', type: 'pagerduty', config: { routing_key: 'z'.repeat(32) } }, T(2));
      assert.deepEqual([u.name, u.config.routing_key, u.updated_at], ['pager 2', 'z'.repeat(32), T(2)]);
      assert.deepEqual((await store.listChannels()).map((x) => x.id), [c.id]);
      await rejectsWith(store.updateChannel('nope', { name: 'x', type: 'slack', config: {} }, T(3)), 'not_found');
      await rejectsWith(store.deleteChannel('nope'), 'not_found');
    });

    test('what was written survives a reopen: states, history and the outbox', async (_store, _t, h) => {
      if (!h.reopen) return;
      const rule = await h.store.createAlertRule({ name: 'r', enabled: true, spec, created_by: null }, T(0));
      const ch = await h.store.createChannel({ name: 'hook', type: 'webhook', config: {} }, T(0));
      await h.store.recordEvaluation(evaluation(rule.id, ch.id), T(1));
      const again = await h.reopen();
      assert.equal((await again.listAlertStates(rule.id))[0]!.state, 'firing');
      assert.equal((await again.listAlertTransitions()).length, 1);
      assert.deepEqual((await again.claimNotifications(T(2), T(3), 5)).map((e) => e.channel_id), [ch.id]);
    });
  });
}
