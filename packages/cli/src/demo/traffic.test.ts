import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEMO_MODELS } from './models.ts';
import { incidentsAt, MINUTE } from './schedule.ts';
import { mean, ms, of, quantile, SERVER_NOW, T0, validators } from './test-helpers.ts';
import { trafficBetween, VIOLATION_SHARE, type TrafficSlice } from './traffic.ts';

// one full 30-minute cycle at 40 predictions/s: every incident window is inside it
let cycle: TrafficSlice;
before(() => {
  cycle = trafficBetween(7, T0, T0 + 30 * MINUTE, 40);
});

describe('trafficBetween', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = trafficBetween(1, T0, T0 + 20_000, 30);
    assert.deepEqual(a, trafficBetween(1, T0, T0 + 20_000, 30));
    assert.notDeepEqual(a.predictions.map((p) => p.features), trafficBetween(2, T0, T0 + 20_000, 30).predictions.map((p) => p.features));
  });

  it('gives the same records for a window whether generated whole or in pieces', () => {
    const whole = trafficBetween(3, T0, T0 + 10_000, 30);
    const a = trafficBetween(3, T0, T0 + 4_000, 30);
    const b = trafficBetween(3, T0 + 4_000, T0 + 10_000, 30);
    assert.deepEqual(whole.predictions.map((p) => p.id).sort(), [...a.predictions, ...b.predictions].map((p) => p.id).sort());
  });

  it('makes record i of a second the same at any rate, so overlapping re-sends de-duplicate', () => {
    const slow = new Map(trafficBetween(5, T0, T0 + 5_000, 5).predictions.map((p) => [p.id, p]));
    const fast = new Map(trafficBetween(5, T0, T0 + 5_000, 200).predictions.map((p) => [p.id, p]));
    assert.ok(slow.size > 0);
    for (const [id, p] of slow) if (fast.has(id)) assert.deepEqual(p, fast.get(id));
  });

  it('produces unique ids and about the asked rate, split by model share', () => {
    const ids = new Set(cycle.predictions.map((p) => p.id));
    assert.equal(ids.size, cycle.predictions.length);
    const perSec = cycle.predictions.length / (30 * 60);
    assert.ok(perSec > 30 && perSec < 55, `rate ${perSec}`);
    for (const m of DEMO_MODELS) {
      const share = of(cycle.predictions, m.spec.id).length / cycle.predictions.length;
      assert.ok(Math.abs(share - m.share) < 0.02, `${m.spec.id} share ${share}`);
    }
  });

  it('sends valid records except a deliberate trickle with one feature-level violation each', () => {
    const v = validators();
    let bad = 0;
    for (const p of cycle.predictions) {
      const r = v.get(p.model)?.check(p, SERVER_NOW);
      assert.ok(r, `no validator for ${p.model}`);
      if (r.ok) continue;
      bad++;
      assert.equal(r.violations.length, 1, JSON.stringify(r.violations));
      assert.match(r.violations[0]?.field ?? '', /^features\./);
      assert.ok(['unseen_category', 'missing_feature', 'out_of_range', 'wrong_type'].includes(r.violations[0]?.kind ?? ''));
    }
    const share = bad / cycle.predictions.length;
    assert.ok(share > VIOLATION_SHARE / 2 && share < VIOLATION_SHARE * 2, `violation share ${share}`);
  });

  it('carries the fields of each task: score, class probabilities or a number', () => {
    for (const p of cycle.predictions.slice(0, 3000)) {
      assert.equal(typeof p.latency_ms, 'number');
      if (p.model === 'fraud-detector') {
        assert.ok(p.score !== undefined && p.score >= 0 && p.score <= 1);
        assert.ok(p.prediction === 0 || p.prediction === 1);
        assert.ok(p.feature_ts !== undefined && Date.parse(p.feature_ts) < ms(p));
      } else if (p.model === 'intent-router') {
        const total = Object.values(p.scores ?? {}).reduce((s, x) => s + x, 0);
        assert.ok(Math.abs(total - 1) < 0.01, `scores sum ${total}`);
        assert.equal(typeof p.prediction, 'string');
      } else {
        assert.equal(typeof p.prediction, 'number');
        assert.ok(Number.isInteger(p.batch_size) && (p.batch_size ?? 0) >= 1);
      }
    }
  });

  it('labels a share of predictions, later, within each model\'s delay bounds, never a refused one', () => {
    const v = validators();
    const byId = new Map(cycle.predictions.map((p) => [p.id, p]));
    for (const m of DEMO_MODELS) {
      const labels = cycle.labels.filter((l) => l.model === m.spec.id);
      const share = labels.length / of(cycle.predictions, m.spec.id).length;
      assert.ok(Math.abs(share - m.labelShare) < 0.03, `${m.spec.id} label share ${share}`);
      for (const l of labels) {
        const p = byId.get(l.prediction_id);
        assert.ok(p, `label for unknown prediction ${l.prediction_id}`);
        const delay = ms(l) - ms(p);
        assert.ok(delay >= m.labelDelayBounds.min - 1 && delay <= m.labelDelayBounds.max + 1, `${m.spec.id} delay ${delay}`);
        assert.ok(v.get(p.model)?.check(p, SERVER_NOW).ok);
      }
    }
  });
});

