// Alert history retention on a real server: VIGIL_ALERT_HISTORY_DAYS reaches the scheduler, which
// prunes at start and then daily, and logs what it removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetaStore } from '@vigil/storage';
import { AlertHistoryRetention } from './alert-retention.ts';
import { loadConfig } from './config.ts';
import { recordingLogger } from './notify/testing.ts';
import { startServer, type RunningServer } from './server.ts';
import { TOKEN } from './testing/test-server.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function boot(dir: string, log = recordingLogger()): Promise<RunningServer> {
  const config = loadConfig({
    VIGIL_DATA_DIR: dir, VIGIL_PORT: '0', VIGIL_ADMIN_TOKEN: TOKEN, VIGIL_LOG_LEVEL: 'silent', VIGIL_ROLLUP_INTERVAL_MS: '3600000',
    VIGIL_ALERTS_ENABLED: 'false', VIGIL_OUTBOX_INTERVAL_MS: '3600000', VIGIL_ALERT_HISTORY_DAYS: '30',
  });
  return startServer(config, { print: () => undefined, log });
}

/**
 * One series that fired 40 days ago (its notification sent) and resolved 35 days ago (its notification
 * never delivered: still pending), and a notification sent a day ago.
 */
async function seed(meta: MetaStore): Promise<void> {
  const rule = await meta.createAlertRule({ name: 'p99 high', enabled: true, spec: { metric: 'latency.p99' }, created_by: null }, ago(50));
  const ch = await meta.createChannel({ name: 'hook', type: 'webhook', config: { url: 'http://127.0.0.1:1/x', secret: 's'.repeat(20) } }, ago(50));
  const step = (at: string, to: string, key: string, from: string | null) =>
    meta.recordEvaluation({
      rule_id: rule.id, series_key: '{}', labels: {}, state: to, detail: {},
      transition: from === null ? null : { from_state: from, to_state: to, value: 1, detail: {} },
      notifications: [{ dedup_key: key, channel_id: ch.id, payload: {} }],
    }, at);
  const deliver = async (at: string) => meta.markNotificationSent((await meta.claimNotifications(at, at, 1))[0]!.id, at);
  await step(ago(40), 'firing', 'fired', 'ok');
  await deliver(ago(40));
  await step(ago(1), 'firing', 'renotify', null);
  await deliver(ago(1));
  await step(ago(35), 'resolved', 'resolved', 'firing');
}

test('the server prunes alert history at start, past VIGIL_ALERT_HISTORY_DAYS, and logs the counts', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-retention-'));
  try {
    const first = await boot(dir);
    await seed(first.ctx.stores.meta);
    await first.close();
    const log = recordingLogger();
    const srv = await boot(dir, log);
    try {
      const meta = srv.ctx.stores.meta;
      const keys = (await meta.listNotifications()).map((e) => [e.dedup_key, e.status]);
      assert.deepEqual(keys, [['renotify', 'sent'], ['resolved', 'pending']], 'the old sent entry goes; the undelivered one stays');
      assert.deepEqual((await meta.listAlertTransitions()).map((t) => t.to_state), ['resolved'], 'the series keeps where its state started');
      const line = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'alert history retention applied');
      assert.deepEqual([line?.level, line?.notifications, line?.transitions, line?.days], ['info', 1, 1, 30]);
    } finally {
      await srv.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the retention runs again every day, with the cut following the clock', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-retention-'));
  const srv = await boot(dir);
  try {
    await seed(srv.ctx.stores.meta);
    t.mock.timers.enable({ apis: ['setInterval'] });
    let offset = 0;
    const log = recordingLogger();
    const job = new AlertHistoryRetention({ ...srv.ctx, log, clock: { now: () => Date.now() + offset } }, 30);
    job.start(); // at start: the 40-day-old entry and transition
    await new Promise((resolve) => setImmediate(resolve)); // let it settle (only setInterval is mocked)
    t.mock.timers.tick(DAY - 1);
    offset = 30 * DAY; // a month on, a day's run cuts at the real now: the day-old sent entry goes too
    t.mock.timers.tick(1);
    await job.stop();
    const counts = log.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'alert history retention applied').map((l) => [l.notifications, l.transitions]);
    assert.deepEqual(counts, [[1, 1], [1, 0]]);
    assert.deepEqual((await srv.ctx.stores.meta.listNotifications()).map((e) => e.status), ['pending']);
    assert.equal((await srv.ctx.stores.meta.listAlertTransitions()).length, 1);
    t.mock.timers.tick(DAY);
    assert.equal(log.lines.length, 2, 'no run after stop');
  } finally {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
