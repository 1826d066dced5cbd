import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/distances.json' with { type: 'json' };
import {
  binProportions, distinctAtMost, fillZeroes, finiteValues, histogramCounts, linspace, presentCategories,
  quantileBinCounts, quantileInnerEdges, sturgesEdges, valueCounts,
} from './binning.ts';

test('Sturges edges are numpy.histogram_bin_edges(…, "sturges") to the bit', () => {
  for (const c of data.sturgesEdges) {
    const got = [...sturgesEdges(c.min, c.max, c.n, c.integer)];
    assert.deepEqual(got, c.edges, `min ${c.min} max ${c.max} n ${c.n} integer ${c.integer}`);
  }
});

test('reference decile edges are numpy.quantile\'s linear ones to the bit, deduplicated', () => {
  for (const c of data.cases) {
    const e = c.expected as { quantileInnerEdges?: number[]; status: string };
    if (!e.quantileInnerEdges) continue;
    const ref = finiteValues(c.reference.map((v) => (typeof v === 'number' ? v : v === null ? NaN : v === 'inf' ? Infinity : -Infinity)));
    assert.deepEqual([...quantileInnerEdges(ref.values.sort(), data.quantileBins)], e.quantileInnerEdges, c.name);
  }
});

test('histogram bins are [left, right) with the last one closed, and values outside are not counted', () => {
  const edges = linspace(0, 3, 4); // 0 1 2 3
  assert.deepEqual([...histogramCounts([-0.1, 0, 0.999, 1, 2, 2.5, 3, 3.0001], edges)], [2, 1, 3]);
  assert.deepEqual([...quantileBinCounts([-5, 1, 1.5, 2, 9], Float64Array.of(1, 2))], [1, 2, 2]);
});

test('a constant column gets one bin of width 1 around its value, as in numpy', () => {
  assert.deepEqual([...sturgesEdges(4, 4, 100)], [3.5, 4.5]);
});

test('finite values: missing and infinite entries are dropped and counted', () => {
  const s = finiteValues([1, null, NaN, Infinity, -Infinity, undefined, -0, 2.5]);
  assert.deepEqual([...s.values], [1, -0, 2.5]);
  assert.deepEqual([s.used, s.missing, s.infinite], [3, 3, 2]);
  const c = presentCategories(['a', null, '', undefined, NaN, Infinity]);
  assert.deepEqual([c.values, c.used, c.missing, c.infinite], [['a', ''], 2, 3, 1]);
});

test('Evidently\'s zero fill: 0.0001, or the smallest proportion / 1e6 when that is at most 0.0001', () => {
  assert.deepEqual([...fillZeroes(Float64Array.of(0.5, 0, 0.5))], [0.5, 0.0001, 0.5]);
  assert.deepEqual([...fillZeroes(Float64Array.of(0.99995, 0, 0.00005))], [0.99995, 0.00005 / 1e6, 0.00005]);
  assert.deepEqual([...fillZeroes(Float64Array.of(0.9999, 0, 0.0001))], [0.9999, 0.0001 / 1e6, 0.0001]);
});

test('distinct counting stops as soon as the limit is passed', () => {
  assert.equal(distinctAtMost([1, 1, 2, 2, 3], 5), 3);
  assert.equal(distinctAtMost([1, 2, 3, 4, 5, 6, 7], 5), 6);
  assert.equal(distinctAtMost([0, -0], 5), 1);
});

test('value counts keep the union of keys, reference first, and count unseen and vanished values as 0', () => {
  const v = valueCounts(['a', 'b', 'a'], ['c', 'a']);
  assert.deepEqual([v.keys, [...v.reference], [...v.current]], [['a', 'b', 'c'], [2, 1, 0], [1, 0, 1]]);
});

test('Evidently bins a numeric column by value up to 20 distinct reference values, by Sturges above', () => {
  const few = Float64Array.from({ length: 100 }, (_, i) => i % 20);
  const many = Float64Array.from({ length: 100 }, (_, i) => i % 21);
  assert.equal(binProportions(few, many, { kind: 'numeric' }).binsUsed, 'values');
  const b = binProportions(many, few, { kind: 'numeric' });
  assert.equal(b.binsUsed, 'sturges');
  assert.equal(b.reference.length, Math.ceil(Math.log2(200) + 1));
  assert.equal(binProportions(many, few, { kind: 'numeric', binning: 'reference-quantiles', bins: 4 }).reference.length, 4);
});
