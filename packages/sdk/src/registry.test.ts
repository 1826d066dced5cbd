import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilApiError, VigilClient } from './index.ts';
import { startReceiver, type ReceivedRequest, type Reply } from './test-receiver.ts';

const model = { id: 'churn', name: 'Churn', task: 'binary' as const, schema: { features: [{ name: 'age', type: 'numeric' as const }] } };

async function setup(respond: (req: ReceivedRequest, n: number) => Reply) {
  const r = await startReceiver(respond);
  const c = new VigilClient({ url: `${r.url}/`, token: 'tok-0123456789abcdef', handleExit: false, retryBaseMs: 1, retryMaxDelayMs: 5 });
  return { r, c, done: async () => { await c.close(); await r.close(); } };
}

test('registry calls hit the documented routes with auth and JSON bodies', async (t) => {
  const { r, c, done } = await setup((req) => {
    if (req.method === 'GET' && req.path.endsWith('/versions')) return { status: 200, body: { items: [{ version: '1' }] } };
    if (req.method === 'GET' && req.path.endsWith('/deployments')) return { status: 200, body: { items: [{ id: 'd1' }] } };
    if (req.method === 'GET' && req.path === '/api/v1/models') return { status: 200, body: { items: [{ id: 'churn' }] } };
    return { status: req.method === 'POST' ? 201 : 200, body: { ok: req.path } };
  });
  t.after(done);
  assert.deepEqual(await c.createModel(model), { ok: '/api/v1/models' });
  await c.getModel('churn');
  assert.deepEqual(await c.listModels(), [{ id: 'churn' }]);
  await c.updateModel('churn', { tags: ['a'] });
  await c.createVersion('churn', { version: '1', validation_metrics: { accuracy: 0.9 } });
  assert.deepEqual(await c.listVersions('churn'), [{ version: '1' }]);
  await c.createDeployment('churn', { version: '1', environment: 'production', started_at: new Date(Date.UTC(2026, 0, 1)) });
  await c.updateDeployment('churn', 'd 1', { outcome: 'succeeded' });
  assert.deepEqual(await c.listDeployments('churn'), [{ id: 'd1' }]);
  assert.deepEqual(
    r.requests.map((q) => `${q.method} ${q.path}`),
    [
      'POST /api/v1/models',
      'GET /api/v1/models/churn',
      'GET /api/v1/models',
      'PATCH /api/v1/models/churn',
      'POST /api/v1/models/churn/versions',
      'GET /api/v1/models/churn/versions',
      'POST /api/v1/models/churn/deployments',
      'PATCH /api/v1/models/churn/deployments/d%201',
      'GET /api/v1/models/churn/deployments',
    ],
  );
  for (const q of r.requests) assert.equal(q.headers.authorization, 'Bearer tok-0123456789abcdef');
  assert.deepEqual(r.requests[0]?.body, model);
  assert.equal((r.requests[6]?.body as { started_at: string }).started_at, '2026-01-01T00:00:00.000Z');
});

test('errors become VigilApiError with status, code, message, hint and details', async (t) => {
  const { c, done } = await setup(() => ({
    status: 409,
    body: { error: { code: 'conflict', message: 'model churn exists', hint: 'use PATCH', details: [{ field: 'id', message: 'taken' }] } },
  }));
  t.after(done);
  const err = await c.createModel(model).catch((e: unknown) => e);
  assert.ok(err instanceof VigilApiError);
  assert.equal(err.status, 409);
  assert.equal(err.code, 'conflict');
  assert.match(err.message, /model churn exists/);
  assert.equal(err.hint, 'use PATCH');
  assert.deepEqual(err.details, [{ field: 'id', message: 'taken' }]);
});

test('reads are retried on 5xx; creations are not (only 429 / 503)', async (t) => {
  const oops = { status: 500, body: { error: { code: 'internal', message: 'oops' } } };
  const { r, c, done } = await setup((req, n) => (req.method === 'POST' || n <= 2 ? oops : { status: 200, body: { id: 'churn' } }));
  t.after(done);
  assert.deepEqual(await c.getModel('churn'), { id: 'churn' });
  assert.equal(r.requests.length, 3);
  const err = await c.createVersion('churn', { version: '2' }).catch((e: unknown) => e);
  assert.ok(err instanceof VigilApiError);
  assert.equal(err.status, 500);
  assert.equal(r.requests.length, 4);
});

test('POST is retried after 503 and gives up with the last error', async (t) => {
  const { r, c, done } = await setup(() => ({ status: 503, body: { error: { code: 'unavailable', message: 'shutting down' } } }));
  t.after(done);
  const err = await c.createModel(model).catch((e: unknown) => e);
  assert.ok(err instanceof VigilApiError);
  assert.equal(err.status, 503);
  assert.equal(r.requests.length, 4);
});

test('health() sends no Authorization header', async (t) => {
  const { r, c, done } = await setup(() => ({ status: 200, body: { status: 'ok' } }));
  t.after(done);
  assert.deepEqual(await c.health(), { status: 'ok' });
  assert.equal(r.requests[0]?.headers.authorization, undefined);
});

test('an unreachable server gives a network_error with status 0', async () => {
  const c = new VigilClient({ url: 'http://127.0.0.1:1', token: 't', handleExit: false, retryBaseMs: 1, retryMaxDelayMs: 2 });
  const err = await c.listModels().catch((e: unknown) => e);
  assert.ok(err instanceof VigilApiError);
  assert.equal(err.status, 0);
  assert.equal(err.code, 'network_error');
  await c.close();
});
