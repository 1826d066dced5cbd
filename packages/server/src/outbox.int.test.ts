// The notification outbox end to end: real servers over one data directory, a real HTTP receiver.
// A restart between evaluation and delivery (and one between a claim and its mark) loses nothing
// and sends each notification once; failures are retried with back-off or given up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';
import type { Clock } from './context.ts';
import { DELIVERY_ID_HEADER, deliveryId, OutboxWorker, retryDelayMs } from './notify/outbox-worker.ts';
import { verify } from './notify/signature.ts';
import { recordingLogger, sampleNotification, startReceiver, type Receiver } from './notify/testing.ts';
import { startServer, type RunningServer } from './server.ts';
import { TOKEN } from './testing/test-server.ts';

const SECRET = 'outbox-test-secret-0123456789';

async function boot(dir: string, intervalMs: number, clock?: Clock): Promise<RunningServer> {
  const config = loadConfig({ VIGIL_DATA_DIR: dir, VIGIL_PORT: '0', VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_ROLLUP_INTERVAL_MS: '3600000', VIGIL_LOG_LEVEL: 'silent', VIGIL_OUTBOX_INTERVAL_MS: String(intervalMs), VIGIL_NOTIFY_TIMEOUT_MS: '2000' });
  return startServer(config, { print: () => undefined, log: recordingLogger(), ...(clock ? { clock } : {}) });
}

async function api(srv: RunningServer, method: string, url: string, body?: unknown) {
  const res = await fetch(srv.url + url, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/** A rule and a webhook channel through the API; the evaluator's writes are simulated with recordEvaluation. */
async function setUp(srv: RunningServer, url: string) {
  const ch = await api(srv, 'POST', '/api/v1/alerts/channels', { name: 'hook', config: { type: 'webhook', url, secret: SECRET } });
  assert.equal(ch.status, 201, JSON.stringify(ch.body));
  const rule = await api(srv, 'POST', '/api/v1/alerts/rules', { name: 'p99', metric: 'latency.p99', group_by: ['model'], condition: { kind: 'threshold', op: 'above', value: 500 }, channels: [ch.body.id] });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));
  return { channel: ch.body.id as string, rule: rule.body.id as string };
}

