import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileInnerEdges } from './binning.ts';
import { categoricalProfile, categoricalProfileOfCounts, numericProfile, OTHER_CATEGORIES, PROFILE_MAX_CATEGORIES } from './profile.ts';

test('a numeric profile counts missing and infinite values apart and keeps moments of the rest', () => {
  const p = numericProfile([1, 2, NaN, Infinity, 3, null, -Infinity, 4]);
  assert.deepEqual([p.rows, p.used, p.missing, p.infinite], [8, 4, 2, 2]);
  assert.deepEqual([p.mean, p.min, p.max, p.integer], [2.5, 1, 4, true]);
  assert.ok(Math.abs((p.std as number) - Math.sqrt(1.25)) < 1e-15);
  assert.equal(p.binning, 'values');
  assert.deepEqual(p.values, { 1: 1, 2: 1, 3: 1, 4: 1 });
});

test('an empty numeric reference has no moments: no data, never 0', () => {
  const p = numericProfile([NaN, null]);
  assert.deepEqual([p.used, p.mean, p.std, p.distinct], [0, null, null, 0]);
});

test('many distinct values: 0.5% quantile bins with the deciles among the edges', () => {
  const values = Float64Array.from({ length: 10_001 }, (_, i) => Math.sin(i) * 100);
  const p = numericProfile(values);
  assert.equal(p.binning, 'quantiles');
  assert.equal(p.counts.reduce((a, b) => a + b, 0), 10_001);
  assert.equal(p.counts.length, p.edges.length + 1);
  const sorted = Float64Array.from(values).sort();
  assert.deepEqual(p.deciles, [...quantileInnerEdges(sorted, 10)]);
  for (const d of p.deciles) assert.ok(p.edges.includes(d));
  for (let j = 0; j < p.counts.length; j++) if (p.counts[j]! > 0) assert.ok(p.mins[j]! <= p.maxs[j]!);
  assert.equal(p.integer, false);
});

test('categorical profiles count values and fold the rarest beyond the cap', () => {
  const p = categoricalProfile(['x', 'y', null, 'x']);
  assert.deepEqual([p.used, p.missing, p.values, p.distinct], [3, 1, { x: 2, y: 1 }, 2]);
  const many = new Map(Array.from({ length: PROFILE_MAX_CATEGORIES + 2 }, (_, i) => [`c${i}`, i === 0 ? 10 : 1] as [string, number]));
  const q = categoricalProfileOfCounts(many, PROFILE_MAX_CATEGORIES + 11, 0);
  assert.equal(Object.keys(q.values).length, PROFILE_MAX_CATEGORIES + 1);
  assert.equal(q.values[OTHER_CATEGORIES], 2);
  assert.equal(q.values.c0, 10);
});