describe('incidents in the traffic', () => {
  const split = <T extends { ts: string }>(xs: T[], inside: (t: number) => boolean) => [xs.filter((x) => inside(ms(x))), xs.filter((x) => !inside(ms(x)))] as const;
  const num = (xs: unknown[]) => xs.filter((x): x is number => typeof x === 'number');

  it('drift: amount shifts up and merchant mix moves to online goods inside the window only', () => {
    const [inside, outside] = split(of(cycle.predictions, 'fraud-detector'), (t) => incidentsAt(t).drift !== null);
    const amountIn = mean(num(inside.map((p) => p.features.amount)));
    const amountOut = mean(num(outside.map((p) => p.features.amount)));
    assert.ok(amountIn > 2 * amountOut, `amount mean ${amountIn} vs ${amountOut}`);
    const digital = (xs: typeof inside) => xs.filter((p) => p.features.merchant_category === 'digital_goods').length / xs.length;
    assert.ok(digital(inside) > 2 * digital(outside), `digital goods ${digital(inside)} vs ${digital(outside)}`);
    // features of the other models do not move
    const [etaIn, etaOut] = split(of(cycle.predictions, 'eta-regressor'), (t) => incidentsAt(t).drift !== null);
    const d = (xs: typeof etaIn) => mean(num(xs.map((p) => p.features.distance_km)));
    assert.ok(Math.abs(d(etaIn) / d(etaOut) - 1) < 0.1);
  });

  it('latency spike: p99 of eta-regressor is far higher inside the window, the median barely moves', () => {
    const [inside, outside] = split(of(cycle.predictions, 'eta-regressor'), (t) => incidentsAt(t).latency !== null);
    const lat = (xs: typeof inside) => num(xs.map((p) => p.latency_ms));
    assert.ok(quantile(lat(inside), 0.99) > 5 * quantile(lat(outside), 0.99));
    assert.ok(quantile(lat(inside), 0.5) < 1.5 * quantile(lat(outside), 0.5));
  });

  it('bad deploy: intent-router serves 1.4.0 and its accuracy drops inside the window only', () => {
    const labels = new Map(cycle.labels.map((l) => [l.prediction_id, l.label]));
    const [inside, outside] = split(of(cycle.predictions, 'intent-router'), (t) => incidentsAt(t).badDeploy !== null);
    assert.ok(inside.every((p) => p.version === '1.4.0'));
    assert.ok(outside.every((p) => p.version === '1.3.0'));
    const acc = (xs: typeof inside) => {
      const l = xs.filter((p) => labels.has(p.id));
      return l.filter((p) => p.prediction === labels.get(p.id)).length / l.length;
    };
    assert.ok(acc(outside) > 0.85, `stable accuracy ${acc(outside)}`);
    assert.ok(acc(inside) < acc(outside) - 0.2, `bad accuracy ${acc(inside)}`);
  });
});