async function enqueue(srv: RunningServer, rule: string, channel: string, model: string, status: 'firing' | 'resolved' = 'firing') {
  const labels = { model };
  const n = sampleNotification({ rule_id: rule, status, labels, dedup_key: `${rule}|${model}` });
  return srv.ctx.stores.meta.recordEvaluation({
    rule_id: rule, series_key: JSON.stringify(labels), labels, state: status, detail: { since: n.starts_at },
    transition: { from_state: status === 'firing' ? 'ok' : 'firing', to_state: status, value: 812, detail: {} },
    notifications: [{ dedup_key: `${rule}|${JSON.stringify(labels)}|${status}|${n.starts_at}|${channel}`, channel_id: channel, payload: { ...n } }],
  }, new Date().toISOString());
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('notification outbox', () => {
  let rx: Receiver;
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-outbox-'));
    dirs.push(d);
    return d;
  };
  before(async () => {
    rx = await startReceiver();
  });
  after(async () => {
    await rx.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('a restart before delivery, or between a claim and its mark, loses and duplicates nothing', async () => {
    rx.requests.length = 0;
    rx.answer = () => ({ status: 200, body: '{}' });
    const dir = tmp();
    // the first server's worker never runs: it stops "before the worker delivers"
    const first = await boot(dir, 3_600_000);
    const { rule, channel } = await setUp(first, `${rx.url}/hook`);
    for (const m of ['fraud', 'churn', 'credit']) assert.deepEqual(await enqueue(first, rule, channel, m), { enqueued: 1 });
    // the same transition evaluated again (a retried evaluation, a second replica) enqueues nothing
    assert.deepEqual(await enqueue(first, rule, channel, 'fraud'), { enqueued: 0 });
    // a sender claimed one and died before marking it: its lease holds it for a minute
    const now = Date.now();
    const claimed = await first.ctx.stores.meta.claimNotifications(new Date(now).toISOString(), new Date(now + 60_000).toISOString(), 1);
    assert.equal(claimed.length, 1);
    await first.close();
    assert.equal(rx.requests.length, 0);

    // a new process on the same data, its clock past the dead sender's lease
    const second = await boot(dir, 50, { now: () => Date.now() + 120_000 });
    try {
      await until('three deliveries', () => rx.requests.length >= 3);
      await until('the outbox to mark them sent', async () => (await second.ctx.stores.meta.listNotifications({ status: 'sent' })).length === 3);
      await new Promise((r) => setTimeout(r, 200)); // four more passes: nothing more goes out
      assert.equal(rx.requests.length, 3);
      const models = rx.requests.map((r) => JSON.parse(r.body).alerts[0].labels.model).sort();
      assert.deepEqual(models, ['churn', 'credit', 'fraud']);
      const entries = await second.ctx.stores.meta.listNotifications();
      assert.deepEqual(entries.map((e) => e.status), ['sent', 'sent', 'sent']);
      for (const r of rx.requests) {
        assert.ok(verify(SECRET, r.headers['x-vigil-timestamp'] as string, r.body, r.headers['x-vigil-signature'] as string, Date.now() + 120_000));
      }
      // each request carries its entry's delivery id, for receivers to drop a repeat
      const ids = rx.requests.map((r) => r.headers[DELIVERY_ID_HEADER.toLowerCase()]).sort();
      assert.deepEqual(ids, entries.map((e) => deliveryId(e.dedup_key)).sort());
      assert.equal(entries.find((e) => e.id === claimed[0]!.id)?.attempts, 2, 'the abandoned claim counted as an attempt');
    } finally {
      await second.close();
    }
  });

  test('retries: 503 twice then 200 is delivered once after 3 attempts; 400 is given up at once', async () => {
    const dir = tmp();
    const srv = await boot(dir, 3_600_000);
    try {
      const { rule, channel } = await setUp(srv, `${rx.url}/retry`);
      const worker = new OutboxWorker(srv.ctx, { fetch: (u, i) => fetch(u, i), clock: srv.ctx.clock, log: srv.ctx.log, timeoutMs: 2000 }, { intervalMs: 3_600_000, random: () => 0 });
      rx.requests.length = 0;
      let calls = 0;
      rx.answer = () => (++calls <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: '{}' });
      await enqueue(srv, rule, channel, 'fraud');
      for (let i = 0; i < 5; i++) await worker.tick();
      assert.equal(rx.requests.length, 3);
      const [sent] = await srv.ctx.stores.meta.listNotifications();
      assert.deepEqual([sent!.status, sent!.attempts], ['sent', 3]);

      rx.requests.length = 0;
      rx.answer = () => ({ status: 400, body: 'malformed' });
      await enqueue(srv, rule, channel, 'churn');
      for (let i = 0; i < 3; i++) await worker.tick();
      assert.equal(rx.requests.length, 1);
      const failed = (await srv.ctx.stores.meta.listNotifications({ status: 'failed' }))[0]!;
      assert.deepEqual([failed.attempts, failed.next_attempt_at <= new Date().toISOString()], [1, true]);
      assert.match(failed.last_error ?? '', /answered 400: malformed/);
    } finally {
      await srv.close();
    }
  });

  test('Retry-After is honoured, and a notification is given up after maxAttempts', async () => {
    const dir = tmp();
    const srv = await boot(dir, 3_600_000);
    try {
      const { rule, channel } = await setUp(srv, `${rx.url}/limited`);
      const worker = new OutboxWorker(srv.ctx, { fetch: (u, i) => fetch(u, i), clock: srv.ctx.clock, log: srv.ctx.log, timeoutMs: 2000 }, { intervalMs: 3_600_000, random: () => 0, maxAttempts: 2 });
      rx.requests.length = 0;
      rx.answer = () => ({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
      await enqueue(srv, rule, channel, 'fraud');
      const before = Date.now();
      await worker.tick();
      const [waiting] = await srv.ctx.stores.meta.listNotifications();
      assert.equal(waiting!.status, 'pending');
      assert.ok(Date.parse(waiting!.next_attempt_at) >= before + 119_000, waiting!.next_attempt_at);
      assert.equal(await worker.tick(), 0, 'not due before Retry-After');

      rx.answer = () => ({ status: 503, body: 'down' });
      const later = new OutboxWorker({ ...srv.ctx, clock: { now: () => Date.now() + 600_000 } }, { fetch: (u, i) => fetch(u, i), clock: srv.ctx.clock, log: srv.ctx.log, timeoutMs: 2000 }, { intervalMs: 3_600_000, random: () => 0, maxAttempts: 2 });
      await later.tick();
      const [gaveUp] = await srv.ctx.stores.meta.listNotifications();
      assert.deepEqual([gaveUp!.status, gaveUp!.attempts], ['failed', 2]);
      assert.match(gaveUp!.last_error ?? '', /gave up after 2 attempts/);
      assert.equal(rx.requests.length, 2);
    } finally {
      await srv.close();
    }
  });
});

test('back-off: full jitter under a doubling ceiling, never before Retry-After', () => {
  const o = { baseDelayMs: 1000, maxDelayMs: 60_000 };
  assert.equal(retryDelayMs(1, undefined, { ...o, random: () => 0.999 }), 999);
  assert.equal(retryDelayMs(3, undefined, { ...o, random: () => 0.5 }), 2000);
  assert.equal(retryDelayMs(20, undefined, { ...o, random: () => 0.5 }), 30_000);
  assert.equal(retryDelayMs(1, 120_000, { ...o, random: () => 0.5 }), 120_000);
  assert.equal(retryDelayMs(1, undefined, { ...o, random: () => 0 }), 0);
});
