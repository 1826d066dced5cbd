import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chiSquareGoodnessOfFit } from './chi-square.ts';
import { jensenShannon, psi, wasserstein, wassersteinNormed } from './distances.ts';
import { ks2samp } from './ks.ts';
import { categoricalProfile, numberKey, numericProfile, type NumericProfile } from './profile.ts';
import { scoreSamples } from './score.ts';
import { binnedDrift, binnedKs, binnedWasserstein, binSample, countsDrift, streamingVerdict } from './streaming.ts';

// a small deterministic generator (the core has no Math.random)
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function normal(r: () => number, n: number, mu = 0, sd = 1, round?: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = mu + sd * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    out[i] = round ? Math.round(x * round) / round : x;
  }
  return out;
}

const cases: [string, (r: () => number) => [Float64Array, Float64Array]][] = [
  ['same distribution', (r) => [normal(r, 20_000), normal(r, 15_000)]],
  ['shifted', (r) => [normal(r, 20_000), normal(r, 15_000, 0.3)]],
  ['wider', (r) => [normal(r, 5_000), normal(r, 30_000, 0, 2)]],
  ['ties from rounding', (r) => [normal(r, 20_000, 0, 1, 10), normal(r, 12_000, 0.1, 1, 10)]],
  ['current outside the reference range', (r) => [normal(r, 20_000), normal(r, 12_000, 8)]],
  ['tiny current', (r) => [normal(r, 20_000), normal(r, 3, 0.5)]],
];

test('KS and Wasserstein from bins: the exact statistic lies within the bounds, the estimate too', () => {
  for (const [name, make] of cases) {
    const [ref, cur] = make(rng(name.length * 7919));
    const profile = numericProfile(ref);
    assert.equal(profile.binning, 'quantiles', name);
    const binned = binSample(profile, cur);
    const exactKs = ks2samp(ref, cur)!.statistic;
    const k = binnedKs(profile, binned)!;
    assert.ok(k.lower <= exactKs + 1e-12 && exactKs <= k.upper + 1e-12, `${name}: KS ${exactKs} outside [${k.lower}, ${k.upper}]`);
    assert.ok(k.lower <= k.value && k.value <= k.upper, name);
    const w = (wasserstein(ref, cur) as { value: number }).value;
    const b = binnedWasserstein(profile, binned)!;
    assert.ok(b.lower <= w * (1 + 1e-9) && w <= b.upper * (1 + 1e-9), `${name}: W1 ${w} outside [${b.lower}, ${b.upper}]`);
    assert.ok(b.lower <= b.value && b.value <= b.upper, name);
    // the estimate is close to the exact value on smooth data: within the bound's width
    assert.ok(Math.abs(b.value - w) <= b.upper - b.lower, name);
  }
});

test('bounds still hold when only the outer bins know their extremes (what the rollups keep)', () => {
  for (const [name, make] of cases) {
    const [ref, cur] = make(rng(name.length * 104729));
    const profile = numericProfile(ref);
    const b = binSample(profile, cur);
    const m = profile.counts.length;
    const mins = Array.from(b.mins), maxs = Array.from(b.maxs);
    for (let j = 0; j < m; j++) {
      if (j > 0) mins[j] = b.counts[j]! > 0 ? profile.edges[j - 1]! : null;
      if (j < m - 1) maxs[j] = b.counts[j]! > 0 ? profile.edges[j]! : null;
    }
    const coarse = { counts: b.counts, mins, maxs };
    const exactKs = ks2samp(ref, cur)!.statistic;
    const k = binnedKs(profile, coarse)!;
    assert.ok(k.lower <= exactKs + 1e-12 && exactKs <= k.upper + 1e-12, `${name}: KS ${exactKs} outside [${k.lower}, ${k.upper}]`);
    const w = (wasserstein(ref, cur) as { value: number }).value;
    const bw = binnedWasserstein(profile, coarse)!;
    assert.ok(bw.lower <= w * (1 + 1e-9) && w <= bw.upper * (1 + 1e-9), `${name}: W1 ${w} outside [${bw.lower}, ${bw.upper}]`);
  }
});

test('the streaming Wasserstein bound decides clear cases and leaves close ones to the exact path', () => {
  const r = rng(11);
  const ref = normal(r, 50_000);
  const profile = numericProfile(ref);
  const same = binnedDrift('wasserstein', profile, binSample(profile, normal(r, 50_000)));
  const far = binnedDrift('wasserstein', profile, binSample(profile, normal(r, 50_000, 1)));
  assert.equal(same.status, 'ok');
  assert.equal(far.status, 'ok');
  if (same.status !== 'ok' || far.status !== 'ok') return;
  assert.equal(streamingVerdict('wasserstein', same, 0.1), false);
  assert.equal(streamingVerdict('wasserstein', far, 0.1), true);
  const exact = (wassersteinNormed(ref, normal(rng(12), 50_000, 1)) as { value: number }).value;
  assert.ok(far.bound!.lower <= exact * 1.05 && exact <= far.bound!.upper * 1.05);
  // a threshold inside the bound: uncertain
  assert.equal(streamingVerdict('wasserstein', same, (same.bound!.lower + same.bound!.upper) / 2), null);
});

test('PSI on reference deciles from the histogram equals PSI_quantile on the raw values', () => {
  for (const [name, make] of cases) {
    const [ref, cur] = make(rng(name.length * 31));
    const profile = numericProfile(ref);
    const a = binnedDrift('psi_quantile', profile, binSample(profile, cur));
    const b = psi(ref, cur, { kind: 'numeric', binning: 'reference-quantiles' });
    assert.equal(a.status, 'ok');
    assert.equal(b.status, 'ok');
    if (a.status === 'ok' && b.status === 'ok') assert.ok(Math.abs(a.statistic - b.value) <= 1e-12 * Math.max(1, Math.abs(b.value)), `${name}: ${a.statistic} vs ${b.value}`);
  }
});

