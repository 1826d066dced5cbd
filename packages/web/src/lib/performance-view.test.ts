import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConceptDriftReport, EstimateReport, PerformanceReport, PerformanceSegmentsReport } from '../api/performance.ts';
import { chartableMetrics, conceptDriftNote, estimateNote, formatMetric, formatSigned, metricChoices, metricRows, performanceChartData, worstSegmentRows } from './performance-view.ts';

const H = 3_600_000;
/** The band's edges come from additions: compared at 9 decimals. */
const round = (v: number) => Math.round(v * 1e9) / 1e9;
const window = { from: 0, to: 3 * H, version: null, segments: {} };

function perf(over: Partial<PerformanceReport> = {}): PerformanceReport {
  return {
    model: 'm', task: 'binary', window, step_ms: H, predictions: 300, labelled: 200, label_coverage: 2 / 3, label_delay_ms: 5000, positive: '1',
    metrics: {
      accuracy: { value: 0.9, status: 'ok' },
      precision: { value: null, status: 'undefined', reason: 'no predicted positives' },
      recall: { value: 0.5, status: 'ok' },
      roc_auc: { value: 0.8, status: 'ok', lower: 0.78, upper: 0.82, path: 'streaming' },
    },
    confusion_matrix: null, calibration_curve: null,
    baseline: {
      version: 'v1',
      comparisons: {
        accuracy: { baseline: 0.95, live: 0.9, difference: -0.05, pvalue: 0.001, significant: true, test: 'z' },
        recall: { baseline: 0.4, live: 0.5, difference: 0.1, pvalue: 0.2, significant: false, test: 'z' },
      },
    },
    series: [
      { t: 0, predictions: 100, labelled: 100, label_coverage: 1, metric: 'accuracy', value: 0.92 },
      { t: H, predictions: 100, labelled: 100, label_coverage: 1, metric: 'accuracy', value: 0.88 },
      { t: 2 * H, predictions: 100, labelled: 0, label_coverage: 0, metric: 'accuracy', value: null },
    ],
    ...over,
  };
}

function estimate(over: Partial<EstimateReport> = {}): EstimateReport {
  const m = (estimate: number, realized: number | null) => ({ estimate, lower: estimate - 0.05, upper: estimate + 0.05, alert: false, realized });
  return {
    model: 'm', task: 'binary', status: 'ok', window, step_ms: H, positive: '1', classes: null,
    reference: { from: -10 * H, to: 0, rows: 5000, sampled: false, calibrated: true }, predictions: 300, estimated_from: 300, sampled: false,
    metrics: { accuracy: { ...m(0.9, 0.9), sampling_error: 0.01, thresholds: { lower: 0.8, upper: 1 } }, precision: { ...m(0.7, null), alert: true } },
    confusion_matrix: null,
    series: [
      { t: 0, predictions: 100, estimated_from: 100, labelled: 100, metrics: { accuracy: m(0.91, 0.92), precision: m(0.7, 0.6) } },
      { t: H, predictions: 100, estimated_from: 100, labelled: 100, metrics: { accuracy: m(0.9, 0.88), precision: m(0.7, 0.65) } },
      { t: 2 * H, predictions: 100, estimated_from: 100, labelled: 0, metrics: { accuracy: m(0.89, null), precision: m(0.69, null) } },
    ],
    ...over,
  };
}

test('metric rows: realized with the reason when undefined, the baseline difference and its direction, the estimate with its band', () => {
  const rows = metricRows(perf(), estimate());
  const acc = rows.find((r) => r.key === 'accuracy');
  assert.deepEqual([acc?.realized, acc?.baseline, acc?.difference, acc?.significant, acc?.direction, acc?.estimate, acc?.band?.map(round)], [0.9, 0.95, -0.05, true, 'worse', 0.9, [0.85, 0.95]]);
  const prec = rows.find((r) => r.key === 'precision');
  assert.deepEqual([prec?.realized, prec?.note, prec?.alert], [null, 'no predicted positives', true]);
  const rec = rows.find((r) => r.key === 'recall');
  assert.equal(rec?.direction, null, 'a difference that is not significant has no direction');
  assert.deepEqual(rows.find((r) => r.key === 'roc_auc')?.bounds, [0.78, 0.82]);
  assert.ok(!rows.some((r) => r.key === 'log_loss'), 'a metric no answer has is left out');
  // a lower-is-better metric that went up is worse
  const reg = perf({ task: 'regression', metrics: { mae: { value: 3, status: 'ok' } }, baseline: { version: 'v1', comparisons: { mae: { baseline: 2, live: 3, difference: 1, pvalue: 0.01, significant: true, test: 't' } } } });
  assert.equal(metricRows(reg, null)[0]?.direction, 'worse');
});

