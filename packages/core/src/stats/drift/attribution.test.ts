// Attribution, against answers worked out by hand (the closed forms are written next to each case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributePerformanceDrop, attributeSegmentDrift, featureDriftScore, rankFeatureDrift,
  type FeatureDriftInput, type SegmentCounts, type SegmentDistance, type SegmentMetric,
} from './attribution.ts';

const near = (got: number | null, want: number, what: string) =>
  assert.ok(got !== null && Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

// ---------- features

const SCORES: { method: FeatureDriftInput['method']; statistic: number; threshold: number; want: number | null }[] = [
  { method: 'wasserstein', statistic: 0.3, threshold: 0.1, want: 3 },
  { method: 'psi', statistic: 0.05, threshold: 0.2, want: 0.25 },
  { method: 'ks', statistic: 0.05, threshold: 0.05, want: 1 }, // at the threshold: 1
  { method: 'chisquare', statistic: 1e-4, threshold: 0.01, want: 2 }, // 4 / 2
  { method: 'z', statistic: 1, threshold: 0.05, want: 0 },
  { method: 'ks', statistic: 0, threshold: 0.001, want: 100 }, // p = 0 counts as 1e-300: 300 / 3
  { method: 'jensenshannon', statistic: NaN, threshold: 0.1, want: null },
];
for (const c of SCORES) {
  test(`featureDriftScore: ${c.method} ${c.statistic} at threshold ${c.threshold} → ${c.want}`, () => {
    const got = featureDriftScore(c.method, c.statistic, c.threshold);
    if (c.want === null) assert.equal(got, null);
    else near(got, c.want, c.method);
  });
}

test('rankFeatureDrift: by multiples of each threshold, shares of the total, no-score features last', () => {
  const ranked = rankFeatureDrift([
    { feature: 'age', method: 'wasserstein', statistic: 0.375, threshold: 0.125, drifted: true }, // 3
    { feature: 'city', method: 'chisquare', statistic: 1e-4, threshold: 0.01, drifted: true }, // 2
    { feature: 'device', method: 'jensenshannon', statistic: NaN, threshold: 0.1, drifted: false }, // none
    { feature: 'browser', method: 'psi', statistic: 0.05, threshold: 0.2, drifted: false }, // 0.25
    { feature: 'amount', method: 'ks', statistic: 1e-6, threshold: 1e-2, drifted: true }, // 3: ties by name
  ]);
  assert.deepEqual(ranked.map((f) => [f.feature, f.rank]), [['age', 1], ['amount', 2], ['city', 3], ['browser', 4], ['device', 5]]);
  const total = 3 + 3 + 2 + 0.25;
  [3 / total, 3 / total, 2 / total, 0.25 / total, 0].forEach((s, i) => near(ranked[i]!.share, s, `share of ${ranked[i]!.feature}`));
  assert.equal(ranked[4]!.score, null);
});

test('rankFeatureDrift refuses a p-value threshold of 1 or more', () => {
  assert.throws(() => rankFeatureDrift([{ feature: 'x', method: 'ks', statistic: 0.5, threshold: 1, drifted: false }]), /threshold/);
});

// ---------- segments of a drifted window

// reference [50, 50] = (½, ½) throughout.
// PSI: segments A [20, 20], B [5, 55]; window [25, 75] = (¼, ¾):
//   PSI(all) = ¼ ln 2 + ¼ ln(3/2) = ¼ ln 3;  without A = (1/12, 11/12): (5/12) ln 6 − (5/12) ln(6/11) = (5/12) ln 11;  without B = (½, ½): 0.
// Hellinger: A [10, 10], B [0, 30]; window (1/5, 4/5): H = √(1 − √0.1 − √0.4); without A = (0, 1): √(1 − √½); without B: 0.
// Jensen–Shannon: A [10, 0], B [20, 10]; window (¾, ¼); without A = (⅔, ⅓); without B = (1, 0), where m = (¾, ¼) and
//   JS = √((½ ln(2/3) + ½ ln 2 + ln(4/3)) / 2) = √(¾ ln(4/3)); the others from the definition (js below).
const H_ALL = Math.sqrt(1 - Math.sqrt(0.1) - Math.sqrt(0.4)), H_NO_A = Math.sqrt(1 - Math.SQRT1_2);
const js = (p: number[], q: number[]) => {
  const m = p.map((x, i) => (x + q[i]!) / 2);
  const kl = (a: number[]) => a.reduce((s, x, i) => s + (x > 0 ? x * Math.log(x / m[i]!) : 0), 0);
  return Math.sqrt((kl(p) + kl(q)) / 2);
};
const SEGMENTS: { name: string; distance: SegmentDistance; segments: SegmentCounts[]; value: number; want: Record<string, { contribution: number; own: number }>; order: string[] }[] = [
  {
    name: 'PSI', distance: 'psi', segments: [{ key: 'A', counts: [20, 20] }, { key: 'B', counts: [5, 55] }],
    value: Math.log(3) / 4,
    want: { A: { contribution: Math.log(3) / 4 - (5 / 12) * Math.log(11), own: 0 }, B: { contribution: Math.log(3) / 4, own: (5 / 12) * Math.log(11) } },
    order: ['B', 'A'],
  },
  {
    name: 'Hellinger', distance: 'hellinger', segments: [{ key: 'A', counts: [10, 10] }, { key: 'B', counts: [0, 30] }],
    value: H_ALL, want: { A: { contribution: H_ALL - H_NO_A, own: 0 }, B: { contribution: H_ALL, own: H_NO_A } }, order: ['B', 'A'],
  },
  {
    name: 'Jensen-Shannon', distance: 'jensenshannon', segments: [{ key: 'A', counts: [10, 0] }, { key: 'B', counts: [20, 10] }],
    value: js([0.5, 0.5], [0.75, 0.25]),
    want: {
      A: { contribution: js([0.5, 0.5], [0.75, 0.25]) - js([0.5, 0.5], [2 / 3, 1 / 3]), own: Math.sqrt(0.75 * Math.log(4 / 3)) },
      B: { contribution: js([0.5, 0.5], [0.75, 0.25]) - Math.sqrt(0.75 * Math.log(4 / 3)), own: js([0.5, 0.5], [2 / 3, 1 / 3]) },
    },
    order: ['A', 'B'],
  },
];
for (const c of SEGMENTS) {
  test(`attributeSegmentDrift, leave one out: ${c.name}`, () => {
    const r = attributeSegmentDrift([50, 50], c.segments, c.distance)!;
    near(r.value, c.value, 'window distance');
    assert.deepEqual(r.segments.map((s) => s.key), c.order);
    let abs = 0;
    for (const s of r.segments) abs += Math.abs(c.want[s.key]!.contribution);
    for (const s of r.segments) {
      near(s.contribution, c.want[s.key]!.contribution, `${s.key} contribution`);
      near(s.distanceWithout, c.value - c.want[s.key]!.contribution, `${s.key} distance without`);
      near(s.ownDistance, c.want[s.key]!.own, `${s.key} own distance`);
      near(s.share, c.want[s.key]!.contribution / abs, `${s.key} share`);
    }
    assert.equal(r.rows, c.segments.reduce((t, s) => t + s.counts[0]! + s.counts[1]!, 0));
  });
}

test('attributeSegmentDrift: a single segment gets the whole distance; empty window or mismatched bins', () => {
  const one = attributeSegmentDrift([50, 50], [{ key: 'only', counts: [25, 75] }], 'psi')!;
  near(one.segments[0]!.contribution, Math.log(3) / 4, 'whole');
  assert.equal(one.segments[0]!.weight, 1);
  assert.equal(attributeSegmentDrift([50, 50], [{ key: 'A', counts: [0, 0] }], 'psi'), null);
  assert.throws(() => attributeSegmentDrift([50, 50], [{ key: 'A', counts: [1, 2, 3] }], 'psi'), /bins/);
  assert.throws(() => attributeSegmentDrift([50, 50], [{ key: 'A', counts: [1, 2] }, { key: 'A', counts: [1, 2] }], 'psi'), /twice/);
});

// ---------- segments of a performance drop

const PERFORMANCE: { name: string; segments: SegmentMetric[]; reference: number; current: number; want: Record<string, { within: number; mix: number; presence: string }>; order: string[] }[] = [
  {
    // V_ref = .8, V_cur = .2·.9 + .8·.6 = .66, change −.14
    // A: within .2·0 = 0, mix (.2 − .5)(.9 − .8) = −.03;  B: within .8(.6 − .7) = −.08, mix (.8 − .5)(.7 − .8) = −.03
    name: 'two segments: B got worse and took more traffic',
    segments: [{ key: 'A', reference: { n: 50, value: 0.9 }, current: { n: 20, value: 0.9 } }, { key: 'B', reference: { n: 50, value: 0.7 }, current: { n: 80, value: 0.6 } }],
    reference: 0.8, current: 0.66,
    want: { A: { within: 0, mix: -0.03, presence: 'both' }, B: { within: -0.08, mix: -0.03, presence: 'both' } },
    order: ['B', 'A'],
  },
  {
    // traffic moves between two segments that perform alike: nothing to attribute (the uncentred mix would say ±.18)
    name: 'a shift between equal segments counts nothing',
    segments: [{ key: 'A', reference: { n: 50, value: 0.9 }, current: { n: 70, value: 0.9 } }, { key: 'B', reference: { n: 50, value: 0.9 }, current: { n: 30, value: 0.9 } }],
    reference: 0.9, current: 0.9,
    want: { A: { within: 0, mix: 0, presence: 'both' }, B: { within: 0, mix: 0, presence: 'both' } },
    order: ['A', 'B'],
  },
  {
    // reference: A 60 @ .9, D 40 @ .6 → V_ref = .78; current: A 50 @ .9, C 50 @ .5 → V_cur = .7, change −.08
    // A: within .5·0 = 0, mix (.5 − .6)(.9 − .78) = −.012;  C (new, v_ref := .78): within .5(.5 − .78) = −.14, mix 0;
    // D (gone): within 0, mix (0 − .4)(.6 − .78) = +.072.  Sum −.08.
    name: 'a new segment and a vanished one',
    segments: [
      { key: 'A', reference: { n: 60, value: 0.9 }, current: { n: 50, value: 0.9 } },
      { key: 'C', current: { n: 50, value: 0.5 } },
      { key: 'D', reference: { n: 40, value: 0.6 }, current: { n: 0, value: NaN } },
    ],
    reference: 0.78, current: 0.7,
    want: { A: { within: 0, mix: -0.012, presence: 'both' }, C: { within: -0.14, mix: 0, presence: 'current_only' }, D: { within: 0, mix: 0.072, presence: 'reference_only' } },
    order: ['C', 'D', 'A'],
  },
];
for (const c of PERFORMANCE) {
  test(`attributePerformanceDrop: ${c.name}`, () => {
    const r = attributePerformanceDrop(c.segments)!;
    near(r.reference, c.reference, 'reference');
    near(r.current, c.current, 'current');
    near(r.change, c.current - c.reference, 'change');
    assert.deepEqual(r.segments.map((s) => s.key), c.order);
    let sum = 0;
    for (const s of r.segments) {
      const w = c.want[s.key]!;
      near(s.within, w.within, `${s.key} within`);
      near(s.mix, w.mix, `${s.key} mix`);
      near(s.total, w.within + w.mix, `${s.key} total`);
      assert.equal(s.presence, w.presence);
      sum += s.total;
    }
    near(sum, r.change, 'parts add up to the change');
  });
}

test('attributePerformanceDrop: the parts add up exactly on many random-looking segments', () => {
  const segments: SegmentMetric[] = Array.from({ length: 40 }, (_, i) => ({
    key: `s${i}`,
    reference: i % 7 === 0 ? null : { n: 1 + ((i * 37) % 101), value: ((i * 13) % 17) / 17 },
    current: i % 5 === 0 ? null : { n: 1 + ((i * 53) % 89), value: ((i * 7) % 19) / 19 },
  }));
  const r = attributePerformanceDrop(segments)!;
  const sum = r.segments.reduce((t, s) => t + s.total, 0);
  assert.ok(Math.abs(sum - r.change) < 1e-14, `${sum} vs ${r.change}`);
  const shares = r.segments.reduce((t, s) => t + s.share!, 0);
  assert.ok(Math.abs(shares - 1) < 1e-12);
});

test('attributePerformanceDrop: no rows on a side is null; a value missing where there are rows is refused', () => {
  assert.equal(attributePerformanceDrop([{ key: 'A', reference: { n: 10, value: 0.5 } }]), null);
  assert.throws(() => attributePerformanceDrop([{ key: 'A', reference: { n: 10, value: NaN }, current: { n: 5, value: 0.5 } }]), /finite/);
  assert.throws(() => attributePerformanceDrop([{ key: 'A', reference: { n: 1, value: 1 } }, { key: 'A', current: { n: 1, value: 1 } }]), /twice/);
});
