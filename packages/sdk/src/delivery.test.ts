import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { VigilClient, backoffDelay, type VigilClientOptions, type VigilSdkError } from './index.ts';
import { startReceiver, type ReceivedRequest } from './test-receiver.ts';

function client(r: { url: string }, opts: Partial<VigilClientOptions> = {}) {
  const errors: VigilSdkError[] = [];
  const drops: { kind: string; records: unknown[]; reason: string }[] = [];
  const c = new VigilClient({
    url: r.url,
    token: 'test-token-0123456789',
    handleExit: false,
    flushIntervalMs: 60_000,
    retryBaseMs: 5,
    retryMaxDelayMs: 20,
    onError: (e) => errors.push(e),
    onDrop: (kind, records, reason) => drops.push({ kind, records, reason }),
    ...opts,
  });
  return { c, errors, drops };
}

const pred = (i: number) => ({ id: `p-${i}`, model: 'm', version: '1', features: { x: i }, prediction: 'yes' });
const ok = (req: ReceivedRequest) => ({ status: 200, body: { accepted: (req.body as unknown[]).length, duplicates: 0, rejected: 0, errors: [] } });
const failure = (status: number, code: string) => ({ status, body: { error: { code, message: `${code} happened`, hint: 'do something', details: [{ field: 'x', message: 'bad' }] } } });

test('backoffDelay: full jitter under an exponential ceiling with a cap', () => {
  assert.equal(backoffDelay(0, 200, 30_000, () => 0), 0);
  assert.equal(backoffDelay(0, 200, 30_000, () => 0.5), 100);
  assert.equal(backoffDelay(3, 200, 30_000, () => 0.5), 800);
  assert.equal(backoffDelay(20, 200, 30_000, () => 0.999999), 29_999);
  assert.equal(backoffDelay(1000, 200, 30_000, () => 0.5), 15_000);
});

for (const status of [429, 500, 502, 503, 504]) {
  test(`HTTP ${status} is retried until it succeeds; the batch is sent whole once more`, async (t) => {
    const r = await startReceiver((req, n) => (n <= 2 ? failure(status, 'unavailable') : ok(req)));
    t.after(() => r.close());
    const { c, errors, drops } = client(r);
    for (let i = 0; i < 4; i++) c.logPrediction(pred(i));
    await c.close();
    assert.equal(r.requests.length, 3);
    assert.deepEqual(r.requests.map((q) => (q.body as unknown[]).length), [4, 4, 4]);
    assert.deepEqual(c.stats(), { sent: 4, accepted: 4, duplicates: 0, rejected: 0, dropped: 0, retries: 2, buffered: 0 });
    assert.equal(errors.length, 0);
    assert.equal(drops.length, 0);
  });
}

test('Retry-After is honoured', async (t) => {
  const r = await startReceiver((req, n) => (n === 1 ? { ...failure(429, 'rate_limited'), headers: { 'retry-after': '1' } } : ok(req)));
  t.after(() => r.close());
  const { c } = client(r);
  c.logPrediction(pred(1));
  const t0 = Date.now();
  await c.close();
  assert.ok(Date.now() - t0 >= 950, 'waited at least the Retry-After second');
  assert.equal(c.stats().accepted, 1);
});

test('after maxRetries the batch is dropped and reported', async (t) => {
  const r = await startReceiver(() => failure(503, 'unavailable'));
  t.after(() => r.close());
  const { c, errors, drops } = client(r, { maxRetries: 2 });
  c.logPrediction(pred(1));
  c.logPrediction(pred(2));
  await c.close();
  assert.equal(r.requests.length, 3);
  const s = c.stats();
  assert.equal(s.dropped, 2);
  assert.equal(s.retries, 2);
  assert.equal(s.buffered, 0);
  assert.equal(drops[0]?.reason, 'retries_exhausted');
  assert.deepEqual(drops[0]?.records.map((p) => (p as { id: string }).id), ['p-1', 'p-2']);
  assert.equal(errors[0]?.code, 'retries_exhausted');
  assert.equal(errors[0]?.status, 503);
  assert.equal(errors[0]?.apiError?.code, 'unavailable');
});

