import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, prediction, startTestServer, T, type TestServer } from './testing/test-server.ts';

describe('ingestion over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ VIGIL_BODY_LIMIT: '200kb' });
    assert.equal((await s.call('POST', '/api/v1/models', fraudModel)).status, 201);
  });
  after(() => s.stop());

  test('a fully valid batch answers 200; re-sending it never double counts', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => prediction(i));
    const first = await s.call('POST', '/api/v1/predictions', batch);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { accepted: 50, duplicates: 0, rejected: 0, errors: [], errors_truncated: false });
    const again = await s.call('POST', '/api/v1/predictions', batch);
    assert.equal(again.status, 200);
    assert.equal(again.body.accepted, 0);
    assert.equal(again.body.duplicates, 50);
    const listed = await s.call('GET', '/api/v1/predictions?model=fraud&limit=1000');
    assert.equal(listed.body.items.filter((p: { id: string }) => /^p-\d+$/.test(p.id) && Number(p.id.slice(2)) < 50).length, 50);
  });

  test('a partly valid batch answers 207 and reports every reason by index', async () => {
    const batch = [
      prediction(100),
      prediction(101, { features: { amount: -5, country: 'XX', is_new: 'yes', colour: 'red' } }),
      prediction(102, { ts: 'yesterday', latency_ms: -1 }),
      prediction(103, { model: 'nope' }),
      prediction(104, { id: undefined }),
    ];
    const r = await s.call('POST', '/api/v1/predictions', batch);
    assert.equal(r.status, 207);
    assert.equal(r.body.accepted, 1);
    assert.equal(r.body.rejected, 4);
    const byIndex = new Map(r.body.errors.map((e: { index: number }) => [e.index, e]));
    const kinds = (i: number) => (byIndex.get(i) as { reasons: { field: string; kind: string }[] }).reasons.map((x) => `${x.field}:${x.kind}`).sort();
    assert.deepEqual(kinds(1), ['features.amount:out_of_range', 'features.colour:unknown_feature', 'features.country:unseen_category', 'features.is_new:wrong_type', 'features.note:missing_feature'].filter((k) => k !== 'features.note:missing_feature'));
    assert.deepEqual(kinds(2), ['latency_ms:invalid_field', 'ts:invalid_field']);
    assert.deepEqual(kinds(3), ['model:unknown_model']);
    assert.deepEqual(kinds(4), ['id:missing_field']);
    const reason = (byIndex.get(1) as { reasons: { field: string; expected: string; got: string }[] }).reasons.find((x) => x.field === 'features.amount');
    assert.deepEqual(reason, { field: 'features.amount', kind: 'out_of_range', expected: 'number in [0, 10000]', got: 'number -5' });
    assert.equal((byIndex.get(1) as { id: string }).id, 'p-101');
  });

  test('schema violations are counted per feature as data-quality metrics', async () => {
    await s.call('POST', '/api/v1/predictions', [prediction(200, { features: { amount: 1, country: 'ZZ', is_new: null, note: null } }), prediction(201, { features: { amount: 1, country: 'YY', is_new: null, note: null } }), prediction(202, { features: { amount: 'NaN', country: 'DE', is_new: null, note: null } })]);
    const q = await s.call('GET', `/api/v1/query?metric=quality.violations&model=fraud&from=${T}&to=${T + 3_600_000}&step=1h&group_by=feature,kind`);
    assert.equal(q.status, 200);
    const get = (feature: string, kind: string) => q.body.series.find((x: { labels: Record<string, string> }) => x.labels.feature === feature && x.labels.kind === kind)?.points.reduce((a: number, p: [number, number | null]) => a + (p[1] ?? 0), 0);
    assert.equal(get('country', 'unseen_category'), 3);
    assert.equal(get('amount', 'nan_or_infinity'), 1);
  });

  test('NDJSON and gzip bodies are accepted', async () => {
    const nd = [prediction(300), prediction(301)].map((r) => JSON.stringify(r)).join('\n');
    const a = await s.call('POST', '/api/v1/predictions', undefined, { raw: nd, contentType: 'application/x-ndjson' });
    assert.equal(a.status, 200);
    assert.equal(a.body.accepted, 2);
    const b = await s.call('POST', '/api/v1/predictions', [prediction(302), prediction(303), prediction(304)], { gzip: true });
    assert.equal(b.status, 200);
    assert.equal(b.body.accepted, 3);
    const c = await s.call('POST', '/api/v1/predictions', undefined, { raw: nd + '\n', contentType: 'application/x-ndjson', gzip: true });
    assert.equal(c.body.duplicates, 2);
  });

  test('NDJSON with CRLF line ends and blank lines loads every record', async () => {
    const body = '\r\n' + [prediction(310), prediction(311)].map((r) => JSON.stringify(r)).join('\r\n\r\n') + '\r\n\n';
    const r = await s.call('POST', '/api/v1/predictions', undefined, { raw: body, contentType: 'application/x-ndjson' });
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 2);
  });

  const badBodies: [string, Parameters<TestServer['call']>[3] & { body?: unknown }, number, RegExp][] = [
    ['malformed JSON', { raw: '[{"id": "x",' }, 400, /not valid JSON/],
    ['malformed NDJSON line', { raw: '{"id":"a"}\n{nope}', contentType: 'application/x-ndjson' }, 400, /line 2/],
    ['a JSON scalar', { raw: '7' }, 400, /JSON array/],
    ['an empty array', { raw: '[]' }, 400, /no records/],
    ['an empty body', { raw: '' }, 400, /empty|JSON/],
    ['corrupt gzip', { raw: 'not gzip at all', gzip: false }, 400, /gzip/],
    ['an unsupported content type', { raw: 'a,b\n1,2', contentType: 'text/csv' }, 415, /content type/],
  ];
  for (const [name, opts, status, re] of badBodies) {
    test(`${name} answers ${status} with a JSON error that says what to do`, async () => {
      const extra = name === 'corrupt gzip' ? { headers: { 'content-encoding': 'gzip' } } : {};
      let r;
      if (name === 'corrupt gzip') {
        const res = await fetch(`${s.server.url}/api/v1/predictions`, { method: 'POST', headers: { authorization: `Bearer test-admin-token-0123456789`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip at all' });
        r = { status: res.status, body: await res.json() };
      } else r = await s.call('POST', '/api/v1/predictions', undefined, opts);
      void extra;
      assert.equal(r.status, status);
      assert.match(r.body.error.message, re);
      assert.ok(r.body.error.hint, 'has a hint');
    });
  }

  test('an oversize body answers 413, also when it only grows past the limit after gunzip', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => prediction(10_000 + i));
    const r = await s.call('POST', '/api/v1/predictions', big);
    assert.equal(r.status, 413);
    assert.match(r.body.error.message, /limit/);
    const z = await s.call('POST', '/api/v1/predictions', big, { gzip: true });
    assert.equal(z.status, 413);
    const listed = await s.call('GET', '/api/v1/predictions?model=fraud&limit=10000');
    assert.ok(!listed.body.items.some((p: { id: string }) => p.id === 'p-10000'), 'nothing of a refused body is stored');
  });

  test('a batch naming only unknown models answers 404; all-invalid answers 400', async () => {
    const r = await s.call('POST', '/api/v1/predictions', [prediction(400, { model: 'ghost' })]);
    assert.equal(r.status, 404);
    assert.match(r.body.error.hint, /POST \/api\/v1\/models/);
    const b = await s.call('POST', '/api/v1/predictions', [prediction(401, { prediction: undefined })]);
    assert.equal(b.status, 400);
    assert.equal(b.body.errors[0].reasons[0].field, 'prediction');
  });

  test('labels before and after their prediction; coverage in the query', async () => {
    const early = await s.call('POST', '/api/v1/labels', [{ prediction_id: 'p-500', model: 'fraud', label: 1, ts: new Date(T + 600_000).toISOString() }]);
    assert.equal(early.status, 200);
    await s.call('POST', '/api/v1/predictions', [prediction(500), prediction(501)]);
    await s.call('POST', '/api/v1/labels', [{ prediction_id: 'p-501', model: 'fraud', label: 0, ts: T + 700_000 }]);
    const bad = await s.call('POST', '/api/v1/labels', [{ prediction_id: 'p-502', model: 'fraud', ts: T }, { prediction_id: 'p-503', model: 'ghost', label: 1, ts: T }]);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { reasons: { field: string }[] }) => e.reasons[0]?.field), ['label', 'model']);
    await s.server.ctx.stores.events.rollupStep();
    const from = T + 500_000 - ((T + 500_000) % 60_000);
    const q = await s.call('GET', `/api/v1/query?metric=labels.coverage&model=fraud&from=${from}&to=${from + 120_000}&step=1m`);
    assert.equal(q.status, 200);
    const pts = q.body.series[0].points.filter((p: [number, number | null]) => p[1] !== null);
    assert.ok(pts.length >= 1);
  });

  test('metrics, logs, pipeline and training runs ingest and read back', async () => {
    const now = Date.now();
    assert.equal((await s.call('POST', '/api/v1/metrics', [{ name: 'node_cpu', labels: { host: 'a' }, ts: now - 1000, value: 0.5 }])).status, 200);
    const badMetric = await s.call('POST', '/api/v1/metrics', [{ name: '9bad', ts: now, value: 'high' }]);
    assert.equal(badMetric.status, 400);
    assert.deepEqual(badMetric.body.errors[0].reasons.map((r: { field: string }) => r.field).sort(), ['name', 'value']);
    assert.equal((await s.call('POST', '/api/v1/logs', [{ ts: now, level: 'error', message: 'boom', model: 'fraud', error_class: 'Timeout' }])).status, 200);
    assert.equal((await s.call('POST', '/api/v1/pipeline-runs', [{ pipeline: 'features', run_id: 'r1', stage: 'load', status: 'succeeded', started_at: now - 5000, ended_at: now, rows_in: 10, rows_out: 10 }])).status, 200);
    assert.equal((await s.call('POST', '/api/v1/training-runs', [{ run_id: 't1', model: 'fraud', status: 'succeeded', started_at: now - 5000, metrics: { loss: [[0, 1], [1, 0.4]] } }])).status, 200);
    assert.equal((await s.call('GET', '/api/v1/pipeline-runs?limit=5')).body.items[0].rows_out, 10);
    assert.deepEqual((await s.call('GET', '/api/v1/training-runs?model=fraud')).body.items[0].metrics.loss, [[0, 1], [1, 0.4]]);
    const cpu = await s.call('GET', `/api/v1/query?metric=samples&name=node_cpu&label.host=a&from=now-10m&step=1m&agg=max`);
    assert.equal(cpu.status, 200);
    assert.ok(cpu.body.series[0].points.some((p: [number, number | null]) => p[1] === 0.5));
    const errs = await s.call('GET', `/api/v1/query?metric=logs.count&level=error&from=now-10m&step=1m`);
    assert.ok(errs.body.series[0].points.some((p: [number, number | null]) => p[1] === 1));
  });
});

