// Webhook, Slack, PagerDuty and retraining triggers against a real node:http receiver.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { parseChannel, type Channel } from './channel.ts';
import { sendRetrainTrigger } from './retrain.ts';
import { sendNotification, type NotifyContext } from './send.ts';
import { closedPort, recordingLogger, sampleNotification, startReceiver, type Receiver } from './testing.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const ROUTING_KEY = 'pd-routing-key-R0UT1NG';
const SLACK_PATH = '/services/T000/B000/sl4ck-t0ken-XYZ';

let rx: Receiver;
before(async () => {
  rx = await startReceiver();
});
after(() => rx.close());

function channel(input: unknown): Channel {
  const p = parseChannel(input);
  if (!p.ok) throw new Error(p.message);
  return p.channel;
}

function context(timeoutMs = 2000) {
  const log = recordingLogger();
  const ctx: NotifyContext = { fetch, clock: { now: () => Date.now() }, log, timeoutMs };
  return { ctx, log };
}

/** The documented scheme, written out independently of signature.ts. */
function verifies(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const ts = String(headers['x-vigil-timestamp']);
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  return headers['x-vigil-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

test('webhook: signed JSON whose signature verifies with the documented scheme', async () => {
  rx.requests.length = 0;
  rx.answer = () => ({ status: 204 });
  const { ctx } = context();
  const r = await sendNotification(ctx, channel({ type: 'webhook', url: `${rx.url}/hook`, secret: SECRET }), sampleNotification());
  assert.deepEqual(r, { ok: true, status: 204 });
  const req = rx.requests[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/hook');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['x-vigil-event'], 'alert');
  assert.match(String(req.headers['x-vigil-signature']), /^sha256=[0-9a-f]{64}$/);
  assert.ok(verifies(SECRET, req.headers, req.body), 'signature verifies');
  assert.ok(!verifies('another-secret-0123456789', req.headers, req.body), 'a wrong secret does not verify');
  assert.ok(!verifies(SECRET, req.headers, req.body.replace('812', '813')), 'a changed body does not verify');
  const body = JSON.parse(req.body);
  assert.equal(body.schema_version, 2);
  assert.equal(body.event, 'alert');
  assert.equal(body.status, 'firing');
  assert.deepEqual(body.rule, { id: 'rule-latency-p99', name: 'HighLatencyP99' });
  assert.equal(body.group_key, 'rule-latency-p99/8f2c1a', 'a single notification is a group of one, keyed by its dedup key');
  assert.equal(body.alerts.length, 1);
  const [one] = body.alerts;
  assert.equal(one.status, 'firing');
  assert.equal(one.labels.model, 'fraud-detector');
  assert.equal(one.value, 812);
  assert.equal(one.starts_at, '2025-01-15T10:00:00.000Z');
  assert.equal(one.ends_at, null);
  assert.equal(one.dedup_key, 'rule-latency-p99/8f2c1a');
});

test('the Python verification snippet in docs/notifications.md accepts a real request and refuses a forged one', async (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) return t.skip('python3 not installed');
  const doc = fs.readFileSync(new URL('../../../../docs/notifications.md', import.meta.url), 'utf8');
  const snippet = /```python\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(snippet, 'docs/notifications.md has a python block');
  rx.requests.length = 0;
  rx.answer = () => ({ status: 204 });
  await sendNotification(context().ctx, channel({ type: 'webhook', url: `${rx.url}/hook`, secret: SECRET }), sampleNotification({ annotations: { summary: 'naïve – ünïcode' } }));
  const req = rx.requests[0]!;
  const check = `${snippet}\nimport sys, json\nd = json.load(sys.stdin)\nprint(verify_vigil(d["secret"], d["body"].encode(), d["ts"], d["sig"]))\n`;
  const run = (secret: string, body: string) =>
    spawnSync('python3', ['-c', check], { input: JSON.stringify({ secret, body, ts: req.headers['x-vigil-timestamp'], sig: req.headers['x-vigil-signature'] }), encoding: 'utf8' });
  const good = run(SECRET, req.body);
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stdout.trim(), 'True');
  assert.equal(run(SECRET, req.body.replace('812', '999')).stdout.trim(), 'False');
  assert.equal(run('not-the-secret-0123456789', req.body).stdout.trim(), 'False');
});

test('slack: incoming-webhook JSON with text and blocks', async () => {
  rx.requests.length = 0;
  rx.answer = () => ({ status: 200, body: 'ok' });
  const { ctx } = context();
  const n = sampleNotification({ status: 'resolved', ends_at: Date.UTC(2025, 0, 15, 10, 30), annotations: { summary: 'p99 <back> to normal & fine' } });
  const r = await sendNotification(ctx, channel({ type: 'slack', webhook_url: `${rx.url}${SLACK_PATH}` }), n);
  assert.equal(r.ok, true);
  const req = rx.requests[0]!;
  assert.equal(req.url, SLACK_PATH);
  const body = JSON.parse(req.body);
  // the push text is mrkdwn as well: escaped, so a label or annotation cannot mention <!channel>
  assert.equal(body.text, '[RESOLVED] HighLatencyP99 (critical): p99 &lt;back&gt; to normal &amp; fine');
  assert.ok(Array.isArray(body.blocks) && body.blocks.length >= 3);
  assert.equal(body.blocks[0].type, 'section');
  assert.match(body.blocks[0].text.text, /p99 &lt;back&gt; to normal &amp; fine/);
  const all = JSON.stringify(body.blocks);
  assert.match(all, /2025-01-15T10:30:00.000Z/);
  assert.match(all, /<http:\/\/vigil.example.com\/alerts\/rule-latency-p99\|Open in Vigil>/);
  assert.match(all, /Runbook/);
});

test('pagerduty: Events v2 trigger then resolve on the same dedup_key', async () => {
  rx.requests.length = 0;
  rx.answer = () => ({ status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"rule-latency-p99/8f2c1a"}' });
  const { ctx } = context();
  const ch = channel({ type: 'pagerduty', routing_key: ROUTING_KEY, url: `${rx.url}/v2/enqueue` });
  assert.equal((await sendNotification(ctx, ch, sampleNotification())).ok, true);
  assert.equal((await sendNotification(ctx, ch, sampleNotification({ status: 'resolved', ends_at: Date.now() }))).ok, true);
  const [trigger, resolve] = rx.requests.map((r) => JSON.parse(r.body));
  assert.equal(rx.requests[0]!.url, '/v2/enqueue');
  assert.equal(trigger.routing_key, ROUTING_KEY);
  assert.equal(trigger.event_action, 'trigger');
  assert.equal(trigger.dedup_key, 'rule-latency-p99/8f2c1a');
  assert.equal(trigger.payload.severity, 'critical');
  assert.equal(trigger.payload.source, 'fraud-detector');
  assert.equal(trigger.payload.summary, 'HighLatencyP99: p99 latency 812 ms is above 500 ms');
  assert.equal(trigger.payload.timestamp, '2025-01-15T10:00:00.000Z');
  assert.deepEqual(trigger.links[0], { href: 'http://vigil.example.com/alerts/rule-latency-p99', text: 'Open in Vigil' });
  assert.deepEqual(resolve, { routing_key: ROUTING_KEY, dedup_key: 'rule-latency-p99/8f2c1a', event_action: 'resolve' });
});

test('retry classification: 5xx, 429 and time-outs and refused connections are retryable; 4xx is not', async () => {
  const ch = channel({ type: 'webhook', url: `${rx.url}/hook`, secret: SECRET });
  const n = sampleNotification();

  rx.answer = () => ({ status: 503, body: 'upstream down' });
  let r = await sendNotification(context().ctx, ch, n);
  assert.ok(!r.ok && r.retryable && r.code === 'server_error' && r.status === 503);
  assert.match(r.message, /^webhook at http:\/\/127\.0\.0\.1:\d+ answered 503: upstream down \(will retry\)$/);

  rx.answer = () => ({ status: 429, headers: { 'retry-after': '30' }, body: 'slow down' });
  r = await sendNotification(context().ctx, ch, n);
  assert.ok(!r.ok && r.retryable && r.code === 'rate_limited' && r.retry_after_ms === 30_000);

  rx.answer = () => ({ status: 400, body: '{"error":"bad payload"}' });
  r = await sendNotification(context().ctx, ch, n);
  assert.ok(!r.ok && !r.retryable && r.code === 'rejected' && r.status === 400);
  assert.match(r.message, /answered 400: \{"error":"bad payload"\} \(rejected; fix the channel or payload, not retried\)/);

  rx.answer = () => 'hang';
  r = await sendNotification(context(200).ctx, ch, n);
  assert.ok(!r.ok && r.retryable && r.code === 'timeout', JSON.stringify(r));
  assert.match(r.message, /did not answer in time/);

  const port = await closedPort();
  r = await sendNotification(context().ctx, channel({ type: 'webhook', url: `http://127.0.0.1:${port}/hook`, secret: SECRET }), n);
  assert.ok(!r.ok && r.retryable && r.code === 'network', JSON.stringify(r));
  assert.match(r.message, /unreachable \(ECONNREFUSED\)/);
});

test('secrets never reach a result message or a log line, even when the receiver echoes them', async () => {
  // the worst receiver: it answers 400 with the whole request, path and headers included
  rx.answer = (req) => ({ status: 400, body: JSON.stringify({ url: req.url, headers: req.headers, body: req.body }) });
  const channels = [
    channel({ type: 'webhook', url: `${rx.url}/hook`, secret: SECRET }),
    channel({ type: 'slack', webhook_url: `${rx.url}${SLACK_PATH}` }),
    channel({ type: 'pagerduty', routing_key: ROUTING_KEY, url: `${rx.url}/v2/enqueue` }),
  ];
  for (const ch of channels) {
    const { ctx, log } = context();
    const r = await sendNotification(ctx, ch, sampleNotification());
    assert.ok(!r.ok && !r.retryable);
    const seen = [r.message, ...log.lines].join('\n');
    assert.ok(log.lines.length > 0);
    for (const s of [SECRET, ROUTING_KEY, SLACK_PATH, 'sl4ck-t0ken-XYZ']) assert.ok(!seen.includes(s), `${s} leaked for ${ch.type}: ${seen}`);
  }
});

test('retraining trigger: a signed webhook with model, version, reason and evidence', async () => {
  rx.requests.length = 0;
  rx.answer = () => ({ status: 200, body: '{}' });
  const r = await sendRetrainTrigger(
    { url: `${rx.url}/api/v1/dags/retrain/dagRuns`, secret: SECRET },
    { trigger_id: 'tr-1', model: 'fraud-detector', version: '12', rule_id: 'rule-drift', reason: 'dataset drift share 0.6 above 0.5', evidence: { drift_share: 0.6, drifted: ['amount', 'country'] }, triggered_at: Date.UTC(2025, 0, 15, 11), generator_url: 'http://vigil.example.com/models/fraud-detector' },
    { fetch, now: Date.now() },
  );
  assert.equal(r.ok, true);
  const req = rx.requests[0]!;
  assert.equal(req.headers['x-vigil-event'], 'retrain');
  assert.ok(verifies(SECRET, req.headers, req.body));
  const body = JSON.parse(req.body);
  assert.equal(body.event, 'retrain');
  assert.equal(body.model, 'fraud-detector');
  assert.equal(body.version, '12');
  assert.deepEqual(body.evidence.drifted, ['amount', 'country']);
  assert.equal(body.triggered_at, '2025-01-15T11:00:00.000Z');
});