test('network errors are retried, then dropped', async () => {
  // a port that was free a moment ago: connection refused
  const probe = createServer();
  await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((res) => probe.close(() => res()));
  const { c, errors, drops } = client({ url: `http://127.0.0.1:${port}` }, { maxRetries: 3 });
  c.logMetric({ name: 'cpu', value: 1 });
  await c.close();
  assert.equal(c.stats().retries, 3);
  assert.equal(c.stats().dropped, 1);
  assert.equal(drops[0]?.reason, 'retries_exhausted');
  assert.equal(errors[0]?.status, 0);
  assert.equal(errors[0]?.apiError?.code, 'network_error');
});

test('a request that times out is retried', async (t) => {
  const r = await startReceiver((req, n) => (n === 1 ? { status: 200, hang: true } : ok(req)));
  t.after(() => r.close());
  const { c } = client(r, { timeoutMs: 100 });
  c.logPrediction(pred(1));
  await c.close();
  assert.equal(r.requests.length, 2);
  assert.equal(c.stats().retries, 1);
  assert.equal(c.stats().accepted, 1);
});

for (const status of [400, 401, 403, 404]) {
  test(`HTTP ${status} is not retried: the batch is dropped with the server's error`, async (t) => {
    const r = await startReceiver(() => failure(status, 'nope'));
    t.after(() => r.close());
    const { c, errors, drops } = client(r);
    c.logPrediction(pred(1));
    await c.close();
    assert.equal(r.requests.length, 1);
    assert.equal(c.stats().retries, 0);
    assert.equal(c.stats().dropped, 1);
    assert.equal(drops[0]?.reason, 'rejected');
    assert.equal(errors[0]?.code, 'batch_rejected');
    assert.equal(errors[0]?.apiError?.status, status);
    assert.equal(errors[0]?.apiError?.hint, 'do something');
    assert.deepEqual(errors[0]?.apiError?.details, [{ field: 'x', message: 'bad' }]);
  });
}