test('chartable metrics: the main one always, the estimated ones when the estimate is there', () => {
  assert.deepEqual(chartableMetrics('binary', null).map((m) => m.key), ['accuracy']);
  assert.deepEqual(chartableMetrics('binary', estimate()).map((m) => m.key), ['accuracy', 'precision']);
  assert.deepEqual(chartableMetrics('multiclass', estimate()).map((m) => m.key), ['accuracy', 'precision_macro']);
  assert.deepEqual(chartableMetrics('regression', null).map((m) => m.key), ['mae']);
  assert.deepEqual(chartableMetrics('binary', estimate({ status: 'no_reference' })).map((m) => m.key), ['accuracy']);
  assert.equal(metricChoices('regression')[0]?.lowerIsBetter, true);
});

test('chart data: realized, estimate, band and a flat baseline on one time axis; drift marks inside the range', () => {
  const drift: ConceptDriftReport = { model: 'm', method: 'ddm', status: 'ok', rows: 200, total: 200, sampled: false, detections: [{ t: H + 5, index: 120, kind: 'drift' }, { t: H, index: 100, kind: 'warning' }, { t: 9 * H, index: 1, kind: 'drift' }] };
  const c = performanceChartData(perf(), estimate(), metricChoices('binary')[0]!, drift);
  assert.deepEqual(Array.from(c.data[0]), [0, 3600, 7200]);
  assert.deepEqual(c.data.slice(1).map((col) => (col as (number | null)[]).map((v) => (v === null ? null : round(v)))), [[0.92, 0.88, null], [0.91, 0.9, 0.89], [0.86, 0.85, 0.84], [0.96, 0.95, 0.94], [0.95, 0.95, 0.95]]);
  assert.deepEqual([c.realizedPoints, c.estimatePoints, c.baseline], [2, 3, 0.95]);
  assert.deepEqual(c.marks, [(H + 5) / 1000], 'warnings and marks outside the range are left out');
  assert.match(c.labels[4], /validation \(v1\)/);
  // precision: the performance series carries accuracy only, so realized comes from the estimate's series
  const p = performanceChartData(perf(), estimate(), metricChoices('binary')[1]!);
  assert.deepEqual(p.data[1], [0.6, 0.65, null]);
  assert.deepEqual(p.data[5], [null, null, null], 'no validation precision');
  // without an estimate: the realized series alone
  const r = performanceChartData(perf(), null, metricChoices('binary')[0]!);
  assert.deepEqual([r.realizedPoints, r.estimatePoints, r.data[2]], [2, 0, [null, null, null]]);
});


test('notes: concept drift in words, why there is no estimate', () => {
  assert.match(conceptDriftNote({ model: 'm', method: 'ddm', status: 'ok', rows: 10, total: 10, sampled: false, detections: [] }) ?? '', /DDM watched 10 labelled predictions: no concept drift/);
  assert.match(conceptDriftNote({ model: 'm', method: 'page_hinkley', status: 'ok', rows: 5, total: 50, sampled: true, detections: [{ t: 1, index: 1, kind: 'drift' }] }) ?? '', /Page-Hinkley .*a sample of 50.*detected 1 time /);
  assert.equal(conceptDriftNote(null), null);
  assert.match(estimateNote('regression', null) ?? '', /classifiers/);
  assert.match(estimateNote('binary', estimate({ status: 'no_reference', reason: 'No labelled predictions before the range.', hint: 'Wait for labels.' })) ?? '', /No labelled predictions before the range\. Wait for labels\./);
  assert.match(estimateNote('binary', estimate({ sampled: true, estimated_from: 100, predictions: 1000 })) ?? '', /sample of 100 of 1,000 .*5,000 labelled/);
});

test('formatting and the worst segments table', () => {
  assert.deepEqual([formatMetric(0.12345), formatMetric(12345.6), formatMetric(null), formatSigned(0.01), formatSigned(-0.02), formatSigned(0)], ['0.123', '12300', '—', '+0.010', '\u22120.020', '0.000']);
  const report: PerformanceSegmentsReport = {
    model: 'm', metric: 'accuracy', current: { from: 0, to: 1, value: 0.8, n: 100 }, baseline: { from: -1, to: 0, value: 0.9, n: 100 }, change: -0.1,
    by: [{ segment: 'region', segments: [
      { value: 'eu', baseline: { n: 50, value: 0.9 }, current: { n: 50, value: 0.7 }, within: -0.1, mix: 0, total: -0.1, share: 1 },
      { value: 'us', baseline: { n: 0, value: null }, current: { n: 50, value: 0.9 }, within: 0, mix: 0, total: 0, share: 0 },
    ] }],
  };
  const rows = worstSegmentRows(report, 1);
  assert.deepEqual(rows, [{ segment: 'region', rows: [{ value: 'eu', before: '0.900 (50)', now: '0.700 (50)', within: -0.1, mix: 0, share: '100%' }] }]);
  assert.equal(worstSegmentRows(report, 5)[0]?.rows[1]?.before, 'absent');
});
