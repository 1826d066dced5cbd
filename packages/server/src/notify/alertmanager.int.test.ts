// The Alertmanager channel against Debian's prometheus-alertmanager, started by the test.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseChannel, type Channel } from './channel.ts';
import { sendNotification, type NotifyContext } from './send.ts';
import { closedPort, recordingLogger, sampleNotification } from './testing.ts';

const BIN = '/usr/bin/prometheus-alertmanager';
const skip = fs.existsSync(BIN) ? false : `${BIN} not found: install Debian's prometheus-alertmanager (apt-get install -y prometheus-alertmanager) to run this test`;

let proc: ChildProcess | undefined;
let base = '';
let dir = '';
let stderr = '';

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-alertmanager-'));
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await closedPort();
  base = `http://127.0.0.1:${port}`;
  proc = spawn(BIN, [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`alertmanager exited ${proc.exitCode}: ${stderr}`);
    const ready = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready after 20 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function channel(url: string): Channel {
  const p = parseChannel({ type: 'alertmanager', url });
  if (!p.ok) throw new Error(p.message);
  return p.channel;
}

const context = (): NotifyContext => ({ fetch, clock: { now: () => Date.now() }, log: recordingLogger(), timeoutMs: 5000 });

async function alertsNamed(name: string): Promise<any[]> {
  const r = await fetch(`${base}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`);
  assert.equal(r.status, 200);
  return (await r.json()) as any[];
}

test('alertmanager: a posted alert reads back from GET /api/v2/alerts with its labels and annotations', { skip }, async () => {
  const starts = Date.now() - 60_000;
  const n = sampleNotification({ starts_at: starts });
  const r = await sendNotification(context(), channel(`${base}/`), n);
  assert.deepEqual(r, { ok: true, status: 200 });

  const [a, ...rest] = await alertsNamed('HighLatencyP99');
  assert.equal(rest.length, 0);
  assert.ok(a, 'the alert is there');
  assert.deepEqual(a.labels, {
    alertname: 'HighLatencyP99',
    severity: 'critical',
    vigil_rule_id: 'rule-latency-p99',
    model: 'fraud-detector',
    environment: 'production',
    segment_region: 'eu',
  });
  assert.equal(a.annotations.summary, 'p99 latency 812 ms is above 500 ms');
  assert.equal(a.annotations.description, 'fraud-detector p99 latency over 5m');
  assert.equal(a.annotations.value, '812');
  assert.equal(a.annotations.runbook_url, 'https://runbooks.example.com/latency');
  assert.equal(a.annotations.dedup_key, 'rule-latency-p99/8f2c1a');
  assert.equal(a.generatorURL, 'http://vigil.example.com/alerts/rule-latency-p99');
  assert.equal(Date.parse(a.startsAt), starts);
  assert.equal(a.status.state, 'active');
});

test('alertmanager: the resolved notification ends the same alert', { skip }, async () => {
  const n = sampleNotification({ rule_name: 'DriftShare', rule_id: 'rule-drift', dedup_key: 'rule-drift/1', starts_at: Date.now() - 120_000 });
  assert.equal((await sendNotification(context(), channel(base), n)).ok, true);
  assert.equal((await alertsNamed('DriftShare')).length, 1);
  const ends = Date.now() - 1000;
  assert.equal((await sendNotification(context(), channel(base), { ...n, status: 'resolved', ends_at: ends })).ok, true);
  // the v2 API lists only unresolved alerts, so a resolved one is gone from it
  assert.deepEqual(await alertsNamed('DriftShare'), []);
});

test('alertmanager: a wrong base URL is a permanent failure naming the host', { skip }, async () => {
  const r = await sendNotification(context(), channel(`${base}/not-alertmanager`), sampleNotification());
  assert.ok(!r.ok && !r.retryable && r.code === 'rejected' && r.status === 404, JSON.stringify(r));
  assert.match(r.message, /^alertmanager at http:\/\/127\.0\.0\.1:\d+ answered 404/);
});
