import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fraudModel, prediction, startTestServer, T, TOKEN, type TestServer } from './testing/test-server.ts';

describe('registry, query, auth and stream over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  test('health needs no token; everything else does, with a clear 401', async () => {
    assert.equal((await s.call('GET', '/api/v1/health', undefined, { token: null })).status, 200);
    const missing = await s.call('GET', '/api/v1/models', undefined, { token: null });
    assert.equal(missing.status, 401);
    assert.match(missing.body.error.message, /Authorization: Bearer/);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="vigil"');
    const wrong = await s.call('POST', '/api/v1/predictions', [prediction(1)], { token: 'not-the-token-at-all' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.error.message, /not valid/);
  });

  test('the OpenAPI document lists every endpoint; docs are browsable once signed in', async () => {
    assert.equal((await s.call('GET', '/api/docs/json', undefined, { token: null })).status, 401);
    const doc = await s.call('GET', '/api/docs/json');
    assert.equal(doc.status, 200);
    for (const p of ['/api/v1/predictions', '/api/v1/labels', '/api/v1/metrics', '/api/v1/logs', '/api/v1/pipeline-runs', '/api/v1/training-runs', '/api/v1/models', '/api/v1/models/{id}/versions', '/api/v1/models/{id}/deployments', '/api/v1/query', '/api/v1/metrics/catalog', '/api/v1/stream', '/api/v1/overview', '/api/v1/auth/sign-in', '/api/v1/auth/session', '/api/v1/users', '/api/v1/api-keys', '/api/v1/teams', '/api/v1/audit', '/api/v1/audit/verify', '/api/v1/auth/oidc/login', '/api/v1/dashboards', '/api/v1/dashboards/default', '/api/v1/dashboards/{dashboardId}', '/api/v1/dashboards/{dashboardId}/export', '/api/v1/dashboards/import', '/api/v1/models/{id}/performance/concept-drift', '/api/v1/models/{id}/performance/segments', '/api/v1/alerts/preview', '/api/v1/alerts', '/api/v1/alerts/history', '/api/v1/alerts/rules', '/api/v1/alerts/rules/{ruleId}', '/api/v1/alerts/channels', '/api/v1/alerts/channels/{channelId}', '/api/v1/alerts/channels/{channelId}/test', '/api/v1/alerts/silences', '/api/v1/alerts/silences/{silenceId}/expire', '/api/v1/models/{id}/retraining-triggers']) {
      assert.ok(doc.body.paths[p], `${p} documented`);
    }
    const ui = await fetch(`${s.server.url}/api/docs/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ui.status, 200);
  });

  test('model registry: create, conflict, validation errors name fields, patch versions the schema', async () => {
    const created = await s.call('POST', '/api/v1/models', fraudModel, { gzip: true });
    assert.equal(created.status, 201);
    assert.equal(created.body.schema_version, 1);
    assert.equal((await s.call('POST', '/api/v1/models', fraudModel)).status, 409);
    const bad = await s.call('POST', '/api/v1/models', { id: 'Bad Id', name: '', task: 'ranking', schema: { features: [{ name: 'x', type: 'float' }] } });
    assert.equal(bad.status, 400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    for (const f of ['id', 'name', 'task', 'schema.features.0.type']) assert.ok(fields.includes(f), `${f} in ${fields}`);
    const patched = await s.call('PATCH', '/api/v1/models/fraud', { schema: { ...fraudModel.schema, features: [...fraudModel.schema.features, { name: 'channel', type: 'categorical', nullable: true }] } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.schema_version, 2);
    const schemas = await s.call('GET', '/api/v1/models/fraud/schemas');
    assert.equal(schemas.body.items.length, 2);
    const typeChange = await s.call('PATCH', '/api/v1/models/fraud', { schema: { ...fraudModel.schema, features: [{ name: 'amount', type: 'categorical' }] } });
    assert.equal(typeChange.status, 409);
    assert.match(typeChange.body.error.message, /amount/);
    assert.equal((await s.call('PATCH', '/api/v1/models/fraud', {})).status, 400);
    assert.equal((await s.call('GET', '/api/v1/models/ghost')).status, 404);
    assert.equal((await s.call('GET', '/api/v1/models?team=risk')).body.items.length, 1);
    // the new feature is accepted by ingestion at once
    const r = await s.call('POST', '/api/v1/predictions', [prediction(1, { features: { ...(prediction(1).features as object), channel: 'web' } })]);
    assert.equal(r.status, 200);
  });

  test('versions and deployments', async () => {
    const v = await s.call('POST', '/api/v1/models/fraud/versions', { version: 'v1', validation_metrics: { accuracy: 0.93 } });
    assert.equal(v.status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/fraud/versions', { version: 'v1' })).status, 409);
    assert.equal((await s.call('POST', '/api/v1/models/ghost/versions', { version: 'v1' })).status, 404);
    assert.equal((await s.call('POST', '/api/v1/models/fraud/versions', { version: 'v 2', validation_metrics: { accuracy: 'high' } })).status, 400);
    const d = await s.call('POST', '/api/v1/models/fraud/deployments', { version: 'v1', environment: 'production', outcome: 'succeeded' });
    assert.equal(d.status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/fraud/deployments', { version: 'v9', environment: 'production' })).status, 404);
    assert.equal((await s.call('POST', '/api/v1/models/fraud/deployments', { version: 'v1', environment: 'Prod!' })).status, 400);
    const ended = await s.call('PATCH', `/api/v1/models/fraud/deployments/${d.body.id}`, { outcome: 'rolled_back', ended_at: new Date().toISOString() });
    assert.equal(ended.status, 200);
    assert.equal(ended.body.outcome, 'rolled_back');
    assert.equal((await s.call('PATCH', '/api/v1/models/fraud/deployments/not-a-uuid', { outcome: 'failed' })).status, 400);
    assert.equal((await s.call('GET', '/api/v1/models/fraud/deployments?environment=production')).body.items.length, 1);
  });

  test('query: counts, latency quantiles, nulls for empty buckets, overview, catalog, bad params', async () => {
    await s.call('POST', '/api/v1/predictions', Array.from({ length: 120 }, (_, i) => prediction(1000 + i)));
    await s.server.ctx.stores.events.rollupStep();
    const from = T + 1_000_000 - ((T + 1_000_000) % 60_000);
    const q = await s.call('GET', `/api/v1/query?metric=predictions.count&model=fraud&from=${from}&to=${from + 5 * 60_000}&step=1m`);
    assert.equal(q.status, 200);
    assert.equal(q.body.source, 'rollup');
    const pts = q.body.series[0].points;
    assert.equal(pts.length, 5);
    assert.equal(pts.reduce((a: number, p: [number, number | null]) => a + (p[1] ?? 0), 0), 120);
    const empty = await s.call('GET', `/api/v1/query?metric=predictions.count&model=fraud&from=${from + 86_400_000}&to=${from + 86_400_000 + 120_000}&step=1m`);
    assert.deepEqual(empty.body.series[0].points.map((p: [number, null]) => p[1]), [null, null]);
    const p99 = await s.call('GET', `/api/v1/query?metric=latency.p99&model=fraud&from=${from}&to=${from + 5 * 60_000}&step=5m&group_by=segment.region`);
    assert.equal(p99.body.series.length, 2);
    for (const series of p99.body.series) assert.ok(series.points[0][1] > 40 && series.points[0][1] < 45.5, JSON.stringify(series));
    const cat = await s.call('GET', '/api/v1/metrics/catalog');
    assert.ok(cat.body.metrics.find((m: { name: string }) => m.name === 'latency.p99'));
    const bad = await s.call('GET', '/api/v1/query?metric=latency.p99&from=tomorrow&step=1s');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field).sort(), ['from', 'step']);
    const ov = await s.call('GET', `/api/v1/overview?from=${T - 3_600_000}&to=now`);
    assert.equal(ov.status, 200);
    const fraud = ov.body.models.find((m: { id: string }) => m.id === 'fraud');
    assert.ok(fraud.predictions >= 120);
    assert.ok(fraud.latency_p99_ms > 0);
    assert.equal((await s.call('GET', '/api/v1/predictions?limit=5')).status, 400);
    assert.equal((await s.call('GET', '/api/v1/predictions?model=fraud&limit=0')).status, 400);
  });

  test('the stream delivers an ingest event to a live subscriber', async () => {
    const got = new Promise<string>((resolve, reject) => {
      const req = http.get(`${s.server.url}/api/v1/stream?types=ingest`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('event: ingest')) {
            req.destroy();
            resolve(buf);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') || e.message.includes('socket hang up') ? undefined : reject(e)));
      setTimeout(() => void s.call('POST', '/api/v1/predictions', [prediction(5000)]), 200);
    });
    assert.match(await got, /"kind":"predictions","model":"fraud","accepted":1/);
    const denied = await s.call('GET', '/api/v1/stream', undefined, { token: null });
    assert.equal(denied.status, 401);
  });

  test('unknown routes answer a JSON 404', async () => {
    const r = await s.call('GET', '/api/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.match(r.body.error.hint, /api\/docs/);
  });
});

describe('auth cannot be bypassed by spelling the path differently', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.stop());

  for (const path of ['/%61pi/v1/models', '/api/v1/%6dodels', '/api//v1/models', '/API/v1/models', '/api/v1/models/', '/api/v1/health/../models', '/nothing']) {
    test(`GET ${path} without a token is refused`, async () => {
      const r = await s.call('GET', path, undefined, { token: null });
      assert.equal(r.status, 401, `${path} answered ${r.status}`);
    });
  }
  test('POST /%61pi/v1/models without a token creates nothing', async () => {
    const r = await s.call('POST', '/%61pi/v1/models', fraudModel, { token: null });
    assert.equal(r.status, 401);
    assert.equal((await s.call('GET', '/api/v1/models')).body.items.length, 0);
  });
});

describe('answers stay bounded', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/v1/models', fraudModel);
  });
  after(() => s.stop());

  test('a group-by that would make more than 1000 series is refused with a hint', async () => {
    await s.call('POST', '/api/v1/predictions', Array.from({ length: 1001 }, (_, i) => prediction(i, { segment: { region: `r${i}` } })));
    await s.server.ctx.stores.events.rollupStep();
    const r = await s.call('GET', `/api/v1/query?metric=predictions.count&model=fraud&from=${T}&to=${T + 3_600_000}&step=1h&group_by=segment.region`);
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /1001 series/);
    const ok = await s.call('GET', `/api/v1/query?metric=predictions.count&model=fraud&from=${T}&to=${T + 3_600_000}&step=1h&group_by=version`);
    assert.equal(ok.status, 200);
  });
});
