// Grouped bodies: one message per group for webhook, Slack, email and Alertmanager; one PagerDuty
// event per alert; entries written before grouping still read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertmanagerAlert, sendAlertmanager } from './alertmanager.ts';
import { emailMessage } from './email.ts';
import { asGroup, groupHeadline, groupOf, OutboxPayloadSchema } from './group.ts';
import { sendPagerDuty } from './pagerduty.ts';
import type { FetchLike, SendOptions } from './result.ts';
import { slackPayload } from './slack.ts';
import { sampleNotification } from './testing.ts';
import { webhookPayload } from './webhook.ts';

const eu = sampleNotification({ labels: { model: 'fraud-eu' }, dedup_key: 'r|eu', annotations: { summary: 'eu p99 812 ms' } });
const us = sampleNotification({ labels: { model: 'fraud-us' }, dedup_key: 'r|us', annotations: { summary: 'us p99 901 ms' } });
const gone = sampleNotification({ status: 'resolved', ends_at: Date.UTC(2025, 0, 15, 11), labels: { model: 'fraud-ap' }, dedup_key: 'r|ap' });
const g = groupOf('r|group|ch|1', [eu, us, gone]);

function recorder(status = 202) {
  const bodies: unknown[] = [];
  const fetch: FetchLike = async (_url, init) => {
    bodies.push(JSON.parse(String(init.body)));
    return new Response('{}', { status });
  };
  const opts: SendOptions = { fetch, now: Date.UTC(2025, 0, 15, 12), signal: AbortSignal.timeout(5000) };
  return { bodies, opts };
}

test('a group is firing while any alert fires; its headline counts each status', () => {
  assert.equal(g.status, 'firing');
  assert.equal(groupHeadline(g), '[FIRING:2, RESOLVED:1] HighLatencyP99 (critical)');
  assert.equal(groupHeadline(groupOf('k', [gone])), '[RESOLVED] HighLatencyP99 (critical)');
  assert.equal(groupHeadline(groupOf('k', [eu, us])), '[FIRING:2] HighLatencyP99 (critical)');
});

test('an outbox payload from before grouping reads as a group of one keyed by its dedup key', () => {
  const legacy = OutboxPayloadSchema.parse({ ...eu });
  assert.deepEqual([legacy.group_key, legacy.alerts.length, legacy.alerts[0]?.dedup_key], ['r|eu', 1, 'r|eu']);
  const grouped = OutboxPayloadSchema.parse(JSON.parse(JSON.stringify(g)));
  assert.deepEqual(grouped.alerts.map((a) => a.dedup_key), ['r|eu', 'r|us', 'r|ap']);
  assert.equal(OutboxPayloadSchema.safeParse({ ...g, alerts: [] }).success, false);
  assert.equal(asGroup(g), g);
});

test('webhook: one body listing the alerts, each with its own status, labels and dedup key', () => {
  const b = webhookPayload(g);
  assert.deepEqual([b.schema_version, b.event, b.group_key, b.status, b.rule, b.severity], [2, 'alert', 'r|group|ch|1', 'firing', { id: 'rule-latency-p99', name: 'HighLatencyP99' }, 'critical']);
  assert.deepEqual(b.alerts.map((a) => [a.status, a.labels.model, a.dedup_key, a.ends_at]), [
    ['firing', 'fraud-eu', 'r|eu', null], ['firing', 'fraud-us', 'r|us', null], ['resolved', 'fraud-ap', 'r|ap', '2025-01-15T11:00:00.000Z'],
  ]);
});

test('slack: one message naming every alert; a group of one keeps the single-alert layout', () => {
  const m = slackPayload(g);
  assert.equal(m.text, '[FIRING:2, RESOLVED:1] HighLatencyP99 (critical)');
  const all = JSON.stringify(m.blocks);
  for (const s of ['eu p99 812 ms', 'us p99 901 ms', 'fraud-ap', '*RESOLVED*', 'Open in Vigil']) assert.ok(all.includes(s), s);
  const many = slackPayload(groupOf('k', Array.from({ length: 30 }, (_, i) => sampleNotification({ labels: { model: `m${i}` } }))));
  assert.ok(many.blocks.length <= 50, 'within Slack\'s block limit');
  assert.match(JSON.stringify(many.blocks), /and 10 more/);
  assert.equal(slackPayload(asGroup(eu)).text, '[FIRING] HighLatencyP99 (critical): eu p99 812 ms');
});

test('email: one mail with every alert', () => {
  const m = emailMessage(g);
  assert.equal(m.subject, '[FIRING:2, RESOLVED:1] HighLatencyP99 (critical)');
  for (const s of ['eu p99 812 ms', 'us p99 901 ms', 'label model: fraud-ap', 'Dedup key: r|us', 'group r|group|ch|1']) assert.ok(m.text.includes(s), s);
  assert.equal(m.html.split('<table>').length - 1, 3);
});

test('alertmanager: one POST with one alert per member', async () => {
  const { bodies, opts } = recorder(200);
  assert.equal((await sendAlertmanager({ type: 'alertmanager', url: 'http://am:9093' }, g, opts)).ok, true);
  assert.equal(bodies.length, 1);
  assert.deepEqual(bodies[0], [eu, us, gone].map((n) => JSON.parse(JSON.stringify(alertmanagerAlert(n, opts.now)))));
});

test('pagerduty: one event per alert, in order; the first failure stops the group (the outbox retries it, PagerDuty drops repeats by dedup_key)', async () => {
  const channel = { type: 'pagerduty' as const, routing_key: 'k'.repeat(32), url: 'https://events.pagerduty.com/v2/enqueue' };
  const ok = recorder();
  assert.equal((await sendPagerDuty(channel, g, ok.opts)).ok, true);
  assert.deepEqual(ok.bodies.map((b) => [(b as { event_action: string }).event_action, (b as { dedup_key: string }).dedup_key]), [['trigger', 'r|eu'], ['trigger', 'r|us'], ['resolve', 'r|ap']]);
  const failing = recorder(400);
  const r = await sendPagerDuty(channel, g, failing.opts);
  assert.equal(r.ok, false);
  assert.equal(failing.bodies.length, 1);
});
