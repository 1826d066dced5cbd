import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeness, QUALITY_MAX_POINTS, resolveQualityWindow, summarizeQuality, type QualityWindow } from './summary.ts';
import type { ErrorDetail } from '../errors.ts';

const H = 3_600_000;
const T = Date.UTC(2026, 0, 5, 0);

const COMPLETENESS: [number, number, number | null][] = [
  [0, 0, null], // no data is null, never 0
  [10, 0, 1],
  [10, 10, 0],
  [4, 1, 0.75],
  [3, 1, 2 / 3],
  [5, 7, 0], // nulls beyond count clamp
];
for (const [count, nulls, want] of COMPLETENESS) {
  test(`completeness(${count}, ${nulls}) = ${want}`, () => assert.equal(completeness(count, nulls), want));
}

// [name, from, to, step, expected window or the field of the problem]
const WINDOWS: [string, number, number, number | null, QualityWindow | string][] = [
  ['24 h by default: hourly, to raised to the hour', T - 24 * H + 5, T + 5, null, { from: T - 24 * H, to: T + H, stepMs: H }],
  ['a week: about 120 points, in whole hours', T - 168 * H, T, null, { from: T - 168 * H, to: T, stepMs: 2 * H }],
  ['30 days: 6 h steps', T - 720 * H, T, null, { from: T - 720 * H, to: T, stepMs: 6 * H }],
  ['ten minutes still answer one hour', T + 60_000, T + 11 * 60_000, null, { from: T, to: T + H, stepMs: H }],
  ['a given step floors from to it', T + 5 * H, T + 30 * H, 12 * H, { from: T, to: T + 30 * H, stepMs: 12 * H }],
  ['from after to', T, T - H, null, 'from'],
  ['from equal to to', T, T, null, 'from'],
  ['a step finer than an hour', T - H, T, 60_000, 'step'],
  ['a step not a whole number of hours', T - 24 * H, T, 90 * 60_000, 'step'],
  ['too many points', T - (QUALITY_MAX_POINTS + 1) * H, T, H, 'step'],
  ['exactly the most points', T - QUALITY_MAX_POINTS * H, T, H, { from: T - QUALITY_MAX_POINTS * H, to: T, stepMs: H }],
];
for (const [name, from, to, step, want] of WINDOWS) {
  test(`window: ${name}`, () => {
    const got = resolveQualityWindow(from, to, step);
    if (typeof want === 'string') {
      assert.ok(Array.isArray(got), JSON.stringify(got));
      assert.deepEqual((got as ErrorDetail[]).map((d) => d.field), [want]);
    } else {
      assert.deepEqual(got, want);
    }
  });
}

test('summary: completeness and violations per feature over the grid, totals by kind', () => {
  const s = summarizeQuality({
    grid: [T, T + H, T + 2 * H],
    features: [{ name: 'amount', type: 'numeric' }, { name: 'country', type: 'categorical' }, { name: 'note', type: 'text' }],
    retired: [{ name: 'old', type: 'boolean' }, { name: 'gone', type: 'numeric' }],
    featureRows: [
      { bucket: T, feature: 'amount', count: 10, nulls: 0 },
      { bucket: T + H, feature: 'amount', count: 10, nulls: 5 },
      { bucket: T, feature: 'country', count: 10, nulls: 1 },
      { bucket: T, feature: 'old', count: 4, nulls: 4 },
    ],
    qualityRows: [
      { bucket: T, feature: 'amount', kind: 'out_of_range', count: 2 },
      { bucket: T + 2 * H, feature: 'amount', kind: 'out_of_range', count: 1 },
      { bucket: T + 2 * H, feature: 'amount', kind: 'wrong_type', count: 3 },
      { bucket: T, feature: 'country', kind: 'unseen_category', count: 4 },
      { bucket: T, feature: 'colour', kind: 'unknown_feature', count: 6 },
      { bucket: T + H, feature: 'shade', kind: 'unknown_feature', count: 6 },
      { bucket: T, feature: '', kind: 'refused', count: 9 },
      { bucket: T + H, feature: '', kind: 'duplicate', count: 7 },
      { bucket: T + 2 * H, feature: '', kind: 'duplicate', count: 1 },
    ],
  });
  assert.deepEqual(s.totals, { refused: 9, duplicates: 8, violations: 22 });
  assert.deepEqual(s.features.map((f) => f.feature), ['amount', 'country', 'note', 'old'], 'current schema order, then retired features with data');
  const [amount, country, note, old] = s.features;
  assert.deepEqual(amount, {
    feature: 'amount', type: 'numeric', count: 20, nulls: 5, completeness: 0.75, violations: { wrong_type: 3, out_of_range: 3 },
    series: [{ t: T, completeness: 1, violations: 2 }, { t: T + H, completeness: 0.5, violations: 0 }, { t: T + 2 * H, completeness: null, violations: 4 }],
  });
  assert.equal(country?.completeness, 0.9);
  assert.deepEqual(country?.violations, { unseen_category: 4 });
  assert.deepEqual(note, { feature: 'note', type: 'text', count: 0, nulls: 0, completeness: null, violations: {}, series: [{ t: T, completeness: null, violations: 0 }, { t: T + H, completeness: null, violations: 0 }, { t: T + 2 * H, completeness: null, violations: 0 }] });
  assert.equal(old?.type, 'boolean');
  assert.equal(old?.completeness, 0);
  assert.deepEqual(s.unknown_features, [{ feature: 'colour', count: 6 }, { feature: 'shade', count: 6 }]);
});

test('summary of an empty window: every completeness is null, every count 0', () => {
  const s = summarizeQuality({ grid: [T], features: [{ name: 'a', type: 'numeric' }], featureRows: [], qualityRows: [] });
  assert.deepEqual(s, {
    totals: { refused: 0, duplicates: 0, violations: 0 },
    features: [{ feature: 'a', type: 'numeric', count: 0, nulls: 0, completeness: null, violations: {}, series: [{ t: T, completeness: null, violations: 0 }] }],
    unknown_features: [],
  });
});
