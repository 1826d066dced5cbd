import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, aucVsBaseline, binaryLogLossState, confusionFromLabels, logLoss, precisionRecallFscore, regressionMetrics, regressionState, rocAuc } from '@vigil/core';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';

const H = 3_600_000;
const MIN = 60_000;

describe('realized performance (GET /api/v1/models/:id/performance)', () => {
  let s: TestServer;
  // a deterministic generator
  let a = 99;
  const r = () => ((a = (a * 1664525 + 1013904223) >>> 0) / 4294967296);
  // 600 predictions over two hours; 500 get a label (some before, some after the fold), 10 are corrected later
  const preds = Array.from({ length: 600 }, (_, i) => {
    const score = Math.round(r() * 1000) / 1000;
    return { id: `p${i}`, model: 'b', version: 'v1', ts: T + Math.floor((i / 600) * 2 * H), prediction: score >= 0.5 ? '1' : '0', score, features: { x: r() }, segment: { region: i % 2 ? 'eu' : 'us' } };
  });
  const truth = preds.map((p) => (r() < p.score * 0.9 + 0.05 ? '1' : '0'));
  const labelOf = new Map<string, string>();

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    const model = { id: 'b', name: 'b', task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }], segments: ['region'], classes: ['0', '1'] } };
    assert.equal((await s.call('POST', '/api/v1/models', model)).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/b/versions', { version: 'v1', validation_metrics: { accuracy: 0.95, roc_auc: 0.97, f1: 0.9 } })).status, 201);
    assert.equal((await s.call('POST', '/api/v1/models/b/deployments', { version: 'v1', environment: 'production', started_at: new Date(T - H).toISOString() })).status, 201);
    // labels for the first 250 arrive before their predictions
    const label = (i: number, value: string, late = 0) => ({ prediction_id: `p${i}`, model: 'b', label: value, ts: preds[i]!.ts + 5 * MIN + late });
    assert.equal((await s.call('POST', '/api/v1/labels', Array.from({ length: 250 }, (_, i) => label(i, truth[i]!)))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    assert.equal((await s.call('POST', '/api/v1/labels', Array.from({ length: 250 }, (_, k) => label(250 + k, truth[250 + k]!)))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    for (let i = 0; i < 500; i++) labelOf.set(`p${i}`, truth[i]!);
  });
  after(() => s.stop());

  const perf = (params = '') => s.call('GET', `/api/v1/models/b/performance?from=${T}&to=${T + 2 * H}${params}`);
  const joined = (filter: (i: number) => boolean = () => true) => {
    const idx = preds.map((_, i) => i).filter((i) => labelOf.has(`p${i}`) && filter(i));
    return { truth: idx.map((i) => labelOf.get(`p${i}`)!), predicted: idx.map((i) => preds[i]!.prediction), scores: idx.map((i) => preds[i]!.score) };
  };

  test('metrics over the window equal the core functions on the joined rows (scikit-learn-checked)', async () => {
    const res = await perf('&exact=true');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    const j = joined();
    const conf = confusionFromLabels(j.truth, j.predicted);
    const prf = precisionRecallFscore(conf, { average: 'binary', positive: '1' });
    assert.ok(prf.status === 'ok');
    const close = (x: number, y: number) => assert.ok(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `${x} vs ${y}`);
    assert.deepEqual([b.predictions, b.labelled, b.positive], [600, 500, '1']);
    close(b.label_coverage, 500 / 600);
    close(b.label_delay_ms, 5 * MIN);
    close(b.metrics.accuracy.value, (accuracy(conf) as { value: number }).value);
    if (prf.status === 'ok') { close(b.metrics.precision.value, prf.precision); close(b.metrics.recall.value, prf.recall); close(b.metrics.f1.value, prf.fscore); }
    close(b.metrics.log_loss.value, (logLoss(binaryLogLossState(j.scores, j.truth.map((t) => t === '1'))) as { value: number }).value);
    close(b.metrics.roc_auc.value, (rocAuc(j.scores, j.truth.map((t) => t === '1')) as { value: number }).value);
    assert.equal(b.metrics.roc_auc.path, 'exact');
    assert.deepEqual(b.confusion_matrix.labels, ['0', '1']);
    // the streaming AUC brackets the exact one
    const streaming = (await perf()).body.metrics.roc_auc;
    assert.equal(streaming.path, 'streaming');
    assert.ok(streaming.lower <= b.metrics.roc_auc.value && b.metrics.roc_auc.value <= streaming.upper);
    // the validation metrics beside the live ones
    assert.equal(b.baseline.version, 'v1');
    assert.equal(b.baseline.comparisons.accuracy.test, 'one-sample proportion z-test');
    assert.equal(typeof b.baseline.comparisons.accuracy.significant, 'boolean');
    assert.equal(b.baseline.comparisons.f1.significant, null);
    assert.equal(b.calibration_curve.status, 'ok');
  });

  test('buckets are the predictions\' hours: a late label changes its own hour only; a correction replaces the earlier label', async () => {
    const before = (await perf('&step=1h')).body.series;
    assert.equal(before.length, 2);
    // label p599 (second hour) late, and correct p0 (first hour)
    const p599 = preds[599]!, p0 = preds[0]!;
    const flipped = labelOf.get('p0') === '1' ? '0' : '1';
    assert.equal((await s.call('POST', '/api/v1/labels', [
      // late: labelled now, long after their predictions (a label may not be in the future)
      { prediction_id: 'p599', model: 'b', label: truth[599], ts: Math.max(p599.ts + MIN, Date.now() - 1000) },
      { prediction_id: 'p0', model: 'b', label: flipped, ts: Math.max(p0.ts + 10 * MIN, Date.now() - 1000) },
    ])).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    labelOf.set('p599', truth[599]!);
    labelOf.set('p0', flipped);
    const after = (await perf('&step=1h')).body.series;
    assert.equal(after[0].labelled, before[0].labelled);
    assert.equal(after[1].labelled, before[1].labelled + 1);
    const firstHour = joined((i) => preds[i]!.ts < T + H);
    const acc = accuracy(confusionFromLabels(firstHour.truth, firstHour.predicted)) as { value: number };
    assert.ok(Math.abs(after[0].value - acc.value) < 1e-12);
  });

  test('performance.accuracy and labels.delay_mean are catalogue metrics (the overview\'s accuracy card, dashboards)', async () => {
    const acc = await s.call('GET', `/api/v1/query?metric=performance.accuracy&model=b&from=${T}&to=${T + 2 * H}&step=1h&group_by=model`);
    assert.equal(acc.status, 200, JSON.stringify(acc.body));
    const series = (await perf('&step=1h')).body.series;
    assert.deepEqual(acc.body.series[0].points.map((p: [number, number]) => p[1]), series.map((x: { value: number }) => x.value));
    const delay = await s.call('GET', `/api/v1/query?metric=labels.delay_mean&model=b&from=${T}&to=${T + 2 * H}&step=2h`);
    assert.equal(delay.status, 200, JSON.stringify(delay.body));
    assert.ok(delay.body.series[0].points[0][1] >= 300); // at least the five minutes every first label took
  });

  test('the exact path out of memory (a window of ~10M labelled predictions at the default limit) says what to do', async () => {
    // the real failure needs ten million rows (bench:performance); here the store's error is replayed
    const events = s.server.ctx.stores.events;
    const real = events.labelledRows.bind(events);
    events.labelledRows = () => Promise.reject(new Error('Out of Memory Error: failed to pin block of size 256.0 KiB (183.1 MiB/183.1 MiB used)'));
    try {
      const res = await perf('&exact=true');
      assert.equal(res.status, 503);
      assert.match(res.body.error.hint, /drop exact=true|shorter window|VIGIL_DUCKDB_MEMORY_LIMIT/);
    } finally {
      events.labelledRows = real;
    }
    assert.equal((await perf('&exact=true')).status, 200);
  });

  test('a segment filter and bad input', async () => {
    const eu = await perf('&segment.region=eu');
    assert.equal(eu.status, 200);
    assert.equal(eu.body.predictions, 300);
    for (const [params, field] of [['&step=30m', 'step'], ['&exact=yes', 'exact'], ['&segment.planet=x', 'segment.planet'], ['&segment.__proto__=x', 'segment.__proto__'], ['&bogus=1', 'bogus']] as const) {
      const res = await perf(params);
      assert.equal(res.status, 400, params);
      assert.equal(res.body.error.details[0].field, field, params);
    }
    assert.equal((await s.call('GET', '/api/v1/models/ghost/performance')).status, 404);
  });

  test('a binary model without declared classes and boolean labels: "true" is the positive class everywhere', async () => {
    const m = { id: 'boo', name: 'boo', task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }] } };
    assert.equal((await s.call('POST', '/api/v1/models', m)).status, 201);
    const rows = Array.from({ length: 40 }, (_, i) => ({ score: (i % 10) / 10 + 0.05, truth: i % 10 >= 5 !== (i % 7 === 0) }));
    assert.equal((await s.call('POST', '/api/v1/predictions', rows.map((w, i) => ({ id: `t${i}`, model: 'boo', version: 'v1', ts: T + i * 1000, prediction: w.score >= 0.5, score: w.score, features: { x: i } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', rows.map((w, i) => ({ prediction_id: `t${i}`, model: 'boo', label: w.truth, ts: T + i * 1000 + MIN })))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const exact = (await s.call('GET', `/api/v1/models/boo/performance?from=${T}&to=${T + H}&exact=true`)).body;
    const streaming = (await s.call('GET', `/api/v1/models/boo/performance?from=${T}&to=${T + H}`)).body;
    assert.equal(exact.positive, 'true');
    const want = (rocAuc(rows.map((w) => w.score), rows.map((w) => w.truth)) as { value: number }).value;
    assert.ok(Math.abs(exact.metrics.roc_auc.value - want) < 1e-12);
    assert.equal(streaming.metrics.roc_auc.status, 'ok');
    assert.ok(streaming.metrics.roc_auc.lower <= want && want <= streaming.metrics.roc_auc.upper);
    assert.equal(streaming.calibration_curve.status, 'ok');
  });

  test('regression models: MAE, RMSE, MAPE and R² over the window', async () => {
    const m = { id: 'reg', name: 'reg', task: 'regression', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }] } };
    assert.equal((await s.call('POST', '/api/v1/models', m)).status, 201);
    const ys = Array.from({ length: 50 }, (_, i) => 10 + i), ps = ys.map((y, i) => y + ((i % 5) - 2) * 0.5);
    assert.equal((await s.call('POST', '/api/v1/predictions', ys.map((_, i) => ({ id: `r${i}`, model: 'reg', version: 'v1', ts: T + i * 1000, prediction: ps[i], features: { x: i } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', ys.map((y, i) => ({ prediction_id: `r${i}`, model: 'reg', label: String(y), ts: T + i * 1000 + MIN })))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const res = await s.call('GET', `/api/v1/models/reg/performance?from=${T}&to=${T + H}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const want = regressionMetrics(regressionState(ys, ps));
    for (const k of ['mae', 'rmse', 'mape', 'r2'] as const) assert.ok(Math.abs(res.body.metrics[k].value - (want[k] as { value: number }).value) < 1e-9, k);
    assert.equal(res.body.confusion_matrix, null);
  });
  const mk = async (id: string, classes?: string[]) => assert.equal((await s.call('POST', '/api/v1/models', { id, name: id, task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }], ...(classes ? { classes } : {}) } })).status, 201);

  test('the baseline AUC test counts the rows the AUC was computed on, not every labelled row', async () => {
    await mk('ua', ['0', '1']);
    assert.equal((await s.call('POST', '/api/v1/models/ua/versions', { version: 'v1', validation_metrics: { roc_auc: 0.8 } })).status, 201);
    // 40 scored predictions, 400 without a score: the AUC is over 40 rows
    const rows = Array.from({ length: 440 }, (_, i) => ({ i, scored: i < 40, score: (i % 20) / 20 + 0.01, truth: (i % 20 >= 8) !== (i % 3 === 0) ? '1' : '0' }));
    assert.equal((await s.call('POST', '/api/v1/predictions', rows.map((w) => ({ id: `a${w.i}`, model: 'ua', version: 'v1', ts: T + w.i * 1000, prediction: w.score >= 0.5 ? '1' : '0', ...(w.scored ? { score: w.score } : {}), features: { x: w.i } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', rows.map((w) => ({ prediction_id: `a${w.i}`, model: 'ua', label: w.truth, ts: T + w.i * 1000 + MIN })))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const sc = rows.filter((w) => w.scored);
    const pos = sc.filter((w) => w.truth === '1').length;
    for (const params of ['&exact=true', '']) {
      const b = (await s.call('GET', `/api/v1/models/ua/performance?from=${T}&to=${T + H}&version=v1${params}`)).body;
      const got = b.baseline.comparisons.roc_auc;
      assert.equal(got.pvalue, aucVsBaseline(b.metrics.roc_auc.value, pos, sc.length - pos, 0.8).pvalue, params);
    }
  });

  test('exact and streaming AUC leave out the same labels: one outside the declared classes counts in neither', async () => {
    await mk('uc', ['0', '1']);
    const rows = Array.from({ length: 40 }, (_, i) => ({ i, score: (i % 10) / 10 + 0.05, truth: i % 4 === 0 ? 'unknown' : i % 10 >= 5 ? '1' : '0' }));
    assert.equal((await s.call('POST', '/api/v1/predictions', rows.map((w) => ({ id: `c${w.i}`, model: 'uc', version: 'v1', ts: T + w.i * 1000, prediction: w.score >= 0.5 ? '1' : '0', score: w.score, features: { x: w.i } })))).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', rows.map((w) => ({ prediction_id: `c${w.i}`, model: 'uc', label: w.truth, ts: T + w.i * 1000 + MIN })))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const kept = rows.filter((w) => w.truth !== 'unknown');
    const want = (rocAuc(kept.map((w) => w.score), kept.map((w) => w.truth === '1')) as { value: number }).value;
    const ex = (await s.call('GET', `/api/v1/models/uc/performance?from=${T}&to=${T + H}&exact=true`)).body.metrics.roc_auc;
    const st = (await s.call('GET', `/api/v1/models/uc/performance?from=${T}&to=${T + H}`)).body.metrics.roc_auc;
    assert.ok(Math.abs(ex.value - want) < 1e-12, `${ex.value} vs ${want}`);
    assert.ok(st.lower <= ex.value && ex.value <= st.upper);
  });

  test('without a version, the baseline is the production version at the window\'s end; a rolled-back deployment does not count', async () => {
    await mk('ud', ['0', '1']);
    for (const v of ['v1', 'v2', 'v3']) assert.equal((await s.call('POST', '/api/v1/models/ud/versions', { version: v, validation_metrics: { accuracy: 0.9 } })).status, 201);
    const deploy = (version: string, started: number, outcome?: string) => s.call('POST', '/api/v1/models/ud/deployments', { version, environment: 'production', started_at: new Date(started).toISOString(), ...(outcome ? { outcome } : {}) });
    assert.equal((await deploy('v1', T - 5 * H)).status, 201);
    assert.equal((await deploy('v2', T - 2 * H, 'rolled_back')).status, 201);
    // starts at the window's (exclusive) end: serves none of it
    assert.equal((await deploy('v3', T + H)).status, 201);
    assert.equal((await s.call('POST', '/api/v1/predictions', [{ id: 'd0', model: 'ud', version: 'v1', ts: T, prediction: '1', score: 0.9, features: { x: 1 } }])).status, 200);
    assert.equal((await s.call('POST', '/api/v1/labels', [{ prediction_id: 'd0', model: 'ud', label: '1', ts: T + MIN }])).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const b = (await s.call('GET', `/api/v1/models/ud/performance?from=${T}&to=${T + H}`)).body;
    assert.equal(b.baseline?.version, 'v1');
  });

  test('the series-size check counts the grid the answer uses (from snaps down, to up to the hour)', async () => {
    const res = await perf(''); // warm
    assert.equal(res.status, 200);
    const r = await s.call('GET', `/api/v1/models/b/performance?from=${T - 1000 * H + H / 2}&to=${T + H / 2}&step=1h`);
    assert.equal(r.status, 400, `${r.status}: ${r.body.series?.length} points`);
    assert.equal(r.body.error.details[0].field, 'step');
    assert.equal((await s.call('GET', `/api/v1/models/b/performance?from=${T - 1000 * H}&to=${T}&step=1h`)).body.series.length, 1000);
  });

  test('the baseline AUC test: too few labels to tell with a handful of each class (Hanley–McNeil is a normal approximation)', () => {
    // one positive ranked below one negative against 0.9: the normal approximation said p = 0.003
    for (const [p, n] of [[1, 1], [2, 3], [9, 400]] as const) {
      const r = aucVsBaseline(0, p, n, 0.9);
      assert.deepEqual([r.pvalue, r.significant], [null, null], `${p}/${n}`);
      assert.match(r.test, /too few labels/);
    }
    assert.equal(aucVsBaseline(0.5, 10, 10, 0.9).significant, true);
  });
});
