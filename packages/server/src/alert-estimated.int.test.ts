// performance_drop on estimated values (docs/alerts.md, "Evaluation"): a labelled reference, an
// unlabelled shifted hour, and rules comparing the label-free estimate of that hour with the
// version's validation accuracy, against a real server and store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertRuleSchema, seededRng } from '@vigil/core';
import { REFERENCE_POPULATION, simulateRows } from '../../core/src/stats/performance/simulate-classifier.ts';
import { estimatePerformance } from './services/estimate-performance.ts';
import { metricQueryOf } from './services/alert-series.ts';
import { evaluateAlerts } from './services/evaluate-alerts.ts';
import { ESTIMATED_NOTE } from './services/preview-alert-rule.ts';
import { answerQuery } from './services/query-metric.ts';
import { startTestServer, T, type TestServer } from './testing/test-server.ts';

const H = 3_600_000;
const DAY = 24 * H;
const MIN = 60_000;
const W0 = Math.floor(T / H) * H - 3 * H;
const BASELINE = 0.97;

describe('performance_drop on estimated values', () => {
  let s: TestServer;
  let drop = 0;
  const send = async (model: string, prefix: string, n: number, from: number, span: number, seed: number, mean: number, labelled: boolean) => {
    const sim = simulateRows(seededRng(seed), { ...REFERENCE_POPULATION, mean }, n);
    for (let k = 0; k < n; k += 5000) {
      const ids = Array.from({ length: Math.min(5000, n - k) }, (_, j) => k + j);
      const preds = ids.map((i) => ({ id: `${prefix}${i}`, model, version: 'v1', ts: from + Math.floor((i * span) / n), features: { x: 0 }, score: sim.scores[i], prediction: (sim.scores[i] as number) >= 0.5 ? '1' : '0' }));
      assert.equal((await s.call('POST', '/api/v1/predictions', preds)).status, 200);
      if (labelled) assert.equal((await s.call('POST', '/api/v1/labels', ids.map((i) => ({ prediction_id: `${prefix}${i}`, model, label: String(sim.labels[i]), ts: from + Math.floor((i * span) / n) + MIN })))).status, 200);
    }
  };
  before(async () => {
    s = await startTestServer({ VIGIL_ALERTS_ENABLED: 'false' });
    for (const id of ['est', 'unref']) {
      assert.equal((await s.call('POST', '/api/v1/models', { id, name: id, task: 'binary', owner_team: 'risk', schema: { features: [{ name: 'x', type: 'numeric' }] } })).status, 201);
      assert.equal((await s.call('POST', '/api/v1/models/' + id + '/versions', { version: 'v1', validation_metrics: { accuracy: BASELINE } })).status, 201);
    }
    await send('est', 'r', 12_000, W0 - 5 * DAY, 5 * DAY, 11, 0, true);
    await send('est', 'w', 2000, W0, H, 12, 0.8, false);
    await send('unref', 'u', 500, W0, H, 13, 0, false);
    await s.server.ctx.stores.events.rollupStep();
    const est = await estimatePerformance({ ctx: s.server.ctx, input: { modelId: 'est', from: W0, to: W0 + H, version: 'v1', segments: {}, stepMs: null, reference: null } });
    assert.equal(est.status, 'ok');
    drop = BASELINE - (est.metrics.accuracy.estimate as number);
    assert.ok(drop > 0.02, `the shift lowers the estimated accuracy (drop ${drop})`);
  });
  after(() => s.stop());

  const meta = () => s.server.ctx.stores.meta;
  const rule = async (name: string, model: string, value: number, extra: Record<string, unknown> = {}) =>
    (await meta().createAlertRule({ name, enabled: true, created_by: null, spec: { name, metric: 'performance.accuracy', model, group_by: ['version'], condition: { kind: 'performance_drop', source: 'estimated', value }, ...extra } }, new Date().toISOString())).id;

  test('the estimate of the evaluated hour is compared with the version\'s validation accuracy', async () => {
    const fires = await rule('estimated drop', 'est', drop - 0.01);
    const quiet = await rule('estimated drop, higher bar', 'est', drop + 0.01);
    const relative = await rule('estimated drop, relative', 'est', (drop / BASELINE) * 0.9, { condition: { kind: 'performance_drop', source: 'estimated', mode: 'relative', value: (drop / BASELINE) * 0.9 } });
    const r = await evaluateAlerts({ ctx: s.server.ctx, input: { now: W0 + H + 1000 } });
    assert.equal(r.failed, 0);
    const [f] = await meta().listAlertStates(fires);
    assert.deepEqual([f?.state, f?.labels], ['firing', { version: 'v1' }]);
    assert.ok(Math.abs((f?.detail.value as number) - drop) < 1e-9, `value ${f?.detail.value} is the drop ${drop}`);
    assert.equal((await meta().listAlertStates(quiet))[0]?.state, 'ok');
    const [rel] = await meta().listAlertStates(relative);
    assert.equal(rel?.state, 'firing');
    assert.ok(Math.abs((rel?.detail.value as number) - drop / BASELINE) < 1e-9);
  });

  test('an hour without predictions is no data; a model without a labelled reference is an error saying why', async () => {
    const id = await rule('estimated, later', 'est', 0.01);
    await evaluateAlerts({ ctx: s.server.ctx, input: { now: W0 + H + 1000 } });
    assert.equal((await meta().listAlertStates(id))[0]?.state, 'firing');
    // the next hour has no predictions: the firing alert resolves into no_data, as any whose data vanish
    await evaluateAlerts({ ctx: s.server.ctx, input: { now: W0 + 2 * H + 1000 } });
    assert.equal((await meta().listAlertStates(id))[0]?.state, 'no_data');
    const unref = await rule('estimated, no reference', 'unref', 0.01);
    await evaluateAlerts({ ctx: s.server.ctx, input: { now: W0 + H + 1000 } });
    const [st] = await meta().listAlertStates(unref);
    assert.equal(st?.state, 'error');
    assert.match(String(st?.detail.error), /no performance estimate/);
  });

  test('the preview compares realized accuracy with the version\'s validation accuracy at each step; it does not replay estimates, and says why', async () => {
    const spec = { id: 'preview', name: 'realized drop', metric: 'performance.accuracy', model: 'est', group_by: ['version'], condition: { kind: 'performance_drop', source: 'realized', value: 0.5 } };
    const r = await s.call('POST', '/api/v1/alerts/preview', spec);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const realized = await answerQuery(s.server.ctx, metricQueryOf(AlertRuleSchema.parse(spec), r.body.from, r.body.to, r.body.step_ms));
    const expected = (realized.series[0]?.points ?? []).filter(([, v]) => v !== null).map(([t, v]) => [t, BASELINE - (v as number)]);
    assert.ok(expected.length >= 100, `the labelled reference spans days (${expected.length} hours)`);
    const [series] = r.body.series as { labels: Record<string, string>; values: [number, number | null][] }[];
    assert.deepEqual(series?.labels, { version: 'v1' });
    const got = new Map(series?.values);
    for (const [t, drop] of expected) assert.ok(Math.abs((got.get(t as number) as number) - (drop as number)) < 1e-9, `hour ${t}: ${got.get(t as number)} is ${drop}`);
    assert.ok(r.body.note === undefined || !r.body.note.includes('estimated'));

    const est = await s.call('POST', '/api/v1/alerts/preview', { ...spec, condition: { kind: 'performance_drop', source: 'estimated', value: 0.01 } });
    assert.equal(est.status, 200, JSON.stringify(est.body));
    assert.ok(est.body.note.includes(ESTIMATED_NOTE));
    assert.deepEqual(est.body.series.map((x: { labels: unknown }) => x.labels), [{ version: 'v1' }], 'the series with predictions, as the evaluator finds them');
    assert.ok(est.body.series[0].values.every(([, v]: [number, number | null]) => v === null));
  });
});
