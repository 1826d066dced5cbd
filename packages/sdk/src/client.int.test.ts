import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilApiError, VigilClient, type VigilClientOptions, type VigilSdkError } from './index.ts';
import { startVigilServer, type RunningServer } from './test-server.ts';

let server: RunningServer;

before(async () => {
  server = await startVigilServer();
});
after(async () => {
  await server?.stop();
});

function client(opts: Partial<VigilClientOptions> = {}) {
  const errors: VigilSdkError[] = [];
  const drops: { kind: string; reason: string; n: number }[] = [];
  const c = new VigilClient({
    url: server.url,
    token: server.token,
    handleExit: false,
    onError: (e) => errors.push(e),
    onDrop: (kind, records, reason) => drops.push({ kind, reason, n: records.length }),
    ...opts,
  });
  return { c, errors, drops };
}

const modelSpec = (id: string) => ({
  id,
  name: `SDK test ${id}`,
  task: 'binary' as const,
  owner_team: 'sdk',
  schema: {
    features: [
      { name: 'x', type: 'numeric' as const, min: 0, max: 10_000 },
      { name: 'plan', type: 'categorical' as const, categories: ['free', 'pro'] },
    ],
    segments: ['country'],
    classes: ['yes', 'no'],
  },
});

interface Page {
  items: { id?: string; prediction_id?: string; features?: Record<string, unknown>; prediction?: string; label?: string; segment?: Record<string, string> }[];
}

test('registry: create, read, list, patch, versions and deployments', async () => {
  const { c } = client();
  assert.equal((await c.health()).status, 'ok');
  const m = await c.createModel(modelSpec('sdk-registry'));
  assert.equal(m.id, 'sdk-registry');
  assert.equal(m.task, 'binary');
  const dup = await c.createModel(modelSpec('sdk-registry')).catch((e: unknown) => e);
  assert.ok(dup instanceof VigilApiError);
  assert.equal(dup.status, 409);
  assert.equal(typeof dup.code, 'string');
  assert.equal((await c.getModel('sdk-registry')).name, 'SDK test sdk-registry');
  assert.ok((await c.listModels()).some((x) => x.id === 'sdk-registry'));
  assert.deepEqual((await c.updateModel('sdk-registry', { tags: ['sdk', 'test'] })).tags, ['sdk', 'test']);
  const missing = await c.getModel('no-such-model').catch((e: unknown) => e);
  assert.ok(missing instanceof VigilApiError && missing.status === 404);

  await c.createVersion('sdk-registry', { version: '1', source: 'run-1', validation_metrics: { accuracy: 0.9 } });
  assert.deepEqual((await c.listVersions('sdk-registry')).map((v) => v.version), ['1']);
  const d = await c.createDeployment('sdk-registry', { version: '1', environment: 'production', started_at: new Date(Date.now() - 60_000) });
  assert.equal(d.outcome, 'in_progress');
  const done = await c.updateDeployment('sdk-registry', d.id, { outcome: 'succeeded', ended_at: new Date() });
  assert.equal(done.outcome, 'succeeded');
  assert.deepEqual((await c.listDeployments('sdk-registry')).map((x) => x.id), [d.id]);
  await c.close();
});

test('2,000 predictions and their labels arrive; re-sending the same ids does not double count', async () => {
  const { c, errors, drops } = client();
  await c.createModel(modelSpec('sdk-flow'));
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; i < 2000; i++) {
    c.logPrediction({ id: `flow-${i}`, model: 'sdk-flow', version: '1', ts: new Date(t0 + i * 1000), features: { x: i, plan: i % 2 ? 'pro' : 'free' }, prediction: i % 3 ? 'yes' : 'no', score: (i % 100) / 100, latency_ms: 5 + (i % 7), segment: { country: i % 2 ? 'de' : 'fr' } });
  }
  for (let i = 0; i < 2000; i++) c.logLabel({ prediction_id: `flow-${i}`, model: 'sdk-flow', label: i % 2 ? 'yes' : 'no', ts: t0 + i * 1000 + 60_000 });
  await c.flush();
  assert.deepEqual(errors, []);
  assert.deepEqual(drops, []);
  assert.deepEqual(c.stats(), { sent: 4000, accepted: 4000, duplicates: 0, rejected: 0, dropped: 0, retries: 0, buffered: 0 });

  const preds = (await server.get('/api/v1/predictions?model=sdk-flow&limit=5000')) as Page;
  assert.equal(preds.items.length, 2000);
  const p1234 = preds.items.find((p) => p.id === 'flow-1234');
  assert.deepEqual(p1234?.features, { x: 1234, plan: 'free' });
  assert.equal(p1234?.prediction, 'yes');
  assert.deepEqual(p1234?.segment, { country: 'fr' });
  const labels = (await server.get('/api/v1/labels?model=sdk-flow&limit=5000')) as Page;
  assert.equal(labels.items.length, 2000);
  assert.equal(labels.items.find((l) => l.prediction_id === 'flow-7')?.label, 'yes');
  await c.close();

  const again = client({ batchSize: 300 });
  for (let i = 0; i < 2000; i++) again.c.logPrediction({ id: `flow-${i}`, model: 'sdk-flow', version: '1', ts: new Date(t0 + i * 1000), features: { x: i, plan: 'free' }, prediction: 'yes' });
  await again.c.close();
  assert.equal(again.c.stats().duplicates, 2000);
  assert.equal(again.c.stats().accepted, 0);
  const after = (await server.get('/api/v1/predictions?model=sdk-flow&limit=5000')) as Page;
  assert.equal(after.items.length, 2000);
});

