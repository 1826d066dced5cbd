import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const H = 3_600_000;
const MIN = 60_000;

describe('error-rate catalogue metrics: performance.fpr, performance.fnr, performance.error_rate, errors.rate', () => {
  let s: TestServer;
  let a = 3;
  const r = () => ((a = (a * 1664525 + 1013904223) >>> 0) / 4294967296);
  const h1 = T - 2 * H, h2 = T - H;
  // fb declares classes no/yes (positive: yes); fc declares none and sends booleans (positive: true).
  // In the second hour every fb label is yes: no actual negatives there, so no FPR.
  const fb = Array.from({ length: 120 }, (_, i) => {
    const second = i >= 60, predicted = r() < 0.5 ? 'yes' : 'no';
    return { id: `b${i}`, ts: (second ? h2 : h1) + (i % 60) * 1000, predicted, truth: second ? 'yes' : r() < 0.4 ? 'yes' : 'no' };
  });
  const fc = Array.from({ length: 80 }, (_, i) => ({ id: `c${i}`, ts: (i < 40 ? h1 : h2) + (i % 40) * 1000, predicted: r() < 0.5, truth: r() < 0.5 }));

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    const mk = async (id: string, task: string, classes?: string[]) => assert.equal((await s.call('POST', '/api/v1/models', { id, name: id, task, owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }], ...(classes ? { classes } : {}) } })).status, 201);
    await mk('fb', 'binary', ['no', 'yes']);
    await mk('fc', 'binary');
    await mk('fm', 'multiclass', ['a', 'b', 'c']);
    const send = async (model: string, rows: { id: string; ts: number; predicted: unknown; truth: unknown }[]) => {
      assert.equal((await s.call('POST', '/api/v1/predictions', rows.map((w) => ({ id: w.id, model, version: 'v1', ts: w.ts, prediction: w.predicted, features: { x: 1 } })))).status, 200);
      assert.equal((await s.call('POST', '/api/v1/labels', rows.map((w) => ({ prediction_id: w.id, model, label: w.truth, ts: w.ts + MIN })))).status, 200);
    };
    await send('fb', fb);
    await send('fc', fc);
    // a multiclass model is not binary: it counts in neither rate, pooled or not
    await send('fm', Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, ts: h1 + i * 1000, predicted: 'abc'[i % 3], truth: 'abc'[(i * 7) % 3] })));
    await s.server.ctx.stores.events.rollupStep();
  });
  after(() => s.stop());

  const query = (params: string, opts = {}) => s.call('GET', `/api/v1/query?from=${h1}&to=${T}&step=1h&${params}`, undefined, opts);
  const points = (body: { series: { labels: Record<string, string>; points: [number, number | null][] }[] }, model?: string) =>
    (model ? body.series.find((x) => x.labels.model === model)! : body.series[0]!).points.map((p) => p[1]);
  /** FP, TN, FN, TP of each hour by counting. */
  const counts = (rows: { ts: number; predicted: unknown; truth: unknown }[], positive: unknown, hour: number) => {
    const mine = rows.filter((w) => w.ts >= hour && w.ts < hour + H);
    const c = (p: boolean, t: boolean) => mine.filter((w) => (w.predicted === positive) === p && (w.truth === positive) === t).length;
    return { fp: c(true, false), tn: c(false, false), fn: c(false, true), tp: c(true, true) };
  };
  const rate = (x: number, y: number) => (x + y > 0 ? x / (x + y) : null);
  const near = (got: (number | null)[], want: (number | null)[]) => {
    assert.equal(got.length, want.length);
    got.forEach((g, i) => (want[i] === null ? assert.equal(g, null) : assert.ok(Math.abs(g! - want[i]!) < 1e-12, `${g} vs ${want[i]}`)));
  };

  test('FPR and FNR per step by counting, with each model\'s positive class; null without actual negatives (or positives)', async () => {
    const fpr = await query('metric=performance.fpr&model=fb,fc&group_by=model');
    assert.equal(fpr.status, 200, JSON.stringify(fpr.body));
    const fnr = await query('metric=performance.fnr&model=fb,fc&group_by=model');
    for (const [model, rows, positive] of [['fb', fb, 'yes'], ['fc', fc, true]] as const) {
      const c = [h1, h2].map((h) => counts(rows, positive, h));
      near(points(fpr.body, model), c.map((x) => rate(x.fp, x.tn)));
      near(points(fnr.body, model), c.map((x) => rate(x.fn, x.tp)));
    }
    assert.equal(points(fpr.body, 'fb')[1], null);
    assert.notEqual(points(fnr.body, 'fb')[1], null);
  });

  test('pooled over models: the counts add up (the multiclass model counts in neither)', async () => {
    const pooled = await query('metric=performance.fpr');
    assert.equal(pooled.status, 200, JSON.stringify(pooled.body));
    const want = [h1, h2].map((h) => {
      const b = counts(fb, 'yes', h), c = counts(fc, true, h);
      return rate(b.fp + c.fp, b.tn + c.tn);
    });
    near(points(pooled.body), want);
    const fnr = await query('metric=performance.fnr&model=fm');
    assert.deepEqual(points(fnr.body), [null, null]);
  });

  test('performance.error_rate is 1 − accuracy', async () => {
    const er = await query('metric=performance.error_rate&group_by=model');
    const acc = await query('metric=performance.accuracy&group_by=model');
    for (const m of ['fb', 'fc', 'fm']) near(points(er.body, m), points(acc.body, m).map((v) => (v === null ? null : 1 - v)));
    const fbWrong = fb.filter((w) => w.ts < h2 && w.predicted !== w.truth).length;
    assert.ok(Math.abs(points(er.body, 'fb')[0]! - fbWrong / 60) < 1e-12);
  });

  test('errors.rate: error logs ÷ (predictions + error logs) per step and model; warnings and model-less logs do not count', async () => {
    const t0 = T - 30 * MIN;
    const pred = (model: string, i: number, ts: number) => ({ id: `e-${model}-${i}`, model, version: 'v1', ts, prediction: 'yes', features: { x: 1 } });
    // fb: minute 0 → 8 predictions, 2 errors; minute 1 → 3 errors only; minute 2 → 5 predictions; minute 3 → nothing
    // fc: minute 0 → 4 predictions, 4 errors
    const preds = [
      ...Array.from({ length: 8 }, (_, i) => pred('fb', i, t0 + i * 1000)),
      ...Array.from({ length: 5 }, (_, i) => pred('fb', 100 + i, t0 + 2 * MIN + i * 1000)),
      ...Array.from({ length: 4 }, (_, i) => pred('fc', i, t0 + i * 1000)),
    ];
    assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
    const log = (model: string | null, level: string, ts: number) => ({ ts, level, message: 'inference failed', error_class: 'TimeoutError', ...(model ? { model } : {}) });
    const logs = [
      log('fb', 'error', t0 + 1000), log('fb', 'error', t0 + 2000), log('fb', 'warn', t0 + 3000), log('fb', 'info', t0 + 4000),
      log('fb', 'error', t0 + MIN), log('fb', 'error', t0 + MIN + 1), log('fb', 'error', t0 + MIN + 2),
      log(null, 'error', t0 + 2 * MIN), log(null, 'error', t0 + 3 * MIN),
      ...Array.from({ length: 4 }, (_, i) => log('fc', 'error', t0 + 10 + i)),
    ];
    assert.equal((await s.call('POST', '/api/v1/logs', logs)).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const q = (params: string) => s.call('GET', `/api/v1/query?metric=errors.rate&from=${t0}&to=${t0 + 4 * MIN}&step=1m&${params}`);
    const byModel = await q('group_by=model');
    assert.equal(byModel.status, 200, JSON.stringify(byModel.body));
    near(points(byModel.body, 'fb'), [2 / 10, 1, 0, null]);
    near(points(byModel.body, 'fc'), [4 / 8, null, null, null]);
    near(points((await q('model=fb')).body), [2 / 10, 1, 0, null]);
    // pooled: minute 0 holds 12 predictions and 6 errors of models; the model-less errors are not counted
    near(points((await q('')).body), [6 / 18, 1, 0, null]);
    const bad = await q('level=error');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].field, 'level');
    assert.equal((await q('group_by=level')).status, 400);
  });

  test('the catalogue lists the new metrics; a caller limited to one model sees only its own', async () => {
    const cat = (await s.call('GET', '/api/v1/metrics/catalog')).body.metrics.map((m: { name: string }) => m.name);
    for (const m of ['performance.fpr', 'performance.fnr', 'performance.error_rate', 'errors.rate']) assert.ok(cat.includes(m), m);
    await addUser(s, 'er-viewer', [{ role: 'viewer', scope: { kind: 'models', models: ['fc'] } }]);
    const session = await s.signIn('er-viewer', PW);
    assert.equal((await query('metric=performance.fpr&model=fb', { session })).status, 403);
    const mine = await query('metric=performance.fpr&group_by=model', { session });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.series.map((x: { labels: { model: string } }) => x.labels.model), ['fc']);
    const errs = await s.call('GET', `/api/v1/query?metric=errors.rate&from=${T - 30 * MIN}&to=${T}&step=1m&group_by=model`, undefined, { session });
    assert.deepEqual(errs.body.series.map((x: { labels: { model: string } }) => x.labels.model), ['fc']);
    assert.equal((await query('metric=errors.rate', { token: null })).status, 401);
  });
});
