import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimateCbpe, estimateCbpeMulticlass, fitCbpe, fitCbpeMulticlass, seededRng,
  type CbpeMetricEstimate, type CbpeModel, type CbpeMulticlassModel,
} from '@vigil/core';
import {
  MULTICLASS_CLASSES, REFERENCE_MULTICLASS_POPULATION, REFERENCE_POPULATION, simulateMulticlassRows, simulateRows,
} from '../../core/src/stats/performance/simulate-classifier.ts';
import { DEFAULT_REFERENCE_MS, estimateCacheStats, estimatePerformance } from './services/estimate-performance.ts';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';
import { addUser, PW } from './testing/users.ts';

const H = 3_600_000;
const DAY = 24 * H;
const MIN = 60_000;
// the window: six hours ending at or before T, on the 2-hour grid (labels sent later are then still in the past); the reference: the five days before it
const W0 = Math.floor(T / (2 * H)) * 2 * H - 6 * H;
const W1 = W0 + 6 * H;
const NAMES = [['accuracy', 'accuracy'], ['precision', 'precision'], ['recall', 'recall'], ['f1', 'f1'], ['roc_auc', 'rocAuc']] as const;

interface Row { id: string; ts: number; score: number; scores: number[]; label: string; prediction: string }

/** Simulated binary rows: the reference population before the window, a covariate shift (x's mean +0.5) in it. */
function binaryRows(prefix: string, n: number, from: number, span: number, seed: number, mean: number): Row[] {
  const sim = simulateRows(seededRng(seed), { ...REFERENCE_POPULATION, mean }, n);
  return sim.scores.map((score, i) => ({
    id: `${prefix}${i}`, ts: from + Math.floor((i * span) / n), score, scores: [], label: String(sim.labels[i]), prediction: score >= 0.5 ? '1' : '0',
  }));
}

function multiclassRows(prefix: string, n: number, from: number, span: number, seed: number, mean: [number, number]): Row[] {
  const sim = simulateMulticlassRows(seededRng(seed), { ...REFERENCE_MULTICLASS_POPULATION, mean }, n);
  return sim.scores.map((scores, i) => ({
    id: `${prefix}${i}`, ts: from + Math.floor((i * span) / n), score: NaN, scores, label: sim.labels[i] as string,
    prediction: MULTICLASS_CLASSES[scores.indexOf(Math.max(...scores))] as string,
  }));
}

const close = (got: number | null, want: number | null, what: string) => {
  if (want === null || got === null) return assert.equal(got, want, what);
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
};

/** The served metrics equal the core's estimate on the same rows. */
function assertSameEstimate(served: Record<string, any>, core: Record<string, CbpeMetricEstimate>, cbpe: CbpeModel | CbpeMulticlassModel | null, what: string) {
  for (const [name, key] of NAMES) {
    const s = served[name], c = core[key]!;
    close(s.estimate, c.value, `${what} ${name} estimate`);
    close(s.lower, c.lower, `${what} ${name} lower`);
    close(s.upper, c.upper, `${what} ${name} upper`);
    assert.equal(s.alert, c.alert, `${what} ${name} alert`);
    if ('sampling_error' in s) close(s.sampling_error, c.samplingError, `${what} ${name} sampling error`);
    if (cbpe) assert.deepEqual(s.thresholds, { lower: cbpe.alertThresholds[key]?.lower ?? null, upper: cbpe.alertThresholds[key]?.upper ?? null });
  }
}

