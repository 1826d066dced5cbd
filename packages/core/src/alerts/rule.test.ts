import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertRuleSchema, performanceDrop, thresholdOf } from './rule.ts';

const base = { id: 'latency-high', name: 'p99 latency high', metric: 'latency.p99', condition: { kind: 'threshold', op: 'above', value: 500, recovery: 400 } };
const issues = (input: unknown): string[] => {
  const r = AlertRuleSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('rule: a minimal rule gets its defaults', () => {
  const r = AlertRuleSchema.parse(base);
  assert.equal(r.severity, 'warning');
  assert.equal(r.for, 0);
  assert.equal(r.keep_firing_for, 0);
  assert.equal(r.evaluation_interval, 60_000);
  assert.equal(r.renotify_interval, null);
  assert.equal(r.no_data_state, 'no_data');
  assert.deepEqual([r.labels, r.annotations, r.filters, r.group_by, r.channels], [{}, {}, {}, [], []]);
});

test('rule: the example of docs/alerts.md parses', () => {
  const r = AlertRuleSchema.parse({
    ...base, model: 'churn', group_by: ['version'], filters: { 'segment.country': 'FR' }, severity: 'critical', for: 300_000, keep_firing_for: 600_000,
    evaluation_interval: 60_000, renotify_interval: 14_400_000, labels: { team: 'ml-platform' },
    annotations: { summary: '{{ $labels.model }} p99 at {{ $value | printf "%.0f" }} ms' }, runbook_url: 'https://wiki.example.com/runbooks/latency',
    no_data_state: 'ok', channels: ['oncall-slack'], retrain: { channel: 'airflow', cooldown: 86_400_000 },
  });
  assert.deepEqual(thresholdOf(r.condition), { op: 'above', value: 500, recovery: 400 });
});

const refusals: [string, Record<string, unknown>, string][] = [
  ['recovery above an above-threshold', { condition: { kind: 'threshold', op: 'above', value: 500, recovery: 600 } }, 'condition.recovery: must be at or below value (500)'],
  ['recovery below a below-threshold', { metric: 'performance.accuracy', condition: { kind: 'threshold', op: 'below', value: 0.8, recovery: 0.7 } }, 'condition.recovery: must be at or above value (0.8)'],
  ['unknown metric', { metric: 'latency.p98' }, 'metric: unknown metric "latency.p98"'],
  ['unknown field (strict)', { color: 'red' }, ': Unrecognized key: "color"'],
  ['unknown condition field (strict)', { condition: { kind: 'threshold', op: 'above', value: 1, hysteresis: 2 } }, 'condition: Unrecognized key: "hysteresis"'],
  ['unknown kind', { condition: { kind: 'magic' } }, 'condition.kind: Invalid discriminator value'],
  ['evaluation interval under 10 s', { evaluation_interval: 5000 }, 'evaluation_interval: must be at least 10000 ms (10 s)'],
  ['fractional ms', { for: 1.5 }, 'for: must be a whole number of milliseconds'],
  ['negative keep_firing_for', { keep_firing_for: -1 }, 'keep_firing_for: must be 0 or more milliseconds'],
  ['renotify under a minute', { renotify_interval: 1000 }, 'renotify_interval: must be at least 60000 ms (1 minute)'],
  ['runbook not http(s)', { runbook_url: 'javascript:alert(1)' }, 'runbook_url: must be an http:// or https:// URL'],
  ['runbook ftp', { runbook_url: 'ftp://example.com/x' }, 'runbook_url: must be an http:// or https:// URL'],
  ['bad label name', { labels: { 'team-name': 'x' } }, 'labels.team-name: must be a label name'],
  ['bad template', { annotations: { summary: '{{ $valu }}' } }, 'annotations.summary: cannot read {{ $valu }}'],
  ['bad severity', { severity: 'page' }, 'severity: Invalid option'],
  ['bad no_data_state', { no_data_state: 'firing' }, 'no_data_state: Invalid option'],
  ['filter the metric does not have', { filters: { feature: 'age' } }, 'filters.feature: latency.p99 cannot be filtered by "feature"'],
  ['group_by the metric does not have', { group_by: ['feature'] }, 'group_by.0: latency.p99 cannot be grouped by "feature"'],
  ['version filter on a model-only metric', { metric: 'errors.rate', version: 'v1', condition: { kind: 'error_rate', value: 0.1 } }, 'version: errors.rate cannot be filtered by version'],
  ['samples without a name', { metric: 'samples' }, 'filters.name: required for metric "samples"'],
  ['error_rate on the wrong metric', { condition: { kind: 'error_rate', value: 0.1 } }, 'metric: a error_rate rule reads one of errors.rate, performance.error_rate'],
  ['error_rate over 1', { metric: 'errors.rate', condition: { kind: 'error_rate', value: 2 } }, 'condition.value: Too big'],
  ['staleness on the wrong metric', { condition: { kind: 'staleness', value: 0.1 } }, 'metric: a staleness rule reads one of predictions.stale_share'],
  ['drift feature without method', { metric: 'drift.score', condition: { kind: 'drift', target: 'feature' } }, 'condition.method: required for target "feature"'],
  ['drift share on drift.score', { metric: 'drift.score', condition: { kind: 'drift', target: 'share', value: 0.5 } }, 'metric: a drift rule on target "share" reads drift.share'],
  ['drift share without value', { metric: 'drift.share', condition: { kind: 'drift', target: 'share' } }, 'condition.value: required for target "share"'],
  ['drift share above 1 (never fires)', { metric: 'drift.share', condition: { kind: 'drift', target: 'share', value: 1.5 } }, 'condition.value: must be in [0, 1]'],
  ['drift share recovery below 0', { metric: 'drift.share', condition: { kind: 'drift', target: 'share', value: 0.5, recovery: -0.1 } }, 'condition.recovery: must be in [0, 1]'],
  ['drift p-value threshold above 1 (always fires)', { metric: 'drift.score', condition: { kind: 'drift', target: 'feature', method: 'ks', value: 5 } }, 'condition.value: must be in [0, 1]'],
  ['drift p-value recovery on the wrong side', { metric: 'drift.score', condition: { kind: 'drift', target: 'feature', method: 'ks', value: 0.05, recovery: 0.01 } }, 'condition.recovery: must be at or above value (0.05)'],
  ['performance drop estimated on a regression metric', { metric: 'performance.mae', condition: { kind: 'performance_drop', source: 'estimated', value: 0.1 } }, 'condition.source: estimated values exist for'],
  ['performance drop of zero', { metric: 'performance.accuracy', condition: { kind: 'performance_drop', source: 'realized', value: 0 } }, 'condition.value: must be a positive drop'],
  ['performance drop recovery above the drop', { metric: 'performance.accuracy', condition: { kind: 'performance_drop', source: 'realized', value: 0.05, recovery: 0.1 } }, 'condition.recovery: must be at or below value (0.05)'],
  ['anomaly ewma with season', { condition: { kind: 'anomaly', method: 'ewma', season: 86_400_000 } }, 'condition.season: applies to method seasonal only'],
  ['anomaly seasonal with alpha', { condition: { kind: 'anomaly', method: 'seasonal', alpha: 0.1 } }, 'condition.alpha: applies to method ewma only'],
  ['anomaly min_history over lookback', { condition: { kind: 'anomaly', method: 'seasonal', lookback_seasons: 3, min_history: 5 } }, 'condition.min_history: must be at most lookback_seasons (3)'],
  ['anomaly sensitivity under 1', { condition: { kind: 'anomaly', method: 'ewma', sensitivity: 0.5 } }, 'condition.sensitivity: Too small'],
  ['absence under a minute', { metric: 'predictions.count', condition: { kind: 'absence', duration: 1000 } }, 'condition.duration: must be at least 1 minute'],
  ['retrain cooldown under a minute', { retrain: { channel: 'airflow', cooldown: 10 } }, 'retrain.cooldown: must be at least 1 minute'],
  ['bad channel id', { channels: ['has space'] }, 'channels.0: must start with a letter or digit'],
];
for (const [name, patch, want] of refusals) {
  test(`rule refused: ${name}`, () => {
    const got = issues({ ...base, ...patch });
    assert.ok(got.some((m) => m.startsWith(want)), `expected "${want}…" in ${JSON.stringify(got)}`);
  });
}

test('rule: every kind parses on its metric, and thresholdOf gives its threshold', () => {
  const kinds: [string, Record<string, unknown>, ReturnType<typeof thresholdOf>][] = [
    ['drift.score', { kind: 'drift', target: 'feature', method: 'ks' }, { op: 'below', value: 0.05, recovery: 0.05 }],
    ['drift.score', { kind: 'drift', target: 'feature', method: 'psi', value: 0.2, recovery: 0.1 }, { op: 'above', value: 0.2, recovery: 0.1 }],
    ['drift.share', { kind: 'drift', target: 'share', value: 0.5 }, { op: 'above', value: 0.5, recovery: 0.5 }],
    ['performance.accuracy', { kind: 'performance_drop', source: 'estimated', value: 0.05 }, { op: 'above', value: 0.05, recovery: 0.05 }],
    ['errors.rate', { kind: 'error_rate', value: 0.02, recovery: 0.01 }, { op: 'above', value: 0.02, recovery: 0.01 }],
    ['feature_age.p99', { kind: 'staleness', value: 3_600_000 }, { op: 'above', value: 3_600_000, recovery: 3_600_000 }],
    ['latency.p99', { kind: 'anomaly', method: 'seasonal', sensitivity: 5 }, { op: 'above', value: 5, recovery: 5 }],
    ['predictions.count', { kind: 'absence', duration: 600_000 }, null],
  ];
  for (const [metric, condition, want] of kinds) {
    const r = AlertRuleSchema.parse({ ...base, metric, condition });
    assert.deepEqual(thresholdOf(r.condition), want, metric);
  }
});

test('performanceDrop: worse is positive for either direction of metric', () => {
  assert.ok(Math.abs(performanceDrop('performance.accuracy', 0.85, 0.9, 'absolute')! - 0.05) < 1e-12);
  assert.ok(Math.abs(performanceDrop('performance.error_rate', 0.15, 0.1, 'absolute')! - 0.05) < 1e-12);
  assert.ok(Math.abs(performanceDrop('performance.mae', 12, 10, 'relative')! - 0.2) < 1e-12);
  assert.ok(performanceDrop('performance.accuracy', 0.95, 0.9, 'absolute')! < 0);
  assert.equal(performanceDrop('performance.mae', 1, 0, 'relative'), null);
  assert.equal(performanceDrop('performance.mae', Number.NaN, 1, 'absolute'), null);
});
