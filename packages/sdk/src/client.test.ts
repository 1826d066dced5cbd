import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilClient, type VigilClientOptions } from './index.ts';
import type { VigilSdkError } from './errors.ts';
import { startReceiver, type Receiver } from './test-receiver.ts';

function client(r: Receiver, opts: Partial<VigilClientOptions> = {}) {
  const errors: VigilSdkError[] = [];
  const drops: { kind: string; records: unknown[]; reason: string }[] = [];
  const c = new VigilClient({
    url: r.url,
    token: 'test-token-0123456789',
    handleExit: false,
    flushIntervalMs: 60_000,
    onError: (e) => errors.push(e),
    onDrop: (kind, records, reason) => drops.push({ kind, records, reason }),
    ...opts,
  });
  return { c, errors, drops };
}

const pred = (i: number) => ({ id: `p-${i}`, model: 'm', version: '1', ts: 1_800_000_000_000 + i, features: { x: i }, prediction: 'yes' });

test('sends a batch as soon as batchSize records are queued, the rest on flush', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r, { batchSize: 3 });
  for (let i = 0; i < 7; i++) c.logPrediction(pred(i));
  await c.flush();
  const sizes = r.requests.map((q) => (q.body as unknown[]).length);
  assert.deepEqual(sizes, [3, 3, 1]);
  assert.deepEqual(r.records('/api/v1/predictions').map((p) => p.id), ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6']);
  const s = c.stats();
  assert.equal(s.sent, 7);
  assert.equal(s.accepted, 7);
  assert.equal(s.buffered, 0);
  await c.close();
});

test('the interval timer sends partial batches without a flush', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r, { flushIntervalMs: 20 });
  c.logMetric({ name: 'cpu', value: 0.5 });
  for (let i = 0; i < 200 && r.requests.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(r.requests.length, 1);
  await c.close();
});

test('each kind goes to its endpoint with auth, JSON content type and gzip for large bodies', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r);
  for (let i = 0; i < 50; i++) c.logPrediction(pred(i));
  c.logLabel({ prediction_id: 'p-1', model: 'm', label: 'no' });
  c.logMetric({ name: 'cpu', labels: { host: 'a' }, value: 1 });
  c.logLog({ level: 'error', message: 'boom' });
  c.logPipelineRun({ pipeline: 'etl', run_id: 'r1', status: 'running' });
  c.logTrainingRun({ run_id: 't1', model: 'm', status: 'running', metrics: { loss: [[0, 1]] } });
  await c.flush();
  const paths = r.requests.map((q) => q.path).sort();
  assert.deepEqual(paths, ['/api/v1/labels', '/api/v1/logs', '/api/v1/metrics', '/api/v1/pipeline-runs', '/api/v1/predictions', '/api/v1/training-runs']);
  for (const q of r.requests) {
    assert.equal(q.method, 'POST');
    assert.equal(q.headers.authorization, 'Bearer test-token-0123456789');
    assert.equal(q.headers['content-type'], 'application/json');
  }
  const big = r.requests.find((q) => q.path === '/api/v1/predictions');
  assert.equal(big?.headers['content-encoding'], 'gzip');
  const small = r.requests.find((q) => q.path === '/api/v1/metrics');
  assert.equal(small?.headers['content-encoding'], undefined);
  await c.close();
});

test('gzip: false sends plain JSON', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r, { gzip: false });
  for (let i = 0; i < 50; i++) c.logPrediction(pred(i));
  await c.flush();
  assert.equal(r.requests[0]?.headers['content-encoding'], undefined);
  assert.equal((r.requests[0]?.body as unknown[]).length, 50);
  await c.close();
});

test('fills ts and ids, sends Dates as RFC 3339 UTC and non-finite numbers as strings', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r);
  const before = Date.now();
  const id = c.logPrediction({ model: 'm', version: '1', features: { a: Number.NaN, b: Infinity, c: -Infinity, d: 2 }, prediction: 1, feature_ts: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
  const logId = c.logLog({ level: 'info', message: 'hi' });
  c.logLabel({ prediction_id: id, model: 'm', label: true, ts: new Date(Date.UTC(2026, 0, 3)) });
  c.logPipelineRun({ pipeline: 'etl', run_id: 'r1', status: 'succeeded', ended_at: new Date(Date.UTC(2026, 0, 4)) });
  await c.flush();
  const [p] = r.records('/api/v1/predictions');
  assert.equal(p?.id, id);
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.match(String(p?.ts), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.ok(Date.parse(String(p?.ts)) >= before - 1);
  assert.deepEqual(p?.features, { a: 'NaN', b: 'Infinity', c: '-Infinity', d: 2 });
  assert.equal(p?.feature_ts, '2026-01-02T03:04:05.000Z');
  assert.equal(r.records('/api/v1/logs')[0]?.id, logId);
  assert.equal(r.records('/api/v1/labels')[0]?.ts, '2026-01-03T00:00:00.000Z');
  const run = r.records('/api/v1/pipeline-runs')[0];
  assert.equal(run?.ended_at, '2026-01-04T00:00:00.000Z');
  assert.equal(typeof run?.started_at, 'string');
  await c.close();
});

test('a record is a snapshot: mutating it after logging changes nothing', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r);
  const p = pred(1);
  c.logPrediction(p);
  p.features.x = 999;
  await c.flush();
  assert.deepEqual(r.records('/api/v1/predictions')[0]?.features, { x: 1 });
  await c.close();
});