test('413 splits the batch in halves until it fits; a single record too large is dropped', async (t) => {
  const r = await startReceiver((req) => {
    const recs = req.body as { id: string }[];
    if (recs.some((p) => p.id === 'p-huge')) return failure(413, 'payload_too_large');
    return recs.length > 2 ? failure(413, 'payload_too_large') : ok(req);
  });
  t.after(() => r.close());
  const { c, errors, drops } = client(r);
  for (let i = 0; i < 5; i++) c.logPrediction(pred(i));
  c.logPrediction({ ...pred(0), id: 'p-huge' });
  await c.close();
  const delivered = r.requests.filter((q) => (q.body as unknown[]).length <= 2 && !(q.body as { id: string }[]).some((p) => p.id === 'p-huge'));
  assert.deepEqual(delivered.flatMap((q) => (q.body as { id: string }[]).map((p) => p.id)).sort(), ['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
  const s = c.stats();
  assert.equal(s.accepted, 5);
  assert.equal(s.dropped, 1);
  assert.equal(s.retries, 0);
  assert.equal(drops[0]?.reason, 'too_large');
  assert.equal((drops[0]?.records[0] as { id: string }).id, 'p-huge');
  assert.equal(errors[0]?.code, 'record_too_large');
});

test('207: refused records are counted and reported with reasons; not retried', async (t) => {
  const r = await startReceiver((req) => {
    const n = (req.body as unknown[]).length;
    return {
      status: 207,
      body: { accepted: n - 1, duplicates: 0, rejected: 1, errors: [{ index: 1, id: 'p-1', reasons: [{ field: 'features.x', kind: 'wrong_type', expected: 'number', got: 'string "a"' }] }] },
    };
  });
  t.after(() => r.close());
  const { c, errors, drops } = client(r);
  for (let i = 0; i < 3; i++) c.logPrediction(pred(i));
  await c.close();
  assert.equal(r.requests.length, 1);
  assert.deepEqual(c.stats(), { sent: 3, accepted: 2, duplicates: 0, rejected: 1, dropped: 0, retries: 0, buffered: 0 });
  assert.equal(drops.length, 0);
  assert.equal(errors[0]?.code, 'records_rejected');
  assert.equal(errors[0]?.errors[0]?.reasons[0]?.kind, 'wrong_type');
  assert.equal((errors[0]?.records[0] as { id: string }).id, 'p-1');
  assert.match(errors[0]?.message ?? '', /features\.x: wrong_type/);
});

test('a 400 or 404 that judges each record counts them as rejected, not dropped', async (t) => {
  const r = await startReceiver((req) => ({
    status: 404,
    body: {
      error: { code: 'not_found', message: 'no record names a registered model', hint: 'register the model first' },
      accepted: 0,
      duplicates: 0,
      rejected: (req.body as unknown[]).length,
      errors: (req.body as { id: string }[]).map((p, index) => ({ index, id: p.id, reasons: [{ field: 'model', kind: 'unknown_model', expected: 'a registered model', got: 'string "m"' }] })),
    },
  }));
  t.after(() => r.close());
  const { c, errors, drops } = client(r);
  c.logPrediction(pred(1));
  c.logPrediction(pred(2));
  await c.close();
  assert.equal(r.requests.length, 1);
  assert.deepEqual(c.stats(), { sent: 2, accepted: 0, duplicates: 0, rejected: 2, dropped: 0, retries: 0, buffered: 0 });
  assert.deepEqual(drops, []);
  assert.equal(errors[0]?.code, 'records_rejected');
  assert.equal(errors[0]?.status, 404);
  assert.equal(errors[0]?.apiError?.hint, 'register the model first');
  assert.equal(errors[0]?.records.length, 2);
});

test('duplicates reported by the server are counted', async (t) => {
  const r = await startReceiver((req) => ({ status: 200, body: { accepted: 0, duplicates: (req.body as unknown[]).length, rejected: 0, errors: [] } }));
  t.after(() => r.close());
  const { c } = client(r);
  c.logPrediction(pred(1));
  await c.close();
  assert.equal(c.stats().duplicates, 1);
  assert.equal(c.stats().accepted, 0);
});

test('the buffer is bounded: the oldest records of any kind are dropped first', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c, errors, drops } = client(r, { maxBufferSize: 4, batchSize: 1000 });
  c.logPrediction(pred(1));
  c.logLabel({ prediction_id: 'p-1', model: 'm', label: 'a' });
  c.logPrediction(pred(2));
  c.logMetric({ name: 'cpu', value: 1 });
  c.logPrediction(pred(3));
  c.logPrediction(pred(4));
  assert.equal(c.stats().buffered, 4);
  assert.equal(c.stats().dropped, 2);
  assert.deepEqual(drops.map((d) => [d.kind, d.reason]), [['predictions', 'buffer_full'], ['labels', 'buffer_full']]);
  assert.equal((drops[0]?.records[0] as { id: string }).id, 'p-1');
  assert.equal(errors.filter((e) => e.code === 'buffer_full').length, 1, 'one report per overflow episode');
  await c.close();
  assert.deepEqual(r.records('/api/v1/predictions').map((p) => p.id), ['p-2', 'p-3', 'p-4']);
  assert.equal(r.records('/api/v1/labels').length, 0);
  assert.equal(r.records('/api/v1/metrics').length, 1);
});

test('memory stays bounded while the server is down for a long stream', async (t) => {
  const r = await startReceiver(() => failure(503, 'unavailable'));
  t.after(() => r.close());
  const { c } = client(r, { maxBufferSize: 1000, batchSize: 100, maxRetries: 0, flushIntervalMs: 5 });
  let maxBuffered = 0;
  for (let i = 0; i < 20_000; i++) {
    c.logPrediction(pred(i));
    maxBuffered = Math.max(maxBuffered, c.stats().buffered);
  }
  assert.ok(maxBuffered <= 1000 + 100, `buffered peaked at ${maxBuffered}`);
  await c.close();
  assert.equal(c.stats().dropped, 20_000);
});

test('maxBatchBytes cuts a batch short', async (t) => {
  const r = await startReceiver();
  t.after(() => r.close());
  const { c } = client(r, { maxBatchBytes: 300 });
  for (let i = 0; i < 10; i++) c.logPrediction({ ...pred(i), features: { x: i, pad: 'x'.repeat(100) } as never });
  await c.close();
  assert.ok(r.requests.length >= 5);
  assert.equal(r.records('/api/v1/predictions').length, 10);
});
