// The fast paths must give the very numbers of the per-statistic functions (which the scipy
// fixtures check), bit for bit: sortFloat64InPlace against Float64Array.prototype.sort,
// numericColumnStats and categoricalColumnStats against ks2samp, wasserstein, psi, … on the raw
// samples, over samples made to hit every branch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finiteValues, presentCategories } from './binning.ts';
import { hellinger, jensenShannon, psi, wasserstein, wassersteinNormed, type DistanceResult } from './distances.ts';
import { ks2samp } from './ks.ts';
import { chiSquareContingency, chiSquareGoodnessOfFit } from './chi-square.ts';
import { sortFloat64InPlace } from './radix-sort.ts';
import { categoricalColumnStats, countValues, numericColumnStats } from './sorted-stats.ts';
import { distinctInSortedPair, histogramCountsSorted, mergeSorted, SortedArray, SortedCounts, sortPair } from './sorted-sample.ts';
import { ksStatisticSorted } from './ks.ts';
import { wassersteinOfSorted } from './distances.ts';
import { histogramCounts } from './binning.ts';
import { categoricalOverlay, numericOverlay } from './overlay.ts';

function rng(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, normal };
}

const same = (a: number, b: number, what: string) => assert.ok(Object.is(a, b), `${what}: fast ${a}, reference ${b}`);
const valueOf = (r: DistanceResult) => (r.status === 'ok' ? r.value : NaN);