test('an unserializable record is dropped and reported; the others still go', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c, errors, drops } = client(r);
  const circular: Record<string, unknown> = { x: 1 };
  circular.self = circular;
  c.logPrediction({ ...pred(1), features: circular as never });
  c.logPrediction(pred(2));
  await c.flush();
  assert.equal(r.records('/api/v1/predictions').length, 1);
  assert.equal(drops[0]?.reason, 'unserializable');
  assert.equal(errors[0]?.code, 'unserializable');
  assert.equal(c.stats().dropped, 1);
  await c.close();
});

test('flush resolves only once the server acknowledged; flush({ timeoutMs }) gives up waiting early', async (t) => {
  let delay = 300;
  const r = await startReceiver((req) => ({ status: 200, delayMs: delay, body: { accepted: (req.body as unknown[]).length, duplicates: 0, rejected: 0, errors: [] } }));
  t.after(() => r.close());
  const { c } = client(r);
  c.logPrediction(pred(1));
  await c.flush();
  assert.equal(c.stats().accepted, 1);
  delay = 2_000;
  c.logPrediction(pred(2));
  await c.flush({ timeoutMs: 50 });
  assert.equal(c.stats().accepted, 1);
  assert.equal(c.stats().buffered, 1);
  await c.close();
  assert.equal(c.stats().accepted, 2);
});

test('records logged during a flush do not extend it', async (t) => {
  const r = await startReceiver((req) => ({ status: 200, delayMs: 100, body: { accepted: (req.body as unknown[]).length, duplicates: 0, rejected: 0, errors: [] } }));
  t.after(() => r.close());
  const { c } = client(r, { batchSize: 2 });
  c.logPrediction(pred(0));
  const f = c.flush();
  for (let i = 1; i <= 10; i++) c.logPrediction(pred(i));
  await f;
  const atFlush = c.stats();
  assert.ok(atFlush.accepted >= 1);
  assert.ok(atFlush.buffered > 0, 'flush did not wait for records logged after it began');
  await c.close();
  assert.equal(c.stats().accepted, 11);
});

test('close() flushes, is idempotent, and records logged afterwards are dropped as closed', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c, drops, errors } = client(r);
  c.logPrediction(pred(1));
  await Promise.all([c.close(), c.close()]);
  assert.equal(r.records('/api/v1/predictions').length, 1);
  c.logPrediction(pred(2));
  assert.equal(drops[0]?.reason, 'closed');
  assert.deepEqual((drops[0]?.records[0] as { id: string }).id, 'p-2');
  assert.equal(errors[0]?.code, 'client_closed');
  assert.equal(c.stats().dropped, 1);
});

test('constructor refuses bad options with a message naming them', () => {
  assert.throws(() => new VigilClient({ url: 'localhost:8470', token: 't', handleExit: false }), /url must be an http\(s\) URL/);
  assert.throws(() => new VigilClient({ url: 'http://x', token: '', handleExit: false }), /token is required/);
  assert.throws(() => new VigilClient({ url: 'http://x', token: 't', batchSize: 0, handleExit: false }), /batchSize must be a number >= 1/);
});

test('a throwing onError or onDrop callback does not break sending', async (t) => {
  const r = await startReceiver((req, n) => (n === 1 ? { status: 400, body: { error: { code: 'bad_request', message: 'no' } } } : { status: 200, body: { accepted: (req.body as unknown[]).length, duplicates: 0, rejected: 0, errors: [] } }));
  t.after(() => r.close());
  const c = new VigilClient({
    url: r.url,
    token: 'tok',
    handleExit: false,
    onError: () => {
      throw new Error('user bug');
    },
    onDrop: () => {
      throw new Error('user bug');
    },
  });
  c.logPrediction(pred(1));
  await c.flush();
  c.logPrediction(pred(2));
  await c.close();
  assert.equal(c.stats().accepted, 1);
  assert.equal(c.stats().dropped, 1);
});