test('methods that need the current range (Sturges bins) are left to the exact path', () => {
  const r = rng(5);
  const profile = numericProfile(normal(r, 2000));
  for (const m of ['psi', 'jensenshannon', 'hellinger'] as const) assert.equal(binnedDrift(m, profile, binSample(profile, normal(r, 100))).status, 'needs_exact');
  // small samples: scipy's auto KS is exact, kept on the exact path
  assert.equal(binnedDrift('ks', profile, binSample(profile, normal(r, 100))).status, 'needs_exact');
});

test('value counts give exactly what the raw values give', () => {
  const ref = ['a', 'b', 'b', 'c', 'c', 'c', null, 'a'];
  const cur = ['a', 'c', 'c', 'd', 'd', null];
  const rp = categoricalProfile(ref);
  const refCounts = new Map(Object.entries(rp.values));
  const curCounts = new Map(Object.entries(categoricalProfile(cur).values));
  const js = countsDrift('jensenshannon', refCounts, curCounts, null);
  const expected = jensenShannon(ref, cur, { kind: 'categorical' });
  assert.ok(js.status === 'ok' && expected.status === 'ok');
  if (js.status === 'ok' && expected.status === 'ok') assert.ok(Math.abs(js.statistic - expected.value) < 1e-15);
  const chi = countsDrift('chisquare', refCounts, curCounts, null);
  const chiExpected = chiSquareGoodnessOfFit(refCounts, curCounts)!;
  assert.ok(chi.status === 'ok');
  if (chi.status === 'ok') assert.deepEqual([chi.statistic, chi.pvalue], [chiExpected.statistic, chiExpected.pvalue]);
  assert.equal(countsDrift('z', refCounts, curCounts, null).status, 'needs_exact');
});

test('numeric value counts: exact KS statistic and normed Wasserstein', () => {
  const r = rng(3);
  const ref = Float64Array.from({ length: 30_000 }, () => Math.floor(r() * 5));
  const cur = Float64Array.from({ length: 20_000 }, () => Math.floor(r() * 6));
  const p: NumericProfile = numericProfile(ref);
  assert.equal(p.binning, 'values');
  const curCounts = new Map<string, number>();
  for (const x of cur) curCounts.set(String(x), (curCounts.get(String(x)) ?? 0) + 1);
  const w = countsDrift('wasserstein', new Map(Object.entries(p.values)), curCounts, { std: p.std! });
  const ks = countsDrift('ks', new Map(Object.entries(p.values)), curCounts, { std: p.std! });
  const wx = (wassersteinNormed(ref, cur) as { value: number }).value, kx = ks2samp(ref, cur)!;
  assert.ok(w.status === 'ok' && Math.abs(w.statistic - wx) < 1e-12);
  assert.ok(ks.status === 'ok' && Math.abs(ks.statistic - kx.statistic) < 1e-12 && Math.abs((ks.pvalue as number) - kx.pvalue) < 1e-12);
});

test('numeric value counts: every method gives what the exact path (scoreSamples) gives on the raw values', () => {
  const r = rng(17);
  const samples: [string, Float64Array, Float64Array][] = [
    // 20 distinct integers: PSI's deciles hold two values each, Hellinger's Sturges bins several
    ['integers', Float64Array.from({ length: 4000 }, () => Math.floor(r() * 20)), Float64Array.from({ length: 15_000 }, () => Math.floor(r() * 24) - 2)],
    ['halves, skewed', Float64Array.from({ length: 3000 }, () => Math.floor(r() * r() * 12) / 2), Float64Array.from({ length: 12_000 }, () => Math.floor(r() * 12) / 2)],
    ['with -0 and 0', Float64Array.from({ length: 2000 }, () => (r() < 0.3 ? -0 : Math.floor(r() * 6) - 3)), Float64Array.from({ length: 11_000 }, () => (r() < 0.3 ? 0 : Math.floor(r() * 7) - 3))],
  ];
  for (const [name, ref, cur] of samples) {
    const p = numericProfile(ref);
    assert.equal(p.binning, 'values', name);
    const curCounts = new Map<string, number>();
    for (const x of cur) curCounts.set(numberKey(x), (curCounts.get(numberKey(x)) ?? 0) + 1);
    for (const method of ['psi', 'psi_quantile', 'jensenshannon', 'hellinger', 'wasserstein', 'ks', 'chisquare', 'chi2_contingency'] as const) {
      const a = countsDrift(method, new Map(Object.entries(p.values)), curCounts, { std: p.std! });
      const e = scoreSamples(method, 'numeric', ref, cur, { integer: p.integer });
      assert.ok(a.status === 'ok' && e, `${name} ${method}: ${JSON.stringify(a)}`);
      if (a.status !== 'ok' || !e) continue;
      assert.ok(a.statistic === e.statistic || Math.abs(a.statistic - e.statistic) <= 1e-12 * Math.max(1, Math.abs(e.statistic)), `${name} ${method}: ${a.statistic} vs exact ${e.statistic}`);
      if (e.pvalue !== null) assert.ok(Math.abs((a.pvalue as number) - e.pvalue) <= 1e-12, `${name} ${method}: p ${a.pvalue} vs exact ${e.pvalue}`);
    }
  }
});