describe('label-free performance estimation (GET /api/v1/models/:id/performance/estimate)', () => {
  let s: TestServer;
  const reference = binaryRows('r', 12_000, W0 - 5 * DAY, 5 * DAY, 11, 0);
  const window = binaryRows('w', 6000, W0, 6 * H, 12, 0.5);
  // 20,000 reference rows as in the core's coverage test: over 30 seeds, a 6,000-row fit put the macro ROC AUC
  // estimate about half a sampling error above the realized value on average (20,000: about a tenth)
  const mcReference = multiclassRows('mr', 20_000, W0 - 5 * DAY, 5 * DAY, 21, [0, 0]);
  const mcWindow = multiclassRows('mw', 3000, W0, 6 * H, 22, [0.4, -0.3]);
  const send = async (model: string, rows: Row[], labelled: boolean) => {
    for (let k = 0; k < rows.length; k += 5000) {
      const part = rows.slice(k, k + 5000);
      const preds = part.map((r) => ({
        id: r.id, model, version: 'v1', ts: r.ts, features: { x: 0 }, prediction: r.prediction, segment: { region: Number(r.id.slice(-1)) % 2 ? 'eu' : 'us' },
        ...(r.scores.length ? { scores: Object.fromEntries(MULTICLASS_CLASSES.map((c, j) => [c, r.scores[j]])) } : { score: r.score }),
      }));
      assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
      if (labelled) assert.equal((await s.call('POST', '/api/v1/labels', part.map((r) => ({ prediction_id: r.id, model, label: r.label, ts: r.ts + MIN })))).status, 200);
    }
    await s.server.ctx.stores.events.rollupStep();
  };
  const createModel = async (id: string, task: string, extra: Record<string, unknown> = {}) =>
    assert.equal((await s.call('POST', '/api/v1/models', { id, name: id, task, owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }], segments: ['region'], ...extra } })).status, 201);
  const estimate = (model: string, params = '') => s.call('GET', `/api/v1/models/${model}/performance/estimate?from=${W0}&to=${W1}${params}`);
  /** The core's binary CBPE on rows as the service reads them: time order, predicted class as stored. */
  const coreBinary = (ref: Row[]) => fitCbpe({ scores: ref.map((r) => r.score), labels: ref.map((r) => Number(r.label)), predictions: ref.map((r) => Number(r.prediction)) });
  const binaryWindow = (rows: Row[]) => ({ scores: rows.map((r) => r.score), predictions: rows.map((r) => Number(r.prediction)) });

  before(async () => {
    s = await startTestServer({ VIGIL_API_RATE_LIMIT: '0', VIGIL_INGEST_RATE_LIMIT: '0' });
    for (const t of ['risk', 'growth']) assert.equal((await s.call('POST', '/api/v1/teams', { id: t })).status, 201);
    await createModel('b', 'binary', { classes: ['0', '1'] });
    await createModel('m', 'multiclass', { classes: [...MULTICLASS_CLASSES] });
    await send('b', reference, true);
    await send('b', window, false);
    await send('m', mcReference, true);
    await send('m', mcWindow, false);
  });
  after(() => s.stop());

  test('binary: the estimate over the window and each step is the core\'s CBPE fitted on the default reference (the 30 days before); once the labels arrive the band holds the realized values, which are GET /performance\'s', async () => {
    const res = await estimate('b', '&step=2h');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    const cbpe = coreBinary(reference);
    assert.deepEqual([b.status, b.task, b.positive, b.classes, b.step_ms], ['ok', 'binary', '1', ['0', '1'], 2 * H]);
    assert.deepEqual(b.reference, { from: W0 - DEFAULT_REFERENCE_MS, to: W0, rows: 12_000, sampled: false, calibrated: cbpe.calibration.applied });
    assert.equal(b.reference.calibrated, true); // the simulated scores are miscalibrated
    assert.deepEqual([b.predictions, b.estimated_from, b.sampled], [6000, 6000, false]);
    const est = estimateCbpe(cbpe, binaryWindow(window));
    assertSameEstimate(b.metrics, est.metrics, cbpe, 'window');
    const m = est.metrics;
    assert.deepEqual(b.confusion_matrix.labels, ['0', '1']);
    const want = [[m.trueNegative.value, m.falsePositive.value], [m.falseNegative.value, m.truePositive.value]];
    b.confusion_matrix.matrix.forEach((row: number[], i: number) => row.forEach((c, j) => close(c, want[i]![j]!, `confusion ${i},${j}`)));
    // before any label of the window: nothing realized
    for (const [name] of NAMES) assert.equal(b.metrics[name].realized, null);
    assert.equal(b.series.length, 3);
    b.series.forEach((p: any, k: number) => {
      const rows = window.filter((r) => r.ts >= W0 + 2 * k * H && r.ts < W0 + 2 * (k + 1) * H);
      assert.deepEqual([p.t, p.predictions, p.estimated_from, p.labelled], [W0 + 2 * k * H, 2000, 2000, 0]);
      assertSameEstimate(p.metrics, estimateCbpe(cbpe, binaryWindow(rows)).metrics, null, `bucket ${k}`);
    });

    // the window's labels arrive
    assert.equal((await s.call('POST', '/api/v1/labels', window.map((r) => ({ prediction_id: r.id, model: 'b', label: r.label, ts: r.ts + MIN })))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const labelled = (await estimate('b', '&step=2h')).body;
    const perf = (await s.call('GET', `/api/v1/models/b/performance?from=${W0}&to=${W1}&step=2h`)).body;
    for (const [name] of NAMES) {
      const m = labelled.metrics[name];
      assert.equal(m.estimate, b.metrics[name].estimate, `${name}: the labels of the window do not change its estimate`);
      assert.equal(m.realized, perf.metrics[name].value, name);
      assert.ok(m.lower <= m.realized && m.realized <= m.upper, `${name}: realized ${m.realized} outside [${m.lower}, ${m.upper}] (estimate ${m.estimate})`);
    }
    assert.equal(perf.metrics.roc_auc.path, 'streaming');
    labelled.series.forEach((p: any, k: number) => {
      assert.equal(p.labelled, 2000);
      assert.equal(p.metrics.accuracy.realized, perf.series[k].value);
      for (const [name] of NAMES) assert.equal(typeof p.metrics[name].realized, 'number');
    });
  });

  test('multiclass: macro metrics and the expected confusion matrix are the core\'s, the realized macro values GET /performance\'s', async () => {
    const res = await estimate('m');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const b = res.body;
    const cbpe = fitCbpeMulticlass({ classes: MULTICLASS_CLASSES, scores: mcReference.map((r) => r.scores), labels: mcReference.map((r) => r.label), predictions: mcReference.map((r) => r.prediction) });
    const est = estimateCbpeMulticlass(cbpe, { scores: mcWindow.map((r) => r.scores), predictions: mcWindow.map((r) => r.prediction) });
    assert.deepEqual([b.status, b.task, b.positive, b.classes, b.reference.rows, b.estimated_from], ['ok', 'multiclass', null, ['a', 'b', 'c'], 20_000, 3000]);
    assertSameEstimate(b.metrics, est.metrics, cbpe, 'multiclass');
    assert.deepEqual(b.confusion_matrix.labels, ['a', 'b', 'c']);
    b.confusion_matrix.matrix.forEach((row: number[], i: number) => row.forEach((c, j) => close(c, est.confusionMatrix[i]![j]!, `confusion ${i},${j}`)));
    // labels come: realized macro averages as the performance route computes them
    assert.equal((await s.call('POST', '/api/v1/labels', mcWindow.map((r) => ({ prediction_id: r.id, model: 'm', label: r.label, ts: r.ts + MIN })))).status, 200);
    await s.server.ctx.stores.events.rollupStep();
    const after = (await estimate('m')).body, perf = (await s.call('GET', `/api/v1/models/m/performance?from=${W0}&to=${W1}`)).body;
    const served = { accuracy: 'accuracy', precision: 'precision_macro', recall: 'recall_macro', f1: 'f1_macro', roc_auc: 'roc_auc_macro' } as const;
    for (const [name] of NAMES) {
      const m = after.metrics[name];
      assert.equal(m.realized, perf.metrics[served[name]].value, name);
      assert.ok(m.lower <= m.realized && m.realized <= m.upper, `${name}: realized ${m.realized} outside [${m.lower}, ${m.upper}]`);
    }
  });

  test('beyond the cap the window and the reference are uniform samples: the band is the sample\'s (wider), the counts are scaled up', async () => {
    const ctx = s.server.ctx;
    const input = { modelId: 'b', from: W0, to: W1, version: null, segments: {}, stepMs: 2 * H, reference: null };
    const full = await estimatePerformance({ ctx, input });
    const r = await estimatePerformance({ ctx, input, limits: { windowRows: 1000, referenceRows: 5000 } });
    assert.deepEqual([r.status, r.predictions, r.estimated_from, r.sampled], ['ok', 6000, 1000, true]);
    assert.deepEqual([r.reference?.rows, r.reference?.sampled], [5000, true]);
    // the same samples the store gives: the estimate is the core's on them
    const model = await ctx.stores.meta.getModel('b');
    const win = await ctx.stores.events.scoredRows(model!, { from: W0, to: W1, versions: null, segments: {} }, 1000);
    const ref = await ctx.stores.events.labelledRows(model!, { from: W0 - DEFAULT_REFERENCE_MS, to: W0, versions: null, segments: {} }, 5000);
    const cbpe = fitCbpe({ scores: ref.score, labels: ref.label.map(Number), predictions: ref.prediction.map(Number) });
    const est = estimateCbpe(cbpe, { scores: win.score, predictions: win.prediction.map(Number) });
    assertSameEstimate(r.metrics, est.metrics, cbpe, 'sampled');
    for (const [name] of NAMES) {
      const sampled = r.metrics[name], all = full.metrics[name];
      assert.ok(sampled.upper! - sampled.lower! > all.upper! - all.lower!, `${name}: the sample's band is wider`);
      assert.equal(sampled.realized, all.realized); // realized values come from every label, not the sample
    }
    const total = r.confusion_matrix!.matrix.flat().reduce((a, c) => a + c, 0);
    close(total, 6000, 'scaled confusion counts');
    assert.equal(r.series.reduce((a, p) => a + p.estimated_from, 0), 1000);
    assert.deepEqual(r.series.map((p) => p.predictions), [2000, 2000, 2000]);
  });

  test('the fit is cached: a refresh does not refit; new reference labels do', async () => {
    await createModel('c', 'binary');
    const ref = binaryRows('cr', 1500, W0 - 2 * DAY, DAY, 31, 0), win = binaryRows('cw', 500, W0, 6 * H, 32, 0);
    await send('c', ref, true);
    await send('c', win, false);
    const ctx = s.server.ctx;
    const start = estimateCacheStats(ctx);
    const first = (await estimate('c')).body;
    const second = (await estimate('c', '&step=1h')).body;
    assert.deepEqual(estimateCacheStats(ctx), { fits: start.fits + 1, hits: start.hits + 1 });
    assert.equal(second.metrics.accuracy.estimate, first.metrics.accuracy.estimate);
    assert.equal(first.reference.rows, 1500);
    // labels for more of the reference range: a new fit on 1,800 rows
    await send('c', binaryRows('cx', 300, W0 - 3 * DAY, DAY, 33, 0), true);
    const third = (await estimate('c')).body;
    assert.deepEqual(estimateCacheStats(ctx), { fits: start.fits + 2, hits: start.hits + 1 });
    assert.equal(third.reference.rows, 1800);
    // a few more (under 1%, FIT_TOLERANCE) within minutes: the same fit, not a second of refitting per refresh
    await send('c', binaryRows('cy', 15, W0 - 3 * DAY + 2 * H, H, 34, 0), true);
    const fourth = (await estimate('c')).body;
    assert.deepEqual(estimateCacheStats(ctx), { fits: start.fits + 2, hits: start.hits + 2 });
    assert.equal(fourth.reference.rows, 1800, 'answered by the fit on 1,800 rows');
    // another reference range is another fit
    const explicit = (await estimate('c', `&reference_from=${W0 - 2 * DAY + 30 * MIN}&reference_to=${W0 - DAY}`)).body;
    assert.deepEqual([explicit.status, explicit.reference.from, explicit.reference.to, explicit.reference.rows], ['ok', W0 - 2 * DAY, W0 - DAY, 1500]);
    assert.equal(estimateCacheStats(ctx).fits, start.fits + 3);
  });

  test('the cache key counts the reference\'s own labels only: labels just before it do not refit', async () => {
    await createModel('k', 'binary', { classes: ['0', '1'] });
    // an explicit reference of 5 hours that does not start on a multiple of 5 hours
    const X = Math.floor((W0 - 3 * DAY) / (5 * H)) * 5 * H + H;
    await send('k', binaryRows('kr', 600, X, 5 * H, 51, 0), true);
    await send('k', binaryRows('kw', 200, W0, 6 * H, 52, 0), false);
    const ctx = s.server.ctx, q = `&reference_from=${X}&reference_to=${X + 5 * H}`;
    const start = estimateCacheStats(ctx);
    const first = (await estimate('k', q)).body;
    assert.deepEqual([first.status, first.reference.rows], ['ok', 600]);
    // labelled predictions half an hour before the reference: outside it, so the same fit
    await send('k', binaryRows('kb', 50, X - 30 * MIN, 20 * MIN, 53, 0), true);
    const second = (await estimate('k', q)).body;
    assert.deepEqual(estimateCacheStats(ctx), { fits: start.fits + 1, hits: start.hits + 1 });
    assert.equal(second.reference.rows, 600);
    // labels inside it: a new fit
    await send('k', binaryRows('ki', 50, X + H, H, 54, 0), true);
    const third = (await estimate('k', q)).body;
    assert.deepEqual([estimateCacheStats(ctx).fits, third.reference.rows], [start.fits + 2, 650]);
  });

  test('a binary model without declared classes whose labels are all negative by the rollups\' rule (not 1 / true): no_reference, not a band of width 0', async () => {
    await createModel('yn', 'binary');
    const yes = (r: Row) => ({ ...r, label: r.label === '1' ? 'yes' : 'no', prediction: r.prediction === '1' ? 'yes' : 'no' });
    await send('yn', binaryRows('yr', 600, W0 - DAY, DAY, 61, 0).map(yes), true);
    await send('yn', binaryRows('yw', 200, W0, 6 * H, 62, 0).map(yes), false);
    const b = (await estimate('yn')).body;
    assert.equal(b.status, 'no_reference', JSON.stringify(b.metrics.accuracy));
    assert.match(b.reason, /negative/);
    assert.match(b.reason, /no, yes/);
    assert.deepEqual([b.metrics.accuracy.estimate, b.metrics.accuracy.sampling_error, b.metrics.accuracy.alert], [null, null, false]);
  });

  test('nothing to learn from or nothing to estimate: 200 with status, reason and hint', async () => {
    // no labels at all
    await createModel('n', 'binary');
    await send('n', binaryRows('n', 300, W0, 6 * H, 41, 0), false);
    const none = (await estimate('n')).body;
    assert.equal(none.status, 'no_reference');
    assert.match(none.reason, /no labelled prediction/);
    assert.match(none.hint, /wait for labels|reference_from/);
    assert.deepEqual([none.predictions, none.estimated_from, none.metrics.accuracy.estimate, none.confusion_matrix, none.reference.rows], [300, 0, null, null, 0]);
    // a reference with one class
    await createModel('one', 'binary');
    await send('one', binaryRows('o', 300, W0 - DAY, DAY, 42, 0).map((r) => ({ ...r, label: '0' })), true);
    await send('one', binaryRows('ow', 100, W0, 6 * H, 43, 0), false);
    const single = (await estimate('one')).body;
    assert.equal(single.status, 'no_reference');
    assert.match(single.reason, /is 0: calibrating the scores needs more than one class/);
    // a window without scored predictions
    const empty = (await s.call('GET', `/api/v1/models/b/performance/estimate?from=${W1}&to=${W1 + H}`)).body;
    assert.deepEqual([empty.status, empty.predictions, empty.estimated_from], ['no_data', 0, 0]);
    assert.match(empty.hint, /score/);
    assert.equal(empty.reference.rows > 0, true);
    // a segment filter narrows both the window and the reference
    const eu = (await estimate('b', '&segment.region=eu')).body;
    assert.deepEqual([eu.status, eu.predictions, eu.reference.rows], ['ok', 3000, 6000]);
  });

  test('bad requests: regression, no classes, unknown model, the reference pair, the step, segments, access', async () => {
    await createModel('price', 'regression');
    const reg = await estimate('price');
    assert.equal(reg.status, 400);
    assert.equal(reg.body.error.details[0].field, 'id');
    assert.match(reg.body.error.message, /classifiers/);
    await createModel('loose', 'multiclass');
    const loose = await estimate('loose');
    assert.equal(loose.status, 400);
    assert.match(loose.body.error.message, /declares no classes/);
    assert.equal((await s.call('GET', '/api/v1/models/ghost/performance/estimate')).status, 404);
    for (const [params, field] of [
      [`&reference_from=${W0 - DAY}`, 'reference_to'], [`&reference_to=${W0}`, 'reference_from'], [`&reference_from=${W0}&reference_to=${W0 - DAY}`, 'reference_from'],
      ['&reference_from=yesterday&reference_to=now', 'reference_from'], ['&step=30m', 'step'], ['&segment.planet=x', 'segment.planet'], ['&bogus=1', 'bogus'],
    ] as const) {
      const res = await estimate('b', params);
      assert.equal(res.status, 400, params);
      assert.equal(res.body.error.details[0].field, field, params);
    }
    const many = await s.call('GET', `/api/v1/models/b/performance/estimate?from=${W1 - 2000 * H}&to=${W1}&step=1h`);
    assert.equal(many.status, 400);
    assert.match(many.body.error.details[0].message, /more than 1000 points/);
    assert.equal((await estimate('b')).status, 200);
    await addUser(s, 'gina', [{ role: 'viewer', scope: { kind: 'team', team: 'growth' } }]);
    const session = await s.signIn('gina', PW);
    assert.equal((await s.call('GET', `/api/v1/models/b/performance/estimate?from=${W0}&to=${W1}`, undefined, { session })).status, 403);
    assert.equal((await s.call('GET', `/api/v1/models/b/performance/estimate?from=${W0}&to=${W1}`, undefined, { token: null })).status, 401);
  });
});
