import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../errors.ts';
import { parseMetricQuery } from './query.ts';
import { inferenceSeries, latencySeries } from './series.ts';
import { binOf } from '../stats/ddsketch.ts';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const H = 3_600_000;

test('defaults: last hour, about 120 points rounded to the rollup resolution', () => {
  const q = parseMetricQuery({ metric: 'predictions.count' }, NOW);
  assert.equal(q.to, NOW);
  assert.equal(q.from, NOW - H);
  assert.equal(q.stepMs, 60_000);
});

test('relative and absolute bounds, lists and segments', () => {
  const q = parseMetricQuery({ metric: 'latency.p99', from: 'now-30d', to: '2026-11-27T12:00:00Z', step: '1h', model: 'a,b', 'segment.region': 'eu', group_by: 'version' }, NOW);
  assert.equal(q.from, NOW - 30 * 24 * H);
  assert.deepEqual(q.models, ['a', 'b']);
  assert.deepEqual(q.segments, { region: 'eu' });
  assert.deepEqual(q.groupBy, ['version']);
});

const bad: [Record<string, string>, string][] = [
  [{}, 'metric'],
  [{ metric: 'nope' }, 'metric'],
  [{ metric: 'predictions.count', from: 'yesterday' }, 'from'],
  [{ metric: 'predictions.count', from: 'now', to: 'now-1h' }, 'from'],
  [{ metric: 'predictions.count', step: '10s' }, 'step'],
  [{ metric: 'predictions.count', step: 'fast' }, 'step'],
  [{ metric: 'predictions.count', from: 'now-365d', step: '1m' }, 'step'],
  [{ metric: 'predictions.count', group_by: 'feature' }, 'group_by'],
  [{ metric: 'samples' }, 'name'],
  [{ metric: 'samples', name: 'cpu', agg: 'median' }, 'agg'],
  [{ metric: 'predictions.count', colour: 'red' }, 'colour'],
];
for (const [params, field] of bad) {
  test(`rejects ${JSON.stringify(params)} naming ${field}`, () => {
    assert.throws(() => parseMetricQuery(params, NOW), (e: unknown) => e instanceof VigilError && e.details.some((d) => d.field === field));
  });
}

test('missing buckets are null, never zero', () => {
  const q = parseMetricQuery({ metric: 'predictions.count', from: String(NOW - 3 * 60_000), to: String(NOW), step: '1m' }, NOW);
  const base = { latency_count: 0, latency_sum: 0, batch_count: 0, batch_sum: 0, score_count: 0, score_sum: 0, labelled: 0 };
  const s = inferenceSeries(q, [{ group: {}, bucket: NOW - 2 * 60_000, count: 5, ...base }]);
  assert.deepEqual(s, [{ labels: {}, points: [[NOW - 3 * 60_000, null], [NOW - 2 * 60_000, 5], [NOW - 60_000, null]] }]);
  const cov = parseMetricQuery({ metric: 'labels.coverage', from: String(NOW - 60_000), to: String(NOW), step: '1m' }, NOW);
  assert.deepEqual(inferenceSeries(cov, [{ group: {}, bucket: NOW - 60_000, count: 4, ...base, labelled: 1 }])[0]?.points, [[NOW - 60_000, 0.25]]);
});

test('latency quantiles merge bins of one bucket across rows', () => {
  const q = parseMetricQuery({ metric: 'latency.p50', from: String(NOW - 60_000), to: String(NOW), step: '1m' }, NOW);
  const b = NOW - 60_000;
  const s = latencySeries(q, [
    { group: {}, bucket: b, bin: binOf(10), count: 1 },
    { group: {}, bucket: b, bin: binOf(20), count: 1 },
    { group: {}, bucket: b, bin: binOf(20), count: 1 },
  ]);
  const v = s[0]?.points[0]?.[1] as number;
  assert.ok(Math.abs(v - 20) / 20 < 0.01);
});

const filterCases: [Record<string, string>, string][] = [
  [{ metric: 'predictions.count', feature: 'x' }, 'feature'],
  [{ metric: 'predictions.count', level: 'error' }, 'level'],
  [{ metric: 'quality.violations', error_class: 'x' }, 'error_class'],
  [{ metric: 'quality.violations', version: 'v1' }, 'version'],
  [{ metric: 'logs.count', 'segment.region': 'eu' }, 'segment.region'],
  [{ metric: 'samples', name: 'cpu', model: 'm' }, 'model'],
  [{ metric: 'predictions.count', from: `now-${'9'.repeat(400)}d` }, 'from'],
  [{ metric: 'predictions.count', to: '99999999999999999999999' }, 'to'],
];
for (const [params, field] of filterCases) {
  test(`refuses a filter the metric does not have: ${JSON.stringify(params).slice(0, 80)}`, () => {
    assert.throws(() => parseMetricQuery(params, NOW), (e: unknown) => e instanceof VigilError && e.details.some((d) => d.field === field));
  });
}
