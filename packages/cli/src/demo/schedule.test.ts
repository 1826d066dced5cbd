import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BAD_DEPLOY, badDeployWindows, CYCLE_MS, cycleStart, describeIncidents, incidentsAt, MINUTE } from './schedule.ts';

const T0 = Date.parse('2026-03-02T10:00:00Z'); // a cycle start (:00)

describe('incidentsAt', () => {
  const table: { minute: number; drift: boolean; latency: boolean; bad: boolean }[] = [
    { minute: 0, drift: false, latency: false, bad: false },
    { minute: 1.99, drift: false, latency: false, bad: false },
    { minute: 2, drift: true, latency: false, bad: false },
    { minute: 11.99, drift: true, latency: false, bad: false },
    { minute: 12, drift: false, latency: false, bad: false },
    { minute: 13, drift: false, latency: true, bad: false },
    { minute: 17.99, drift: false, latency: true, bad: false },
    { minute: 18, drift: false, latency: false, bad: false },
    { minute: 20, drift: false, latency: false, bad: true },
    { minute: 26.99, drift: false, latency: false, bad: true },
    { minute: 27, drift: false, latency: false, bad: false },
    { minute: 29.99, drift: false, latency: false, bad: false },
  ];
  for (const row of table) {
    for (const cycle of [0, 1, 7]) {
      it(`minute ${row.minute} of cycle ${cycle}`, () => {
        const i = incidentsAt(T0 + cycle * CYCLE_MS + row.minute * MINUTE);
        assert.equal(i.drift !== null, row.drift);
        assert.equal(i.latency !== null, row.latency);
        assert.equal(i.badDeploy !== null, row.bad);
      });
    }
  }

  it('names the models, features and window bounds', () => {
    const i = incidentsAt(T0 + 5 * MINUTE);
    assert.deepEqual(i.drift && { model: i.drift.model, features: [...i.drift.features], since: i.drift.since, until: i.drift.until }, {
      model: 'fraud-detector', features: ['amount', 'merchant_category'], since: T0 + 2 * MINUTE, until: T0 + 12 * MINUTE,
    });
    assert.equal(incidentsAt(T0 + 14 * MINUTE).latency?.model, 'eta-regressor');
    const b = incidentsAt(T0 + 21 * MINUTE).badDeploy;
    assert.equal(b?.model, 'intent-router');
    assert.equal(b?.version, '1.4.0');
    assert.equal(describeIncidents(incidentsAt(T0)), 'none');
    assert.match(describeIncidents(incidentsAt(T0 + 21 * MINUTE)), /bad_deploy\(intent-router 1\.4\.0\)/);
  });

  it('cycles start at :00 and :30', () => {
    assert.equal(cycleStart(T0 + 29 * MINUTE), T0);
    assert.equal(cycleStart(T0 + 31 * MINUTE), T0 + CYCLE_MS);
  });
});

describe('badDeployWindows', () => {
  it('lists every window overlapping the range, oldest first', () => {
    const w = badDeployWindows(T0, T0 + 2 * 3_600_000);
    assert.equal(w.length, 4);
    assert.deepEqual(w[0], { since: T0 + 20 * MINUTE, until: T0 + 27 * MINUTE });
    for (const x of w) assert.equal(x.until - x.since, (BAD_DEPLOY.window.to - BAD_DEPLOY.window.from) * MINUTE);
  });

  it('includes a window the range starts inside of', () => {
    const w = badDeployWindows(T0 + 25 * MINUTE, T0 + 26 * MINUTE);
    assert.deepEqual(w, [{ since: T0 + 20 * MINUTE, until: T0 + 27 * MINUTE }]);
  });

  it('is empty for a range between windows', () => {
    assert.deepEqual(badDeployWindows(T0 + 28 * MINUTE, T0 + 49 * MINUTE), []);
  });
});
