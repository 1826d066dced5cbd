// Alerts end to end (issue 7, "Done when"): a running server, real receivers (an SMTP server, Debian's
// prometheus-alertmanager, a node:http webhook receiver), channels and rules made through the API, a
// latency incident and a drift incident ingested through the API, evaluation cycles at chosen
// instants, and delivery by the server's own outbox worker. Each receiver gets exactly the firing and
// the resolved notifications, once, and nothing after resolution; a restart between evaluation and
// delivery loses and duplicates nothing.
//
// The cycles call the evaluator with `now` (the scheduler is off) so each instant is exact; the
// outbox worker runs as in production, every 50 ms, on the real clock.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from './config.ts';
import { DELIVERY_ID_HEADER } from './notify/outbox-worker.ts';
import { verify } from './notify/signature.ts';
import { recordingLogger, startReceiver, type Receiver } from './notify/testing.ts';
import { startServer, type RunningServer } from './server.ts';
import { evaluateAlerts } from './services/evaluate-alerts.ts';
import { alertmanagerMissing, mailHeader, startAlertmanager, startSmtp, type AlertmanagerProcess, type SmtpReceiver } from './testing/alert-receivers.ts';
import { TOKEN } from './testing/test-server.ts';

const MIN = 60_000;
const H = 3_600_000;
const SECRET = 'e2e-webhook-secret-0123456789';
// five whole hours ago: hour k of the scenario is [B + k·H, B + (k+1)·H), all of it in the past
const B = Math.floor(Date.now() / H) * H - 5 * H;
const at = (hour: number, minute: number) => B + hour * H + minute * MIN + 1000;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(7);
const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const COLORS = ['red', 'green', 'blue'];

const MODEL = { id: 'shop', name: 'Shop ranker', task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }, { name: 'color', type: 'categorical' }] } };
const REFERENCE = `x,color\n${Array.from({ length: 2000 }, (_, i) => `${gauss()},${COLORS[i % 3]}`).join('\n')}\n`;

/** 20 predictions a minute over [from, to) minutes of hour `hour`: latency and whether features are shifted. */
function minutes(hour: number, from: number, to: number, o: { latency: number; shifted: boolean }) {
  const out: Record<string, unknown>[] = [];
  for (let m = from; m < to; m++) {
    for (let i = 0; i < 20; i++) {
      out.push({
        id: `h${hour}m${m}i${i}`, model: 'shop', version: 'v1', ts: B + hour * H + m * MIN + i * 3000, prediction: 1, score: 0.5, latency_ms: o.latency,
        features: o.shifted ? { x: gauss() + 3, color: 'blue' } : { x: gauss(), color: COLORS[i % 3] },
      });
    }
  }
  return out;
}

async function boot(dir: string, outboxMs: number): Promise<RunningServer> {
  const config = loadConfig({
    VIGIL_DATA_DIR: dir, VIGIL_PORT: '0', VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_ROLLUP_INTERVAL_MS: '3600000', VIGIL_LOG_LEVEL: 'silent',
    VIGIL_ALERTS_ENABLED: 'false', VIGIL_OUTBOX_INTERVAL_MS: String(outboxMs), VIGIL_NOTIFY_TIMEOUT_MS: '5000', VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0',
  });
  return startServer(config, { print: () => undefined, log: recordingLogger() });
}

async function api(srv: RunningServer, method: string, url: string, body?: unknown, contentType = 'application/json') {
  const raw = typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body);
  const res = await fetch(srv.url + url, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(raw ? { 'content-type': contentType } : {}) }, ...(raw ? { body: raw } : {}) });
  const out = { status: res.status, body: (await res.json().catch(() => null)) as any };
  assert.ok(out.status < 300, `${method} ${url} answered ${out.status}: ${JSON.stringify(out.body)}`);
  return out.body;
}

async function ingest(srv: RunningServer, records: Record<string, unknown>[]) {
  const body = await api(srv, 'POST', '/api/v1/predictions', records);
  assert.equal(body.accepted, records.length, JSON.stringify(body));
  await srv.ctx.stores.events.rollupStep();
}

