import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from './context.ts';
import { fraudModel, startTestServer, type TestServer } from './testing/test-server.ts';

// Every write route answers once. Handlers that sent a reply without returning it raced Fastify's
// async onSend hooks (the audit entry each write waits for): the client got its answer, and the
// server logged "Cannot write headers after they are sent" for a second one.
const errors: string[] = [];
const quiet = () => undefined;
const log: Logger = { info: quiet, warn: quiet, debug: quiet, error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields ?? {})}`) };

let s: TestServer;
before(async () => {
  s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' }, { log });
});
after(() => s.stop());

test('write routes answer once, with nothing logged as failed', async () => {
  const calls: [string, string, unknown, number, Record<string, unknown>?][] = [
    ['POST', '/api/v1/models', fraudModel, 201],
    ['POST', '/api/v1/models/fraud/versions', { version: 'v1' }, 201],
    ['POST', '/api/v1/models/fraud/deployments', { version: 'v1', environment: 'staging' }, 201],
    ['POST', '/api/v1/teams', { id: 'risk' }, 201],
    ['POST', '/api/v1/users', { username: 'nia', password: 'a long enough password', grants: [] }, 201],
    ['POST', '/api/v1/dashboards', { spec: { title: 'mine', panels: [] } }, 201],
    ['POST', '/api/v1/predictions', [{ id: 'p1', model: 'fraud', version: 'v1', ts: Date.now() - 60_000, prediction: 1, features: { amount: 1, country: 'DE', is_new: true, note: null } }], 200],
    ['POST', '/api/v1/logs', [{ ts: Date.now(), level: 'info', message: 'hello' }], 200],
  ];
  for (const [method, url, body, status] of calls) {
    const r = await s.call(method, url, body);
    assert.equal(r.status, status, `${method} ${url}: ${JSON.stringify(r.body)}`);
  }
  const ref = await s.call('POST', '/api/v1/models/fraud/versions/v1/reference', undefined, { raw: 'amount,country\n1,DE\n2,FR\n', contentType: 'text/csv' });
  assert.equal(ref.status, 201, JSON.stringify(ref.body));
  assert.equal((await s.call('DELETE', '/api/v1/models/fraud/versions/v1/reference')).status, 204);
  // give the server a moment to log anything a second send would have caused
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(errors, []);
});