test('207: invalid records are reported through onError and stats; the valid ones are stored', async () => {
  const { c, errors, drops } = client();
  await c.createModel(modelSpec('sdk-partial'));
  c.logPrediction({ id: 'ok-1', model: 'sdk-partial', version: '1', features: { x: 1, plan: 'pro' }, prediction: 'yes' });
  c.logPrediction({ id: 'nan-1', model: 'sdk-partial', version: '1', features: { x: Number.NaN, plan: 'pro' }, prediction: 'yes' });
  c.logPrediction({ id: 'bad-1', model: 'sdk-partial', version: '1', features: { x: 'seven' as never, plan: 'enterprise' }, prediction: 'yes' });
  await c.close();
  const s = c.stats();
  assert.equal(s.accepted, 1);
  assert.equal(s.rejected, 2);
  assert.equal(s.dropped, 0);
  assert.deepEqual(drops, []);
  const e = errors.find((x) => x.code === 'records_rejected');
  assert.ok(e, 'records_rejected reported');
  assert.equal(e.status, 207);
  assert.equal(e.kind, 'predictions');
  const byId = new Map(e.errors.map((r) => [r.id, r.reasons.map((x) => `${x.field}:${x.kind}`)]));
  assert.deepEqual(byId.get('nan-1'), ['features.x:nan_or_infinity']);
  assert.ok(byId.get('bad-1')?.includes('features.x:wrong_type'));
  assert.deepEqual(e.records.map((r) => (r as { id: string }).id).sort(), ['bad-1', 'nan-1']);
  const stored = (await server.get('/api/v1/predictions?model=sdk-partial&limit=10')) as Page;
  assert.deepEqual(stored.items.map((p) => p.id), ['ok-1']);
});

test('metrics, logs, pipeline and training runs are accepted', async () => {
  const { c, errors } = client();
  await c.createModel(modelSpec('sdk-kinds'));
  c.logMetric({ name: 'gpu.utilization', labels: { host: 'gpu-1' }, value: 0.7 });
  c.logLog({ level: 'error', model: 'sdk-kinds', message: 'feature store timeout', error_class: 'TimeoutError', attributes: { ms: 500 } });
  c.logPipelineRun({ pipeline: 'features', run_id: 'run-1', stage: 'load', status: 'succeeded', started_at: new Date(Date.now() - 60_000), ended_at: new Date(), model: 'sdk-kinds', rows_in: 100, rows_out: 99 });
  c.logTrainingRun({ run_id: 'train-1', model: 'sdk-kinds', version: '1', status: 'succeeded', started_at: new Date(Date.now() - 600_000), ended_at: new Date(), params: { lr: 0.1 }, metrics: { loss: [[0, 0.9], [1, 0.5]] }, dataset_sizes: { train: 800, val: 200 } });
  await c.close();
  assert.deepEqual(errors.map((e) => e.message), []);
  assert.equal(c.stats().accepted, 4);
});

test('a wrong token: ingestion drops the batch as rejected, registry calls throw 401', async () => {
  const { c, errors, drops } = client({ token: 'not-the-right-token-at-all' });
  c.logMetric({ name: 'cpu', value: 1 });
  await c.close();
  assert.deepEqual(drops, [{ kind: 'metrics', reason: 'rejected', n: 1 }]);
  assert.equal(errors[0]?.code, 'batch_rejected');
  assert.equal(errors[0]?.status, 401);
  assert.equal(c.stats().retries, 0);
  const err = await c.listModels().catch((e: unknown) => e);
  assert.ok(err instanceof VigilApiError && err.status === 401);
});

test('predictions for an unknown model are counted as rejected with the reason, not retried', async () => {
  const { c, errors, drops } = client();
  c.logPrediction({ id: 'u-1', model: 'sdk-no-such-model', version: '1', features: {}, prediction: 'yes' });
  await c.close();
  assert.deepEqual(c.stats(), { sent: 1, accepted: 0, duplicates: 0, rejected: 1, dropped: 0, retries: 0, buffered: 0 });
  assert.deepEqual(drops, []);
  assert.equal(errors[0]?.code, 'records_rejected');
  assert.equal(errors[0]?.status, 404);
  assert.equal(errors[0]?.errors[0]?.reasons[0]?.kind, 'unknown_model');
});

test('413 from a server with a small body limit: the SDK splits batches until they fit', async () => {
  const small = await startVigilServer({ VIGIL_BODY_LIMIT: '16kb' });
  try {
    const c = new VigilClient({ url: small.url, token: small.token, handleExit: false, gzip: false, batchSize: 500, onError: () => undefined });
    await c.createModel({ id: 'sdk-413', name: '413', task: 'regression', schema: { features: [{ name: 'note', type: 'text' }] } });
    for (let i = 0; i < 500; i++) c.logPrediction({ id: `big-${i}`, model: 'sdk-413', version: '1', features: { note: 'n'.repeat(100) }, prediction: i });
    c.logPrediction({ id: 'huge', model: 'sdk-413', version: '1', features: { note: 'h'.repeat(40_000) }, prediction: 1 });
    await c.close();
    const s = c.stats();
    assert.equal(s.accepted, 500);
    assert.equal(s.dropped, 1, 'the single record over the limit');
    const page = (await small.get('/api/v1/predictions?model=sdk-413&limit=1000')) as Page;
    assert.equal(page.items.length, 500);
  } finally {
    await small.stop();
  }
});
