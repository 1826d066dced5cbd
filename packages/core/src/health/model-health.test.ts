import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertHealth, HEALTH_THRESHOLDS, modelHealth, type HealthSignals, type HealthStatus } from './model-health.ts';

const MIN = 60_000;
const NOW = Date.UTC(2025, 0, 10, 12);
const FROM = NOW - 24 * 60 * MIN;
const at = (ms: number) => new Date(ms).toISOString();

/** A healthy model with 1000 predictions, seen a minute ago, over a range that ends now. */
const base: HealthSignals = {
  predictions: 1000, lastSeenMs: NOW - MIN, nowMs: NOW, errorLogs: 0, qualityViolations: 0,
  recentLatencyP99: 100, baselineLatencyP99: 100, lastDeployment: { outcome: 'succeeded', started_at: at(FROM - MIN) },
};

// [name, changed signals, range end (default now), status, reasons matched in order]
const ROWS: [string, Partial<HealthSignals>, number | null, HealthStatus, RegExp[]][] = [
  ['all quiet', {}, null, 'healthy', []],
  ['no predictions', { predictions: 0, lastSeenMs: null }, null, 'no_data', [/^no predictions in the range$/]],
  ['no predictions wins over a failed deployment', { predictions: 0, lastSeenMs: null, lastDeployment: { outcome: 'failed', started_at: at(NOW) } }, null, 'no_data', [/no predictions/]],

  ['error logs at exactly 1%', { errorLogs: 10 }, null, 'healthy', []],
  ['error logs just over 1%', { errorLogs: 11 }, null, 'warning', [/^error logs are 1\.1% of predictions \(>1%; 11 in 1000\)$/]],
  ['error logs at 3.2%', { errorLogs: 32 }, null, 'warning', [/^error logs are 3\.2% of predictions \(>1%/]],
  ['error logs at exactly 5%', { errorLogs: 50 }, null, 'warning', [/5\.0% of predictions \(>1%/]],
  ['error logs just over 5%', { errorLogs: 51 }, null, 'problem', [/^error logs are 5\.1% of predictions \(>5%/]],
  ['a rate barely over the limit shows the digits that make it so', { predictions: 100_000, errorLogs: 1001 }, null, 'warning', [/1\.001% of predictions \(>1%/]],

  ['violations at exactly 1%', { qualityViolations: 10 }, null, 'healthy', []],
  ['violations just over 1%', { qualityViolations: 11 }, null, 'warning', [/^quality violations are 1\.1% of predictions \(>1%/]],
  ['violations over 5%', { qualityViolations: 60 }, null, 'problem', [/^quality violations are 6\.0% of predictions \(>5%/]],

  ['p99 at exactly 1.5×', { recentLatencyP99: 150 }, null, 'healthy', []],
  ['p99 just over 1.5×', { recentLatencyP99: 151 }, null, 'warning', [/^recent p99 latency is 1\.51× the rest of the range's \(151 ms vs 100 ms; >1\.5×\)$/]],
  ['p99 at exactly 2×', { recentLatencyP99: 200 }, null, 'warning', [/2× the rest of the range's/]],
  ['p99 just over 2×', { recentLatencyP99: 201 }, null, 'problem', [/^recent p99 latency is 2\.01× .*>2×\)$/]],
  ['p99 up, but no baseline', { recentLatencyP99: 900, baselineLatencyP99: null }, null, 'healthy', []],
  ['no p99 now', { recentLatencyP99: null }, null, 'healthy', []],
  ['p99 lower than before', { recentLatencyP99: 10 }, null, 'healthy', []],

  ['last deployment failed, long ago', { lastDeployment: { outcome: 'failed', started_at: at(FROM - 30 * 24 * 60 * MIN) } }, null, 'problem', [/^the last deployment failed \(started /]],
  ['rolled back inside the range', { lastDeployment: { outcome: 'rolled_back', started_at: at(FROM) } }, null, 'warning', [/^the last deployment was rolled back/]],
  ['rolled back before the range', { lastDeployment: { outcome: 'rolled_back', started_at: at(FROM - 1) } }, null, 'healthy', []],
  ['in progress', { lastDeployment: { outcome: 'in_progress', started_at: at(NOW - MIN) } }, null, 'healthy', []],
  ['no deployment recorded', { lastDeployment: null }, null, 'healthy', []],

  ['quiet for exactly 15 min', { lastSeenMs: NOW - 15 * MIN }, null, 'healthy', []],
  ['quiet for 16 min', { lastSeenMs: NOW - 16 * MIN }, null, 'warning', [/^no traffic for 16 min \(>15 min\)$/]],
  ['quiet for 16 min, range ending within a minute of now', { lastSeenMs: NOW - 16 * MIN }, NOW - MIN, 'warning', [/no traffic for 16 min/]],
  ['quiet, but the range ended an hour ago', { lastSeenMs: NOW - 120 * MIN }, NOW - 60 * MIN, 'healthy', []],

  ['worst wins, every reason listed in rule order', { errorLogs: 20, qualityViolations: 80, recentLatencyP99: 160, lastSeenMs: NOW - 30 * MIN }, null, 'problem', [/^error logs/, /^quality violations/, /^recent p99 latency/, /^no traffic for 30 min/]],
];

for (const [name, change, to, status, reasons] of ROWS) {
  test(`health: ${name} → ${status}`, () => {
    const h = modelHealth({ ...base, ...change }, { from: FROM, to: to ?? NOW });
    assert.equal(h.status, status, h.reasons.join('; '));
    assert.equal(h.reasons.length, reasons.length, h.reasons.join('; '));
    reasons.forEach((re, i) => assert.match(h.reasons[i] ?? '', re));
  });
}

test('thresholds can be passed in', () => {
  const strict = { ...HEALTH_THRESHOLDS, errorRate: { warning: 0.001, problem: 0.002 } };
  assert.equal(modelHealth({ ...base, errorLogs: 3 }, { from: FROM, to: NOW, thresholds: strict }).status, 'problem');
  assert.equal(modelHealth({ ...base, errorLogs: 3 }, { from: FROM, to: NOW }).status, 'healthy');
});

test('alertHealth: reasons most severe first, then by name, whatever order the alerts come in (states are stored by random rule id)', () => {
  const a = { name: 'p99 warning', severity: 'warning' }, b = { name: 'p99 critical', severity: 'critical' }, c = { name: 'errors', severity: 'warning' };
  const want = ['alert firing: p99 critical (critical)', 'alert firing: errors (warning)', 'alert firing: p99 warning (warning)'];
  for (const order of [[a, b, c], [c, b, a], [b, a, c]]) assert.deepEqual(alertHealth(order, 10).reasons, want);
});
