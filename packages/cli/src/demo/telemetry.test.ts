import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLog, checkMetricSample } from '@vigil/core';
import { BAD_DEPLOY, incidentsAt, MINUTE } from './schedule.ts';
import { logsBetween, METRIC_STEP_MS, metricsBetween } from './telemetry.ts';
import { mean, ms, SERVER_NOW, T0 } from './test-helpers.ts';

const metrics = metricsBetween(11, T0, T0 + 30 * MINUTE, 50);
const logs = logsBetween(11, T0, T0 + 30 * MINUTE);

describe('metricsBetween', () => {
  it('is deterministic and every sample passes the server check', () => {
    assert.deepEqual(metrics, metricsBetween(11, T0, T0 + 30 * MINUTE, 50));
    for (const m of metrics) assert.ok(checkMetricSample(m, SERVER_NOW).ok, JSON.stringify(m));
  });

  const names: { name: string; perStep: number }[] = [
    { name: 'node_cpu_utilization', perStep: 3 },
    { name: 'node_memory_used_bytes', perStep: 3 },
    { name: 'network_receive_bytes', perStep: 3 },
    { name: 'network_transmit_bytes', perStep: 3 },
    { name: 'gpu_utilization', perStep: 1 },
    { name: 'gpu_memory_used_bytes', perStep: 1 },
    { name: 'business_revenue_per_minute', perStep: METRIC_STEP_MS / MINUTE },
  ];
  for (const { name, perStep } of names) {
    it(`sends ${name} at every step`, () => {
      const n = metrics.filter((m) => m.name === name).length;
      assert.equal(n, Math.round(perStep * (30 * MINUTE / METRIC_STEP_MS)));
    });
  }

  it('keeps utilisations within 0-100', () => {
    for (const m of metrics) if (m.name.endsWith('_utilization')) assert.ok(m.value >= 0 && m.value <= 100);
  });

  const series = (name: string, host: string, inside: (t: number) => boolean) =>
    metrics.filter((m) => m.name === name && m.labels?.host === host && inside(ms(m))).map((m) => m.value);

  it('cpu of the eta host rises during the latency spike', () => {
    const spike = (t: number) => incidentsAt(t).latency !== null;
    assert.ok(mean(series('node_cpu_utilization', 'inference-b', spike)) > mean(series('node_cpu_utilization', 'inference-b', (t) => !spike(t))) + 30);
  });

  it('gpu memory rises and revenue falls during the bad deployment', () => {
    const bad = (t: number) => incidentsAt(t).badDeploy !== null;
    assert.ok(mean(series('gpu_memory_used_bytes', 'gpu-1', bad)) > 1.3 * mean(series('gpu_memory_used_bytes', 'gpu-1', (t) => !bad(t))));
    const rev = (inside: boolean) => mean(metrics.filter((m) => m.name === 'business_revenue_per_minute' && bad(ms(m)) === inside).map((m) => m.value));
    assert.ok(rev(true) < 0.9 * rev(false));
  });
});

describe('logsBetween', () => {
  it('is deterministic, has unique ids and every event passes the server check', () => {
    assert.deepEqual(logs, logsBetween(11, T0, T0 + 30 * MINUTE));
    assert.equal(new Set(logs.map((l) => l.id)).size, logs.length);
    for (const l of logs) assert.ok(checkLog(l, SERVER_NOW).ok, JSON.stringify(l));
  });

  it('has periodic info events for every model', () => {
    for (const model of ['fraud-detector', 'intent-router', 'eta-regressor']) {
      assert.ok(logs.filter((l) => l.model === model && l.level === 'info').length >= 55);
    }
  });

  it('error logs with an error class rise during the bad deployment', () => {
    const bad = (t: number) => incidentsAt(t).badDeploy !== null;
    const errors = logs.filter((l) => l.model === BAD_DEPLOY.model && l.level === 'error');
    const inside = errors.filter((l) => bad(ms(l)));
    const outside = errors.filter((l) => !bad(ms(l)));
    const minutesIn = BAD_DEPLOY.window.to - BAD_DEPLOY.window.from;
    assert.ok(inside.length / minutesIn > 20 * Math.max(1, outside.length) / (30 - minutesIn), `${inside.length} in, ${outside.length} out`);
    assert.ok(inside.every((l) => typeof l.error_class === 'string' && l.error_class.length > 0));
  });

  it('announces the deployment and the rollback', () => {
    assert.ok(logs.some((l) => l.level === 'info' && /deployment of 1\.4\.0/.test(l.message) && ms(l) >= T0 + 20 * MINUTE));
    assert.ok(logs.some((l) => l.level === 'warn' && /rolling back 1\.4\.0/.test(l.message) && ms(l) >= T0 + 27 * MINUTE));
  });

  it('slow-call warnings and timeouts appear for eta-regressor during the latency spike', () => {
    const spike = (t: number) => incidentsAt(t).latency !== null;
    const warn = logs.filter((l) => l.model === 'eta-regressor' && l.level === 'warn');
    assert.ok(warn.filter((l) => spike(ms(l))).length > 3 * warn.filter((l) => !spike(ms(l))).length);
    assert.ok(logs.some((l) => l.error_class === 'TimeoutError' && spike(ms(l))));
  });
});