describe('inputs that once caused 500s are answered precisely and store the same either way', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/v1/models', { ...fraudModel, schema: { ...fraudModel.schema, features: [...fraudModel.schema.features, { name: 'plan', type: 'categorical', nullable: true, categories: ['1', '2'] }] } });
  });
  after(() => s.stop());

  test('a single JSON object is one record', async () => {
    const r = await s.call('POST', '/api/v1/predictions', prediction(1));
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 1);
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['an impossible date', { ts: '2026-02-30T00:00:00Z' }, 'ts'],
    ['a batch size past 32 bits', { batch_size: 3_000_000_000 }, 'batch_size'],
    ['a time far in the future', { ts: 1e20 }, 'ts'],
  ];
  for (const [name, over, field] of refused) {
    test(`${name} is refused with a reason, alone or next to valid records`, async () => {
      const alone = await s.call('POST', '/api/v1/predictions', [prediction(100 + name.length, over)]);
      assert.equal(alone.status, 400);
      assert.equal(alone.body.errors[0].reasons[0].field, field);
      const mixed = await s.call('POST', '/api/v1/predictions', [prediction(200 + name.length), prediction(300 + name.length, { ...over, features: { amount: -1, country: 'DE', is_new: null, note: null } })]);
      assert.equal(mixed.status, 207);
      assert.equal(mixed.body.accepted, 1);
    });
  }

  test('a category or class sent as 1.0 is stored as "1" on the bulk path and on the checked path', async () => {
    const base = (id: string) => ({ ...prediction(0), id, prediction: 1.0, features: { ...(prediction(0).features as object), plan: 1.0 } });
    const wire = `[${JSON.stringify(base('c1')).replace('"plan":1', '"plan":1.0').replace('"prediction":1', '"prediction":1.0')}]`;
    assert.match(wire, /"plan":1\.0/);
    assert.equal((await s.call('POST', '/api/v1/predictions', undefined, { raw: wire })).status, 200);
    const mixed = await s.call('POST', '/api/v1/predictions', [base('c2'), { ...base('c3'), version: undefined }]);
    assert.equal(mixed.status, 207);
    const items = (await s.call('GET', '/api/v1/predictions?model=fraud&limit=100')).body.items;
    for (const id of ['c1', 'c2']) {
      const p = items.find((x: { id: string }) => x.id === id);
      assert.deepEqual([p.prediction, p.features.plan], ['1', '1'], id);
    }
  });

  test('feature names that differ only in case are refused at registration', async () => {
    const r = await s.call('POST', '/api/v1/models', { id: 'cased', name: 'c', task: 'binary', schema: { features: [{ name: 'Age', type: 'numeric' }, { name: 'age', type: 'numeric' }] } });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.body.error.details), /age/);
  });

  test('one record with thousands of unknown features gets a bounded answer', async () => {
    const features = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`x${i}`, i]));
    const r = await s.call('POST', '/api/v1/predictions', [prediction(999, { features })]);
    assert.equal(r.status, 400);
    assert.ok(r.body.errors[0].reasons.length <= 101);
  });
});