function sameSort(values: Float64Array, what: string) {
  const want = Float64Array.from(values).sort();
  const got = sortFloat64InPlace(Float64Array.from(values));
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}: index ${i}: ${got[i]} vs ${want[i]}`);
}

test('sortFloat64InPlace gives what Float64Array.prototype.sort gives', () => {
  const r = rng(1);
  const n = 5000;
  const make = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const cases: [string, Float64Array][] = [
    ['four decimals (radix on 32-bit keys)', make(() => Math.round(r.normal() * 1e8) / 1e4)],
    ['integers in a small span (counting sort)', make(() => Math.floor(r.u() * 50) - 25)],
    ['two decimals, one value with none', make((i) => (i === 7 ? 3 : Math.round(r.normal() * 1e4) / 100))],
    ['full-precision doubles (radix on bit patterns)', make(() => r.normal() * 1e3)],
    ['-0, +0 and decimals together', make((i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : Math.round(r.normal() * 100) / 10))],
    ['±Infinity and huge values', make((i) => (i % 97 === 0 ? Infinity : i % 89 === 0 ? -Infinity : (r.u() - 0.5) * 1e300))],
    ['integers past 2^31', make(() => Math.floor(r.u() * 2 ** 40) - 2 ** 39)],
    ['subnormals and tiny values', make((i) => (i % 2 ? 5e-324 * Math.floor(r.u() * 100) : -1e-310 * r.u()))],
    ['one value repeated', make(() => 2.5)],
    ['negative zeros only', make(() => -0)],
    ['ten decimals (too many for keys)', make(() => Math.round(r.u() * 1e10) / 1e10)],
  ];
  for (const [what, values] of cases) sameSort(values, what);
  for (const len of [0, 1, 2, 255, 256, 257]) sameSort(Float64Array.from({ length: len }, () => Math.round(r.normal() * 100) / 10), `length ${len}`);
});

test('histogramCountsSorted counts as histogramCounts does, odd edges included', () => {
  const r = rng(2);
  const sorted = Float64Array.from({ length: 2000 }, () => Math.round(r.normal() * 100) / 10).sort();
  const edgeSets = [
    [-3, -1, 0, 0, 2, 5], [sorted[0]!, sorted[1999]!], [-10, 10], [0.5, 0.5000001], [1, 1], [NaN, 1], [-1, -2, 3], [-Infinity, 0, Infinity], [5, 6],
  ];
  for (const e of edgeSets) assert.deepEqual(histogramCountsSorted(sorted, e), histogramCounts(sorted, e), `edges ${e.join(' ')}`);
});

test('mergeSorted: the KS statistic, Wasserstein distance and distinct count of the three separate sweeps', () => {
  const r = rng(6);
  const sorted = (n: number, f: () => number) => Float64Array.from({ length: n }, f).sort();
  const cases: [string, Float64Array, Float64Array][] = [
    ['heavy ties', sorted(3000, () => Math.round(r.normal() * 3) / 2), sorted(2000, () => Math.round(r.normal() * 3 + 1) / 2)],
    ['-0 and +0', sorted(500, () => (r.u() < 0.5 ? -0 : Math.round(r.normal()))), sorted(400, () => (r.u() < 0.5 ? 0 : Math.round(r.normal())))],
    ['no ties', sorted(2500, r.normal), sorted(3500, () => r.normal() * 2)],
    ['disjoint', sorted(100, () => r.u()), sorted(50, () => 2 + r.u())],
    ['one value each', Float64Array.of(1), Float64Array.of(1)],
  ];
  for (const [what, a, b] of cases) {
    const m = mergeSorted(a, b);
    same(m.ks, ksStatisticSorted(a, b), `${what}: ks`);
    same(m.wasserstein, wassersteinOfSorted(a, b), `${what}: wasserstein`);
    assert.equal(m.distinct, distinctInSortedPair(a, b), `${what}: distinct`);
  }
});

test('a sample as counts of keys answers as its sorted array does', () => {
  const r = rng(7);
  const values = Float64Array.from({ length: 4000 }, (_, i) => (i % 17 === 0 ? -0 : Math.round(r.normal() * 300) / 100));
  const other = Float64Array.from({ length: 3000 }, () => Math.round(r.normal() * 300 + 50) / 100);
  const pair = sortPair(values, other);
  assert.ok(pair.ref instanceof SortedCounts, 'decimal data in a small span is counted');
  const sorted = new SortedArray(Float64Array.from(values).sort());
  for (let rank = 0; rank < values.length; rank += 7) same(pair.ref.at(rank), sorted.at(rank), `at ${rank}`);
  same(pair.ref.at(values.length - 1), sorted.at(values.length - 1), 'last');
  for (const x of [-100, -3.01, -0, 0, 0.005, 1.23, 2.5, 100, sorted.at(0), sorted.at(3999)]) {
    assert.equal(pair.ref.lowerBound(x), sorted.lowerBound(x), `lowerBound ${x}`);
    assert.equal(pair.ref.upperBound(x), sorted.upperBound(x), `upperBound ${x}`);
  }
  for (const limit of [0, 5, 20, 10_000]) assert.equal(pair.ref.distinctUpTo(limit), sorted.distinctUpTo(limit), `distinct ${limit}`);
  const m = mergeSorted(sorted.values, Float64Array.from(other).sort());
  assert.deepEqual(pair.merged, m);
});

interface NumericCase { name: string; ref: number[]; cur: number[]; integer?: boolean }

function numericCases(): NumericCase[] {
  const r = rng(3);
  const arr = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  return [
    { name: 'shifted normals with ties (4 decimals)', ref: arr(3000, () => Math.round(r.normal() * 1e4) / 1e4), cur: arr(2500, () => Math.round((r.normal() + 0.3) * 1e4) / 1e4) },
    { name: 'full-precision doubles, large samples (asymptotic p-value)', ref: arr(12000, () => r.normal()), cur: arr(11000, () => r.normal() * 1.1) },
    { name: 'NaN, ±Infinity and -0 among the values', ref: arr(800, (i) => (i % 50 === 0 ? NaN : i % 61 === 0 ? Infinity : i % 7 === 0 ? -0 : Math.round(r.normal() * 10) / 10)), cur: arr(700, (i) => (i % 40 === 0 ? -Infinity : i % 9 === 0 ? 0 : Math.round(r.normal() * 10) / 10)) },
    { name: 'few distinct values (value bins), an unseen and a vanished one', ref: arr(1500, () => Math.floor(r.u() * 6)), cur: arr(1200, () => 1 + Math.floor(r.u() * 6)), integer: true },
    { name: 'integer column with a wide range', ref: arr(2000, () => Math.floor(r.u() * 90)), cur: arr(2100, () => 10 + Math.floor(r.u() * 90)), integer: true },
    { name: 'a 0/1 integer column', ref: arr(900, () => (r.u() < 0.3 ? 1 : 0)), cur: arr(950, () => (r.u() < 0.5 ? 1 : 0)), integer: true },
    { name: 'reference with 3 values, current with thousands', ref: arr(2000, () => Math.floor(r.u() * 3)), cur: arr(6000, () => r.normal() * 100) },
    { name: 'both constant and equal', ref: arr(100, () => 4.2), cur: arr(80, () => 4.2) },
    { name: 'both constant, different', ref: arr(100, () => 1), cur: arr(80, () => 2) },
    { name: 'one value each', ref: [1.5], cur: [2.5] },
    { name: 'huge and tiny magnitudes', ref: arr(500, (i) => (i % 2 ? 1e300 : -1e300) * r.u()), cur: arr(400, () => 1e-300 * r.normal()) },
    { name: 'subnormal range', ref: arr(300, () => 5e-324 * Math.floor(r.u() * 4)), cur: arr(300, () => 5e-324 * Math.floor(r.u() * 5)) },
    { name: 'one decimal against three, -0 among them', ref: arr(3000, (i) => (i % 11 === 0 ? -0 : Math.round(r.normal() * 10) / 10)), cur: arr(2000, () => Math.round(r.normal() * 1000) / 1000) },
    { name: 'decimals over a wide span (keys radix-sorted)', ref: arr(3000, () => Math.round(Math.exp(8 + 2 * r.normal()) * 100) / 100), cur: arr(2000, () => Math.round(Math.exp(8 + 2 * r.normal())) / 100) },
    { name: 'integers past 2^31 against decimals', ref: arr(2000, () => Math.floor(r.u() * 2 ** 40)), cur: arr(2000, () => Math.round(r.u() * 1e4) / 100) },
    { name: 'exact p-value sizes with 21+ distinct values', ref: arr(400, () => Math.round(r.normal() * 30)), cur: arr(350, () => Math.round(r.normal() * 30 + 5)) },
  ];
}

test('numericColumnStats gives the numbers of ks2samp, wasserstein, psi, jensenShannon and hellinger', () => {
  for (const c of numericCases()) {
    const ref = Float64Array.from(c.ref), cur = Float64Array.from(c.cur);
    const opts = { kind: 'numeric' as const, integer: c.integer ?? false };
    const s = numericColumnStats(finiteValues(ref).values, finiteValues(cur).values, { integer: c.integer ?? false });
    const ks = ks2samp(ref, cur)!;
    same(s.ks.statistic, ks.statistic, `${c.name}: ks statistic`);
    same(s.ks.pvalue, ks.pvalue, `${c.name}: ks p-value`);
    same(s.wasserstein, valueOf(wasserstein(ref, cur)), `${c.name}: wasserstein`);
    same(s.wassersteinNormed, valueOf(wassersteinNormed(ref, cur)), `${c.name}: wasserstein normed`);
    same(s.psi, valueOf(psi(ref, cur, opts)), `${c.name}: psi`);
    same(s.psiQuantile, valueOf(psi(ref, cur, { kind: 'numeric', binning: 'reference-quantiles' })), `${c.name}: psi quantile`);
    same(s.jensenShannon, valueOf(jensenShannon(ref, cur, opts)), `${c.name}: jensen-shannon`);
    same(s.hellinger, valueOf(hellinger(ref, cur, opts)), `${c.name}: hellinger`);
    const distinct = new Set([...finiteValues(ref).values, ...finiteValues(cur).values]).size;
    assert.equal(s.distinct, distinct, `${c.name}: distinct`);
  }
  assert.throws(() => numericColumnStats(new Float64Array(0), Float64Array.of(1)), RangeError);
});

test('categoricalColumnStats gives the numbers of the functions on the value arrays', () => {
  const r = rng(4);
  const pick = (keys: string[], w: number[]) => { let x = r.u(); for (let i = 0; i < keys.length - 1; i++) { x -= w[i]!; if (x < 0) return keys[i]!; } return keys[keys.length - 1]!; };
  const cases: [string, (string | null)[], (string | null)[]][] = [
    ['five categories, one unseen in the current', Array.from({ length: 3000 }, () => pick(['a', 'b', 'c', 'd'], [0.4, 0.3, 0.2, 0.1])), Array.from({ length: 2000 }, () => (r.u() < 0.1 ? null : pick(['b', 'a', 'c', 'd', 'e'], [0.3, 0.3, 0.2, 0.1, 0.1])))],
    ['binary', Array.from({ length: 500 }, () => (r.u() < 0.3 ? 'yes' : 'no')), Array.from({ length: 600 }, () => (r.u() < 0.4 ? 'yes' : 'no'))],
    ['one category', ['x', 'x', 'x'], ['x', 'x']],
    ['vanished category', ['p', 'q', 'r', 'p'], ['q', 'q', 'p']],
  ];
  for (const [name, refRaw, curRaw] of cases) {
    const ref = presentCategories(refRaw).values, cur = presentCategories(curRaw).values;
    const s = categoricalColumnStats(countValues(ref), countValues(cur));
    const opts = { kind: 'categorical' as const };
    same(s.psi, valueOf(psi(ref, cur, opts)), `${name}: psi`);
    same(s.jensenShannon, valueOf(jensenShannon(ref, cur, opts)), `${name}: jensen-shannon`);
    same(s.hellinger, valueOf(hellinger(ref, cur, opts)), `${name}: hellinger`);
    assert.deepEqual(s.chisquare, chiSquareGoodnessOfFit(countValues(ref), countValues(cur)), `${name}: chi-square`);
    assert.deepEqual(s.chi2Contingency, chiSquareContingency(countValues(ref), countValues(cur)), `${name}: contingency`);
    assert.equal(s.z === null, s.distinct > 2, `${name}: z only for two values`);
  }
});

test('overlays: proportions over shared bins that sum to 1 per side', () => {
  const r = rng(5);
  const sorted = (n: number, f: () => number) => Float64Array.from({ length: n }, f).sort();
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const a = numericOverlay(sorted(10_000, r.normal), sorted(8000, () => r.normal() + 1));
  assert.equal(a.edges.length, a.reference.length + 1);
  assert.equal(a.reference.length, Math.ceil(Math.log2(18_000)) + 1);
  assert.ok(a.edges.every((e, i) => i === 0 || e > a.edges[i - 1]!));
  assert.ok(Math.abs(sum(a.reference) - 1) < 1e-12 && Math.abs(sum(a.current) - 1) < 1e-12);
  const flag = numericOverlay(Float64Array.of(0, 0, 1), Float64Array.of(0, 1, 1, 1), true);
  assert.deepEqual(flag, { kind: 'numeric', edges: [-0.5, 0.5, 1.5], reference: [2 / 3, 1 / 3], current: [0.25, 0.75] });
  assert.deepEqual(numericOverlay(Float64Array.of(3, 3), Float64Array.of(3)).edges, [2.5, 3.5]);

  const counts = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`k${i}`, n - i] as [string, number]));
  const cat = categoricalOverlay(counts(30), new Map([['k29', 100], ['new', 50]]));
  assert.equal(cat.categories.length, 21);
  assert.deepEqual(cat.categories.slice(0, 2), ['k29', 'new']);
  assert.equal(cat.categories[20], '(other)');
  assert.ok(Math.abs(sum(cat.reference) - 1) < 1e-12 && Math.abs(sum(cat.current) - 1) < 1e-12);
  // ties keep the order of first appearance, reference first
  assert.deepEqual(categoricalOverlay(new Map([['a', 1]]), new Map([['b', 3]])), { kind: 'categorical', categories: ['a', 'b'], reference: [1, 0], current: [0, 1] });
});
