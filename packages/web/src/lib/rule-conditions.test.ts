import { test } from 'node:test';
import assert from 'node:assert/strict';
// the server's own schema and lists, to hold the editor to the rule format (tests may import core; the app may not)
import { AlertRuleSchema, DRIFT_METHOD_SPECS, METRICS_OF_KIND } from '@vigil/core';
import type { AlertRule, Condition } from '../api/alerts.ts';
import { draftToDocument, ruleToDraft } from './alerts-view.ts';
import { CONDITION_KINDS, comparedValueLabel, conditionFields, conditionToDraft, DRIFT_METHODS, draftToCondition, emptyCondition, filtersWithFeature, metricForKind, metricsOfKind, previewLevels } from './rule-conditions.ts';

/** One stored rule per kind, as the server answers (defaults filled in), each with a metric its kind reads. */
const CASES: { metric: string; condition: Condition; filters?: Record<string, string> }[] = [
  { metric: 'latency.p99', condition: { kind: 'threshold', op: 'below', value: 5, recovery: 8 } },
  { metric: 'latency.p99', condition: { kind: 'anomaly', method: 'seasonal', sensitivity: 4.5, direction: 'above', season: 604_800_000, lookback_seasons: 4, min_history: 3 } },
  { metric: 'predictions.count', condition: { kind: 'anomaly', method: 'ewma', sensitivity: 4, direction: 'both', alpha: 0.1 } },
  { metric: 'predictions.count', condition: { kind: 'absence', duration: 900_000 } },
  { metric: 'drift.score', condition: { kind: 'drift', target: 'feature', method: 'ks', value: 0.01, recovery: 0.05 }, filters: { feature: 'amount', 'segment.country': 'FR' } },
  { metric: 'drift.score', condition: { kind: 'drift', target: 'feature', method: 'psi' } },
  { metric: 'drift.share', condition: { kind: 'drift', target: 'share', value: 0.5, recovery: 0.3 } },
  { metric: 'performance.accuracy', condition: { kind: 'performance_drop', source: 'estimated', mode: 'relative', value: 0.1, recovery: 0.05 } },
  { metric: 'performance.mae', condition: { kind: 'performance_drop', source: 'realized', mode: 'absolute', value: 2 } },
  { metric: 'errors.rate', condition: { kind: 'error_rate', value: 0.05, recovery: 0.02 } },
  { metric: 'feature_age.p99', condition: { kind: 'staleness', value: 3_600_000 } },
];

const stored = (c: (typeof CASES)[number]): AlertRule => ({
  id: 'r1', name: `${c.condition.kind} rule`, metric: c.metric, model: 'fraud', filters: c.filters ?? {}, group_by: [], condition: c.condition, severity: 'warning', for: 0, keep_firing_for: 0,
  evaluation_interval: 60_000, renotify_interval: null, labels: {}, annotations: {}, no_data_state: 'no_data', channels: [], enabled: true, created_by: 'u', created_at: 't', updated_at: 't',
});