// generous: CI runs on two loaded cores
const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 25));
  }
};
const settle = () => new Promise((res) => setTimeout(res, 400)); // eight more outbox passes

interface Rx {
  hook: Receiver;
  smtp: SmtpReceiver;
  am: AlertmanagerProcess;
}

/** The three channels, through the API. */
async function channels(srv: RunningServer, rx: Rx, tag: string): Promise<string[]> {
  const hook = await api(srv, 'POST', '/api/v1/alerts/channels', { name: `hook ${tag}`, config: { type: 'webhook', url: `${rx.hook.url}/vigil/${tag}`, secret: SECRET } });
  const mail = await api(srv, 'POST', '/api/v1/alerts/channels', { name: `mail ${tag}`, config: { type: 'email', smtp: { host: '127.0.0.1', port: rx.smtp.port, secure: false }, from: 'vigil@example.com', to: [`oncall-${tag}@example.com`] } });
  const am = await api(srv, 'POST', '/api/v1/alerts/channels', { name: `am ${tag}`, config: { type: 'alertmanager', url: rx.am.url } });
  return [hook.id, mail.id, am.id];
}

const latencyRule = (name: string, chs: string[], extra: Record<string, unknown> = {}) => ({
  name, metric: 'latency.p99', model: 'shop', group_by: ['model'], severity: 'critical', for: MIN, channels: chs,
  condition: { kind: 'threshold', op: 'above', value: 500, recovery: 400 }, labels: { team: 'ml-platform' },
  annotations: { summary: '{{ $labels.model }} p99 at {{ $value | printf "%.0f" }} ms' }, runbook_url: 'https://runbooks.example.com/latency', ...extra,
});

