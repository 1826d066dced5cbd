import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fraudModel, prediction, startTestServer, T, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const H = 3_600_000;

interface Feature {
  feature: string;
  type: string;
  count: number;
  nulls: number;
  completeness: number | null;
  violations: Record<string, number>;
  series: { t: number; completeness: number | null; violations: number }[];
}

describe('data quality of a model (GET /api/v1/models/:id/quality)', () => {
  let s: TestServer;
  // each test has its own model, so no test depends on another's data
  const model = async (id: string) => assert.equal((await s.call('POST', '/api/v1/models', { ...fraudModel, id })).status, 201);
  const send = async (records: unknown[]) => s.call('POST', '/api/v1/predictions', records);
  const quality = async (id: string, params = '') => s.call('GET', `/api/v1/models/${id}/quality${params}`);
  const feature = (body: { features: Feature[] }, name: string) => body.features.find((f) => f.feature === name) as Feature;

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
  });
  after(() => s.stop());

  test('completeness per feature over time; null where there was no data, never 0', async () => {
    await model('q-complete');
    const p = (i: number, over: Record<string, unknown> = {}) => prediction(i, { model: 'q-complete', ...over });
    // hour T: 4 predictions, is_new null in one; hour T+1h: 2 predictions, all present
    const feats = (i: number, isNew: boolean | null) => ({ amount: i, country: 'DE', is_new: isNew, note: null });
    assert.equal((await send([p(1, { features: feats(1, null) }), p(2, { features: feats(2, true) }), p(3, { features: feats(3, false) }), p(4, { features: feats(4, true) })])).status, 200);
    assert.equal((await send([p(3601, { features: feats(5, true) }), p(3602, { features: feats(6, false) })])).status, 200);
    await s.server.ctx.stores.events.rollupStep();

    const r = await quality('q-complete', `?from=${T}&to=${T + 3 * H}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.model, 'q-complete');
    assert.deepEqual(r.body.window, { from: T, to: T + 3 * H, version: null });
    assert.equal(r.body.step_ms, H);
    assert.equal(r.body.totals.predictions, 6);
    assert.deepEqual(r.body.features.map((f: Feature) => [f.feature, f.type]), [['amount', 'numeric'], ['country', 'categorical'], ['is_new', 'boolean'], ['note', 'text']]);
    const isNew = feature(r.body, 'is_new');
    assert.deepEqual([isNew.count, isNew.nulls, isNew.completeness], [6, 1, 5 / 6]);
    assert.deepEqual(isNew.series, [{ t: T, completeness: 0.75, violations: 0 }, { t: T + H, completeness: 1, violations: 0 }, { t: T + 2 * H, completeness: null, violations: 0 }]);
    // a feature always null is 0 complete; that is data, unlike an hour without predictions
    assert.equal(feature(r.body, 'note').completeness, 0);
    assert.equal(feature(r.body, 'amount').completeness, 1);

    const q = await s.call('GET', `/api/v1/query?metric=quality.completeness&model=q-complete&feature=is_new&from=${T}&to=${T + 2 * H}&step=1h`);
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.deepEqual(q.body.series[0].points, [[T, 0.75], [T + H, 1]]);

    const v2 = await quality('q-complete', `?from=${T}&to=${T + 3 * H}&version=v2`);
    assert.equal(v2.body.totals.predictions, 0);
    assert.equal(feature(v2.body, 'is_new').completeness, null);
    assert.equal(v2.body.window.version, 'v2');
  });

  test('violations by kind per feature, refused records counted once each, unknown features listed', async () => {
    await model('q-viol');
    const p = (i: number, features: Record<string, unknown>, over: Record<string, unknown> = {}) => prediction(i, { model: 'q-viol', features, ...over });
    const ok = { amount: 1, country: 'DE', is_new: true, note: null };
    const r = await send([
      p(1, { ...ok, amount: -5 }), // out_of_range
      p(2, { ...ok, amount: 'NaN', country: 'XX' }), // nan_or_infinity + unseen_category
      p(3, { ...ok, is_new: 'yes', colour: 'red' }), // wrong_type + unknown_feature
      p(4, { country: 'DE', is_new: true, note: null }), // missing_feature
      p(5, ok, { latency_ms: -1 }), // refused, but not for a feature
      p(6, ok),
    ]);
    assert.equal(r.status, 207);
    assert.equal(r.body.rejected, 5);
    await s.server.ctx.stores.events.rollupStep();

    const q = await quality('q-viol');
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.deepEqual(q.body.totals, { predictions: 1, refused: 5, duplicates: 0, violations: 6 });
    assert.deepEqual(feature(q.body, 'amount').violations, { missing_feature: 1, out_of_range: 1, nan_or_infinity: 1 });
    assert.deepEqual(feature(q.body, 'country').violations, { unseen_category: 1 });
    assert.deepEqual(feature(q.body, 'is_new').violations, { wrong_type: 1 });
    assert.deepEqual(feature(q.body, 'note').violations, {});
    assert.deepEqual(q.body.unknown_features, [{ feature: 'colour', count: 1 }]);
    const hour = feature(q.body, 'amount').series.find((x) => x.t === T);
    assert.equal(hour?.violations, 3);

    // the catalogue agrees, and keeps violations apart from refused records
    const sum = async (qs: string) => {
      const m = await s.call('GET', `/api/v1/query?model=q-viol&from=now-24h&step=1h&${qs}`);
      assert.equal(m.status, 200, JSON.stringify(m.body));
      return m.body.series.reduce((a: number, x: { points: [number, number | null][] }) => a + x.points.reduce((b, pt) => b + (pt[1] ?? 0), 0), 0);
    };
    assert.equal(await sum('metric=quality.violations'), 6);
    assert.equal(await sum('metric=quality.violations&group_by=kind'), 6);
    assert.equal(await sum('metric=quality.refused'), 5);
    const bad = await s.call('GET', '/api/v1/query?metric=quality.violations&model=q-viol&kind=duplicate');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: { field: string }) => d.field), ['kind']);
  });

  test('duplicates are recorded over time, within one request and across requests', async () => {
    await model('q-dup');
    const p = (i: number) => prediction(i, { model: 'q-dup' });
    const first = await send([p(1), p(1), p(2)]);
    assert.deepEqual([first.status, first.body.accepted, first.body.duplicates], [200, 2, 1]);
    const again = await send([p(1), p(2), p(3)]);
    assert.deepEqual([again.status, again.body.accepted, again.body.duplicates], [200, 1, 2]);
    const mixed = await send([p(3), p(3), p(4)]);
    assert.deepEqual([mixed.body.accepted, mixed.body.duplicates], [1, 2]);
    await s.server.ctx.stores.events.rollupStep();

    const q = await quality('q-dup');
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.deepEqual(q.body.totals, { predictions: 4, refused: 0, duplicates: 5, violations: 0 });
    const m = await s.call('GET', '/api/v1/query?metric=quality.duplicates&model=q-dup&from=now-1h&step=1h');
    assert.equal(m.status, 200);
    assert.equal(m.body.series[0].points.reduce((a: number, pt: [number, number | null]) => a + (pt[1] ?? 0), 0), 5);
    // duplicates are not violations: health and quality.violations do not count them
    const v = await s.call('GET', '/api/v1/query?metric=quality.violations&model=q-dup&from=now-1h&step=1h');
    assert.ok(v.body.series.every((x: { points: [number, number | null][] }) => x.points.every((pt) => pt[1] === null)));
  });

  test('pipeline runs: checks from the structured and the map form, and an invalid payload reported, not dropped', async () => {
    await model('q-runs');
    const at = (m: number) => new Date(T + m * 60_000).toISOString();
    const run = (run_id: string, over: Record<string, unknown>) => ({ pipeline: 'features', run_id, stage: 'load', status: 'succeeded', started_at: at(0), model: 'q-runs', rows_in: 100, rows_out: 98, ...over });
    const r = await s.call('POST', '/api/v1/pipeline-runs', [
      run('structured', { started_at: at(10), quality: { checks: [{ name: 'amount_positive', status: 'failed', value: 3, expected: '0', message: '3 rows with amount <= 0' }], row_count: 100, null_counts: { email: 4 }, duplicate_rows: 0 } }),
      run('map', { started_at: at(20), quality: { schema_ok: true, fresh: false, null_rate: 0.04 }, schema_checks: { columns_match: false } }),
      run('invalid', { started_at: at(30), status: 'failed', quality: { checks: [{ name: 'x', status: 'ok' }], error: 'source table not ready' } }),
      run('twice', { started_at: at(40), status: 'running', ended_at: null }),
      run('twice', { started_at: at(40), status: 'succeeded', ended_at: at(45), quality: { rows_ok: true } }),
      run('other-model', { started_at: at(50), model: null, quality: { ok: true } }),
    ]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.accepted, 6, 'an invalid quality payload is stored as sent');

    const q = await quality('q-runs');
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const runs = q.body.pipeline_runs as { run_id: string; status: string; checks: { name: string; status: string; value: unknown; expected: string | null; message: string | null }[]; failed_checks: number; started_at: number; ended_at: number | null; rows_in: number | null }[];
    assert.deepEqual(runs.map((x) => `${x.run_id}:${x.status}`), ['twice:succeeded', 'invalid:failed', 'map:succeeded', 'structured:succeeded'], 'newest first, one entry per run stage, only this model');
    const byId = new Map(runs.map((x) => [x.run_id, x]));
    const structured = byId.get('structured');
    assert.deepEqual(structured?.checks.map((c) => `${c.name}:${c.status}`), ['amount_positive:failed', 'row_count:passed', 'null_count.email:warning', 'duplicate_rows:passed']);
    assert.deepEqual(structured?.checks[0], { name: 'amount_positive', status: 'failed', value: 3, expected: '0', message: '3 rows with amount <= 0' });
    assert.equal(structured?.failed_checks, 1);
    assert.deepEqual([structured?.started_at, structured?.rows_in], [T + 10 * 60_000, 100]);
    assert.deepEqual(byId.get('map')?.checks.map((c) => `${c.name}:${c.status}`), ['schema_ok:passed', 'fresh:failed', 'null_rate:passed', 'schema.columns_match:failed']);
    assert.equal(byId.get('map')?.failed_checks, 2);
    const invalid = byId.get('invalid')?.checks ?? [];
    assert.deepEqual(invalid.map((c) => c.name), ['invalid_quality_payload']);
    assert.match(invalid[0]?.message ?? '', /quality\.checks\[0\]\.status: expected "passed", "failed", "warning", got string "ok"; quality\.error: expected true \/ false .* got string "source table not ready"/);
    assert.equal(byId.get('invalid')?.failed_checks, 0);
    assert.equal(byId.get('twice')?.ended_at, T + 45 * 60_000);
    // stored as sent: the raw listing still has the payload
    const raw = await s.call('GET', '/api/v1/pipeline-runs?model=q-runs&limit=10');
    assert.equal(raw.body.items.find((x: { run_id: string }) => x.run_id === 'invalid').quality.error, 'source table not ready');
  });

  test('an empty window: completeness null (not 0), zero totals, a full grid', async () => {
    await model('q-empty');
    const from = Math.floor((T - 48 * H) / (6 * H)) * 6 * H;
    const r = await quality('q-empty', `?from=${from}&to=${from + 24 * H}&step=21600000`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.totals, { predictions: 0, refused: 0, duplicates: 0, violations: 0 });
    assert.equal(r.body.step_ms, 6 * H);
    for (const f of r.body.features as Feature[]) {
      assert.deepEqual([f.count, f.nulls, f.completeness, f.violations], [0, 0, null, {}]);
      assert.equal(f.series.length, 4);
      assert.ok(f.series.every((x) => x.completeness === null && x.violations === 0));
    }
    assert.deepEqual(r.body.pipeline_runs, []);
    assert.deepEqual(r.body.unknown_features, []);
  });

  test('the window defaults to the last 24 h in hourly steps; step also takes a duration', async () => {
    await model('q-defaults');
    const r = await quality('q-defaults');
    assert.equal(r.status, 200);
    assert.equal(r.body.step_ms, H);
    assert.equal(r.body.window.to % H, 0);
    assert.ok(r.body.window.to - r.body.window.from >= 24 * H && r.body.window.to - r.body.window.from <= 26 * H, JSON.stringify(r.body.window));
    assert.equal((await quality('q-defaults', '?from=now-7d&step=1d')).body.step_ms, 24 * H);
  });

  const BAD: [string, string, string][] = [
    ['a from that is no time', '?from=yesterday', 'from'],
    ['a to that is no time', '?to=2026-13-01T00:00:00Z', 'to'],
    ['from after to', `?from=${T}&to=${T - H}`, 'from'],
    ['a step finer than an hour', '?step=60000', 'step'],
    ['a step that is not a duration', '?step=soon', 'step'],
    ['too many points', '?from=now-365d&step=1h', 'step'],
    ['an empty version', '?version=', 'version'],
    ['an unknown parameter', '?feature=amount', 'feature'],
  ];
  for (const [name, params, field] of BAD) {
    test(`400 naming the field: ${name}`, async () => {
      await model(`q-bad-${BAD.findIndex((b) => b[0] === name)}`);
      const r = await quality(`q-bad-${BAD.findIndex((b) => b[0] === name)}`, params);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'validation_failed');
      assert.deepEqual(r.body.error.details.map((d: { field: string }) => d.field), [field], JSON.stringify(r.body));
    });
  }

  test('404 for an unknown model to those who could see it; 403 whether or not it exists to those who cannot', async () => {
    await model('q-secret');
    await model('q-mine');
    const nf = await quality('no-such-model');
    assert.equal(nf.status, 404);
    assert.equal(nf.body.error.code, 'not_found');
    await addUser(s, 'q-viewer', [{ role: 'viewer', scope: { kind: 'models', models: ['q-mine'] } }]);
    const session = await s.signIn('q-viewer', PW);
    assert.equal((await s.call('GET', '/api/v1/models/q-mine/quality', undefined, { session })).status, 200);
    for (const id of ['q-secret', 'no-such-model']) {
      const r = await s.call('GET', `/api/v1/models/${id}/quality`, undefined, { session });
      assert.equal(r.status, 403, id);
      assert.equal(r.body.error.code, 'forbidden');
    }
    assert.equal((await s.call('GET', '/api/v1/models/q-mine/quality', undefined, { token: null })).status, 401);
  });
});