test('every condition kind round-trips: stored rule → form → the same document, which the server schema accepts', () => {
  assert.deepEqual(new Set(CASES.map((c) => c.condition.kind)), new Set(CONDITION_KINDS), 'a case for every kind');
  for (const c of CASES) {
    const rule = stored(c);
    const draft = ruleToDraft(rule);
    assert.ok(draft, c.condition.kind);
    const { doc, errors } = draftToDocument(draft, rule);
    assert.deepEqual(errors, {}, c.condition.kind);
    const { id: _i, created_by: _c, created_at: _ca, updated_at: _u, ...expected } = rule;
    assert.deepEqual(doc, expected, JSON.stringify(c.condition));
    const { enabled: _e, ...body } = doc as NonNullable<typeof doc>;
    const parsed = AlertRuleSchema.safeParse({ ...body, id: 'r1' });
    assert.ok(parsed.success, `${JSON.stringify(c.condition)}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
  }
});

test("a drift rule's feature is edited beside the condition, not among the filters", () => {
  const draft = ruleToDraft(stored(CASES[4] as (typeof CASES)[number]));
  assert.equal(draft?.filters, 'segment.country=FR');
  assert.equal(draft?.condition.feature, 'amount');
  assert.deepEqual(filtersWithFeature({ feature: 'x', a: '1' }, { kind: 'drift', target: 'feature', feature: '' }), { a: '1' }, 'empty: every feature');
  assert.deepEqual(filtersWithFeature({ feature: 'x' }, { kind: 'drift', target: 'share', feature: 'amount' }), {}, 'a share has no feature');
  assert.deepEqual(filtersWithFeature({ feature: 'x' }, { kind: 'threshold', target: 'feature', feature: 'y' }), { feature: 'x' }, 'other kinds keep their filters');
});

test('new conditions from the form: defaults left to the server, only the chosen method’s fields sent', () => {
  const anomaly = { ...emptyCondition('anomaly'), method: 'ewma' as const, season: '1d', lookback_seasons: '7', alpha: '0.2' };
  assert.deepEqual(draftToCondition(anomaly).condition, { kind: 'anomaly', method: 'ewma', sensitivity: 4, direction: 'both', alpha: 0.2 });
  assert.deepEqual(draftToCondition({ ...emptyCondition('anomaly'), season: '2d', alpha: '0.2' }).condition, { kind: 'anomaly', method: 'seasonal', sensitivity: 4, direction: 'both', season: 172_800_000 });
  assert.deepEqual(draftToCondition(emptyCondition('absence')).condition, { kind: 'absence', duration: 600_000 });
  assert.deepEqual(draftToCondition({ ...emptyCondition('drift'), drift_method: 'ks' }).condition, { kind: 'drift', target: 'feature', method: 'ks' });
  assert.deepEqual(draftToCondition({ ...emptyCondition('performance_drop'), value: '0.05' }).condition, { kind: 'performance_drop', source: 'realized', mode: 'absolute', value: 0.05 });
});

test('what the browser can tell is wrong is named by the server’s field names', () => {
  const errs = (d: Parameters<typeof draftToCondition>[0]) => Object.keys(draftToCondition(d).errors).sort();
  assert.deepEqual(errs({ ...emptyCondition('threshold'), value: '' }), ['condition.value']);
  assert.deepEqual(errs({ ...emptyCondition('anomaly'), sensitivity: 'high', lookback_seasons: '2.5', min_history: 'x' }), ['condition.lookback_seasons', 'condition.min_history', 'condition.sensitivity']);
  assert.deepEqual(errs({ ...emptyCondition('absence'), duration: 'a while' }), ['condition.duration']);
  assert.deepEqual(errs({ ...emptyCondition('drift'), drift_method: '' }), ['condition.method']);
  assert.deepEqual(errs({ ...emptyCondition('drift'), target: 'share', drift_method: '' }), ['condition.value'], 'a share needs its value, not a method');
  assert.deepEqual(errs({ ...emptyCondition('error_rate'), value: '0.1', recovery: 'x' }), ['condition.recovery']);
});

test('the fields each kind shows', () => {
  assert.deepEqual(conditionFields({ kind: 'anomaly', method: 'ewma', target: 'feature' }), ['method', 'sensitivity', 'direction', 'alpha', 'min_history']);
  assert.deepEqual(conditionFields({ kind: 'anomaly', method: 'seasonal', target: 'feature' }), ['method', 'sensitivity', 'direction', 'season', 'lookback_seasons', 'min_history']);
  assert.deepEqual(conditionFields({ kind: 'absence', method: 'seasonal', target: 'feature' }), ['duration']);
  assert.equal(conditionToDraft({ kind: 'forecast' }), null);
});

test("each kind's metrics are the server's; switching kind moves the metric onto one it reads", () => {
  for (const [kind, metrics] of Object.entries(METRICS_OF_KIND)) assert.deepEqual(metricsOfKind(kind as 'error_rate'), metrics, kind);
  assert.equal(metricsOfKind('anomaly'), null);
  assert.deepEqual(metricsOfKind('drift', 'share'), ['drift.share']);
  const catalog = ['latency.p99', 'drift.score', 'drift.share', 'errors.rate', 'performance.error_rate'];
  assert.equal(metricForKind('drift', 'feature', 'latency.p99', catalog), 'drift.score');
  assert.equal(metricForKind('drift', 'share', 'drift.score', catalog), 'drift.share');
  assert.equal(metricForKind('error_rate', 'feature', 'performance.error_rate', catalog), 'performance.error_rate', 'an allowed metric is kept');
  assert.equal(metricForKind('anomaly', 'feature', 'drift.score', catalog), 'drift.score', 'any metric is fine for anomaly');
});

test("drift methods and default thresholds are the server's", () => {
  assert.deepEqual(Object.keys(DRIFT_METHODS).sort(), Object.keys(DRIFT_METHOD_SPECS).sort());
  for (const [k, spec] of Object.entries(DRIFT_METHOD_SPECS)) {
    assert.equal(DRIFT_METHODS[k]?.pValue, spec.score === 'p_value', k);
    assert.equal(DRIFT_METHODS[k]?.defaultValue, spec.defaultThreshold, k);
  }
});

test('preview levels: the threshold and recovery; ± sensitivity for anomalies; 0 for absence; a drift method’s default', () => {
  assert.deepEqual(previewLevels({ kind: 'threshold', op: 'above', value: 500, recovery: 400 }).map((l) => [l.value, l.tone]), [[500, 'threshold'], [400, 'recovery']]);
  assert.deepEqual(previewLevels({ kind: 'threshold', op: 'above', value: 500 }).map((l) => l.value), [500]);
  assert.deepEqual(previewLevels({ kind: 'anomaly', method: 'ewma', sensitivity: 4, direction: 'both' }).map((l) => [l.value, l.label]), [[4, 'score +4'], [-4, 'score −4']]);
  assert.deepEqual(previewLevels({ kind: 'anomaly', method: 'ewma', sensitivity: 5, direction: 'below' }).map((l) => l.value), [-5]);
  assert.deepEqual(previewLevels({ kind: 'absence', duration: 600_000 }).map((l) => l.value), [0]);
  assert.deepEqual(previewLevels({ kind: 'drift', target: 'feature', method: 'ks' }).map((l) => l.value), [0.05]);
  assert.deepEqual(previewLevels({ kind: 'performance_drop', source: 'realized', mode: 'absolute', value: 0.1 }).map((l) => l.value), [0.1]);
  assert.deepEqual(comparedValueLabel({ kind: 'anomaly' }, 'latency.p99'), { label: 'latency.p99 anomaly score', unit: '' });
  assert.deepEqual(comparedValueLabel({ kind: 'threshold' }, 'latency.p99'), { label: 'latency.p99', unit: null });
});