describe('alerts end to end', { skip: alertmanagerMissing }, () => {
  const rx = {} as Rx;
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
    dirs.push(d);
    return d;
  };
  before(async () => {
    [rx.hook, rx.smtp, rx.am] = await Promise.all([startReceiver(), startSmtp(), startAlertmanager()]);
  });
  after(async () => {
    await Promise.all([rx.hook?.close(), rx.smtp?.close(), rx.am?.close()]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const hooksOf = (tag: string) => rx.hook.requests.filter((q) => q.url === `/vigil/${tag}`);
  const mailsOf = (tag: string) => rx.smtp.mails.filter((m) => m.to.includes(`oncall-${tag}@example.com`));
  /** A webhook body of a single-series rule: its one alert, with the group's rule. */
  const single = (body: string) => {
    const b = JSON.parse(body);
    assert.equal(b.alerts.length, 1, 'a single-series rule sends one alert per message');
    return { ...b.alerts[0], rule: b.rule, severity: b.severity };
  };

  test('a latency and a drift incident reach the SMTP server, Alertmanager and the webhook exactly once each way, and nothing follows resolution', async () => {
    const srv = await boot(tmp(), 50);
    try {
      await api(srv, 'POST', '/api/v1/models', MODEL);
      await api(srv, 'POST', '/api/v1/models/shop/versions', { version: 'v1' });
      await api(srv, 'POST', '/api/v1/models/shop/versions/v1/reference?name=train.csv', REFERENCE, 'text/csv');
      const chs = await channels(srv, rx, 'main');
      const latency = await api(srv, 'POST', '/api/v1/alerts/rules', latencyRule('p99 latency high', chs));
      const drift = await api(srv, 'POST', '/api/v1/alerts/rules', {
        name: 'feature drift', metric: 'drift.share', model: 'shop', group_by: ['model'], severity: 'warning', channels: chs,
        condition: { kind: 'drift', target: 'share', value: 0.5, recovery: 0.25 }, labels: { team: 'ml-platform' },
        annotations: { summary: '{{ $labels.model }}: {{ $value | printf "%.0f" }} of features drifted' },
      });

      // the incidents: hour 1 slow (900 ms) and shifted, the slowness lasting into the first 5 minutes of hour 2
      await ingest(srv, [...minutes(0, 0, 60, { latency: 50, shifted: false }), ...minutes(1, 0, 60, { latency: 900, shifted: true }), ...minutes(2, 0, 5, { latency: 900, shifted: false })]);
      const cycle = async (hour: number, minute: number) => {
        const s = await evaluateAlerts({ ctx: srv.ctx, input: { now: at(hour, minute) } });
        assert.equal(s.failed, 0);
        return s;
      };
      const status = async (id: string) => (await srv.ctx.stores.meta.listAlertStates(id)).map((x) => x.state).join();

      assert.equal((await cycle(1, 1)).enqueued, 0); // minute 0 of the incident: pending (for 1 min); hour 0 shows no drift
      assert.deepEqual([await status(latency.id), await status(drift.id)], ['pending', 'ok']);
      assert.equal((await cycle(1, 2)).enqueued, 3); // latency fires, once per channel
      // hour 1 drifted: drift fires (3); latency, firing for an hour, is only sent again to Alertmanager
      // (ALERTMANAGER_REFRESH_MS: Alertmanager would resolve it after its resolve_timeout otherwise)
      assert.equal((await cycle(2, 1)).enqueued, 4);
      assert.deepEqual([await status(latency.id), await status(drift.id)], ['firing', 'firing']);

      await until('both firing notifications at each receiver', async () => hooksOf('main').length >= 2 && mailsOf('main').length >= 2 && (await rx.am.active()).length >= 2);
      await settle();
      assert.equal(hooksOf('main').length, 2);
      assert.equal(mailsOf('main').length, 2);
      for (const q of hooksOf('main')) {
        assert.ok(verify(SECRET, q.headers['x-vigil-timestamp'] as string, q.body, q.headers['x-vigil-signature'] as string, Date.now()), 'the signature verifies');
        assert.match(String(q.headers[DELIVERY_ID_HEADER.toLowerCase()]), /^[0-9a-f]{32}$/);
      }
      const fired = new Map(hooksOf('main').map((q) => single(q.body)).map((b) => [b.rule.name, b]));
      const lat = fired.get('p99 latency high'), dr = fired.get('feature drift');
      assert.deepEqual([lat.status, lat.severity, lat.labels, lat.ends_at, lat.runbook_url], ['firing', 'critical', { model: 'shop', team: 'ml-platform' }, null, 'https://runbooks.example.com/latency']);
      assert.match(lat.annotations.summary, /^shop p99 at (8[89]\d|9[01]\d) ms$/);
      assert.equal(lat.starts_at, new Date(at(1, 2)).toISOString());
      assert.deepEqual([dr.status, dr.severity, dr.labels, dr.value], ['firing', 'warning', { model: 'shop', team: 'ml-platform' }, 1]);
      assert.equal(dr.annotations.summary, 'shop: 1 of features drifted');
      assert.deepEqual(mailsOf('main').map((m) => mailHeader(m.raw, 'Subject')).sort(), ['[FIRING] feature drift (warning)', '[FIRING] p99 latency high (critical)']);
      assert.deepEqual(mailsOf('main').map((m) => mailHeader(m.raw, 'X-Vigil-Dedup-Key')).sort(), [dr.dedup_key, lat.dedup_key].sort());
      const amAlerts = new Map((await rx.am.active()).map((a) => [a.labels.alertname, a]));
      assert.deepEqual([...amAlerts.keys()].sort(), ['feature drift', 'p99 latency high']);
      assert.deepEqual(amAlerts.get('p99 latency high').labels, { alertname: 'p99 latency high', severity: 'critical', vigil_rule_id: latency.id, model: 'shop', team: 'ml-platform' });
      assert.equal(amAlerts.get('p99 latency high').annotations.summary, lat.annotations.summary);
      assert.equal(Date.parse(amAlerts.get('p99 latency high').startsAt), at(1, 2));
      assert.equal(amAlerts.get('feature drift').labels.severity, 'warning');

      // the incidents end: normal latency from minute 5 of hour 2, no drift in hours 2 and 3
      await ingest(srv, [...minutes(2, 5, 60, { latency: 50, shifted: false }), ...minutes(3, 0, 60, { latency: 50, shifted: false })]);
      assert.equal((await cycle(2, 6)).enqueued, 4); // latency resolves (3); drift still reads hour 1, firing for 5 min: its Alertmanager refresh (1)
      assert.equal((await cycle(3, 1)).enqueued, 3); // hour 2 clean: drift resolves
      assert.deepEqual([await status(latency.id), await status(drift.id)], ['ok', 'resolved']);
      await until('both resolved notifications at each receiver', async () => hooksOf('main').length >= 4 && mailsOf('main').length >= 4 && (await rx.am.active()).length === 0);

      // further cycles after resolution: nothing more
      for (const [h, m] of [[3, 2], [3, 3], [3, 30], [4, 1], [4, 2]] as const) assert.equal((await cycle(h, m)).enqueued, 0);
      await settle();
      assert.equal(hooksOf('main').length, 4);
      assert.equal(mailsOf('main').length, 4);
      assert.deepEqual(await rx.am.active(), []);
      const resolved = hooksOf('main').slice(2).map((q) => single(q.body));
      assert.deepEqual(resolved.map((b) => [b.rule.name, b.status, b.ends_at]).sort(), [
        ['feature drift', 'resolved', new Date(at(3, 1)).toISOString()],
        ['p99 latency high', 'resolved', new Date(at(2, 6)).toISOString()],
      ]);
      for (const b of resolved) assert.equal(b.dedup_key, fired.get(b.rule.name).dedup_key, 'resolved names the alert it ends');
      assert.deepEqual(mailsOf('main').slice(2).map((m) => mailHeader(m.raw, 'Subject')).sort(), ['[RESOLVED] feature drift (warning)', '[RESOLVED] p99 latency high (critical)']);
      // every outbox entry went out once: 2 rules × 2 transitions × 3 channels, and 2 Alertmanager refreshes
      const entries = await srv.ctx.stores.meta.listNotifications();
      assert.equal(entries.length, 14);
      assert.deepEqual([...new Set(entries.map((e) => `${e.status}/${e.attempts}`))], ['sent/1']);
    } finally {
      await srv.close();
    }
  });

  test('a restart between evaluation and delivery loses and duplicates nothing', async () => {
    const dir = tmp();
    // the first server's outbox worker never runs: it stops "before the worker delivers"
    const first = await boot(dir, 3_600_000);
    let now = 0;
    try {
      await api(first, 'POST', '/api/v1/models', MODEL);
      const chs = await channels(first, rx, 'restart');
      await api(first, 'POST', '/api/v1/alerts/rules', latencyRule('p99 restart', chs, { for: 0 }));
      await ingest(first, minutes(1, 0, 3, { latency: 900, shifted: false }));
      now = at(1, 1);
      assert.equal((await evaluateAlerts({ ctx: first.ctx, input: { now } })).enqueued, 3);
    } finally {
      await first.close();
    }
    assert.deepEqual([hooksOf('restart').length, mailsOf('restart').length, (await rx.am.active('p99 restart')).length], [0, 0, 0]);

    const second = await boot(dir, 50);
    try {
      await until('one notification at each receiver', async () => hooksOf('restart').length >= 1 && mailsOf('restart').length >= 1 && (await rx.am.active('p99 restart')).length >= 1);
      // the evaluation replayed at the same instant (a retried cycle) enqueues nothing again
      assert.equal((await evaluateAlerts({ ctx: second.ctx, input: { now } })).enqueued, 0);
      await settle();
      assert.deepEqual([hooksOf('restart').length, mailsOf('restart').length, (await rx.am.active('p99 restart')).length], [1, 1, 1]);
      assert.equal(single(hooksOf('restart')[0]!.body).status, 'firing');
      const entries = await second.ctx.stores.meta.listNotifications();
      assert.deepEqual(entries.map((e) => `${e.status}/${e.attempts}`), ['sent/1', 'sent/1', 'sent/1']);
    } finally {
      await second.close();
    }
  });
});
