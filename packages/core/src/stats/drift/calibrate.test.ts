// Calibrated thresholds: the quantile rule on hand-made null scores, each null window scored
// exactly as the drift check scores it (a pinned rng makes the window known), and the statistical
// promise on seeded data: fresh windows with no drift are flagged at about the configured rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramCounts, sturgesEdges, type DriftColumnKind } from './binning.ts';
import { calibrateThreshold, calibratedThreshold, isDriftedCalibrated, type CalibrationInput } from './calibrate.ts';
import { chiSquareContingency, chiSquareGoodnessOfFit } from './chi-square.ts';
import type { DriftMethod, DriftMethodSpec } from './defaults.ts';
import { fromCounts, hellinger, jensenShannon, populationStd, psi, wasserstein, wassersteinNormed } from './distances.ts';
import { ks2samp } from './ks.ts';
import { seededRng, type Rng } from './random.ts';
import { twoProportionZTest } from './z-test.ts';

function normals(rng: Rng, n: number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng())), a = 2 * Math.PI * rng();
    out[i] = mean + sd * r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(a);
  }
  return out;
}

const share = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;

// ---------- the quantile rule

const RULES: { name: string; scores: number[]; rule: DriftMethodSpec['drifts']; rate: number; want: number }[] = [
  // 20 scores, rate 0.1: at most 2 flagged
  { name: 'distances: the 2nd largest of 20', scores: [...Array(20).keys()].map((i) => i / 10), rule: '>=', rate: 0.1, want: 1.8 },
  { name: 'distances: ties at the cut move up', scores: [0, 0.1, 0.2, 0.5, 0.5, 0.5, 0.9, 1], rule: '>=', rate: 0.25, want: 0.9 },
  { name: 'p-values <=: the 2nd smallest of 20', scores: [...Array(20).keys()].map((i) => (i + 1) / 100), rule: '<=', rate: 0.1, want: 0.02 },
  { name: 'p-values <=: ties at the cut move down', scores: [0.01, 0.03, 0.03, 0.03, 0.5, 0.6, 0.7, 0.8], rule: '<=', rate: 0.25, want: 0.01 },
  { name: 'p-values <: the 3rd smallest of 20 (flags the two below it)', scores: [...Array(20).keys()].map((i) => (i + 1) / 100), rule: '<', rate: 0.1, want: 0.03 },
  { name: 'p-values <: ties need nothing special', scores: [0, 0, 0, 0.2, 0.4], rule: '<', rate: 0.2, want: 0 },
];
for (const c of RULES) {
  test(`calibratedThreshold: ${c.name}`, () => {
    const t = calibratedThreshold(c.scores, c.rule, c.rate);
    assert.equal(t, c.want);
    const flagged = c.scores.filter((s) => (c.rule === '>=' ? s >= t : c.rule === '<=' ? s <= t : s < t)).length;
    assert.ok(flagged <= Math.floor(c.rate * c.scores.length));
  });
}

test('calibratedThreshold: with too few scores for the rate, the threshold lies just beyond all of them', () => {
  const up = calibratedThreshold([0.1, 0.2, 0.3], '>=', 0.05);
  assert.ok(up > 0.3 && up < 0.3 + 1e-15);
  const down = calibratedThreshold([0.1, 0.2, 0.3], '<=', 0.05);
  assert.ok(down < 0.1 && down > 0.1 - 1e-15);
  assert.equal(calibratedThreshold([0, 0.5], '<=', 0.05), -Number.MIN_VALUE);
});

const VERDICTS: { method: DriftMethod; threshold: number; score: number; drifted: boolean }[] = [
  { method: 'ks', threshold: 0.001, score: 0.001, drifted: true },
  { method: 'chisquare', threshold: 0.001, score: 0.001, drifted: false },
  { method: 'z', threshold: 0.001, score: 0.0009, drifted: true },
  { method: 'wasserstein', threshold: 0.02, score: 0.02, drifted: true },
  { method: 'psi', threshold: 0.02, score: 0.019, drifted: false },
];
for (const v of VERDICTS) {
  test(`isDriftedCalibrated: ${v.method} ${v.score} against ${v.threshold} → ${v.drifted}`, () => {
    assert.equal(isDriftedCalibrated({ method: v.method, threshold: v.threshold }, v.score), v.drifted);
  });
}

// ---------- each null window scored as the drift check scores it

// rng ≡ 0 pins the window to the first w rows (no swap in the shuffle; contiguous start 0), so every
// null score is the drift check's score of those rows against the rest. Random windows take numeric
// rows in sorted order (a uniform subset either way), so there the first rows are the smallest.
const zero: Rng = () => 0;
const numeric = normals(seededRng('exact'), 400).map((x) => Math.round(x * 1000) / 100); // ties on purpose
const few = Float64Array.from(numeric, (x) => Math.abs(Math.round(x)) % 4);
const cats = Array.from(numeric, (x) => ['a', 'b', 'c', 'd'][Math.abs(Math.round(x * 3)) % 4] as string);
const binary = Array.from(numeric, (x) => (x > 0.3 ? 'yes' : 'no'));
const W = 120;
const counts = (xs: (string | number)[]) => { const m = new Map<string, number>(); for (const x of xs) m.set(String(x), (m.get(String(x)) ?? 0) + 1); return m; };
const value = (r: { status: string; value?: number }) => r.value as number;
type Split = { win: any[]; rest: any[] };
const yes = (xs: string[]) => xs.filter((x) => x === 'yes').length;

const EXACT: { name: string; kind: DriftColumnKind; method: DriftMethod; reference: ArrayLike<number> | string[]; want: (s: Split) => number }[] = [
  { name: 'ks (exact p-value)', kind: 'numeric', method: 'ks', reference: numeric, want: (s) => ks2samp(s.rest, s.win)!.pvalue },
  { name: 'wasserstein, normed by the whole reference', kind: 'numeric', method: 'wasserstein', reference: numeric, want: (s) => value(wasserstein(s.rest, s.win)) / populationStd(numeric) },
  {
    name: 'psi on Sturges bins for n + w values', kind: 'numeric', method: 'psi', reference: numeric,
    want: (s) => {
      const sorted = Float64Array.from(numeric).sort();
      const edges = sturgesEdges(sorted[0]!, sorted[sorted.length - 1]!, numeric.length + W);
      return value(fromCounts('psi', histogramCounts(s.rest, edges), histogramCounts(s.win, edges)));
    },
  },
  { name: 'psi on few values', kind: 'numeric', method: 'psi', reference: few, want: (s) => value(psi(s.rest, s.win, { kind: 'numeric' })) },
  { name: 'hellinger on few values (Sturges over the distinct values)', kind: 'numeric', method: 'hellinger', reference: few, want: (s) => value(hellinger(s.rest, s.win, { kind: 'numeric' })) },
  { name: 'jensen-shannon on few values', kind: 'numeric', method: 'jensenshannon', reference: few, want: (s) => value(jensenShannon(s.rest, s.win, { kind: 'numeric' })) },
  { name: 'chi-square on few values', kind: 'numeric', method: 'chisquare', reference: few, want: (s) => chiSquareGoodnessOfFit(counts(s.rest), counts(s.win))!.pvalue },
  { name: 'categorical psi', kind: 'categorical', method: 'psi', reference: cats, want: (s) => value(psi(s.rest, s.win, { kind: 'categorical' })) },
  { name: 'categorical hellinger', kind: 'categorical', method: 'hellinger', reference: cats, want: (s) => value(hellinger(s.rest, s.win, { kind: 'categorical' })) },
  { name: 'categorical chi-square', kind: 'categorical', method: 'chisquare', reference: cats, want: (s) => chiSquareGoodnessOfFit(counts(s.rest), counts(s.win))!.pvalue },
  { name: 'categorical contingency', kind: 'categorical', method: 'chi2_contingency', reference: cats, want: (s) => chiSquareContingency(counts(s.rest), counts(s.win))!.pvalue },
  {
    name: 'binary z-test (first sorted value is the failure)', kind: 'categorical', method: 'z', reference: binary,
    want: (s) => twoProportionZTest({ successes: yes(s.rest), total: s.rest.length }, { successes: yes(s.win), total: W })!.pvalue,
  },
];
for (const c of EXACT) {
  for (const windows of ['random', 'contiguous'] as const) {
    test(`null windows are scored as the drift check scores them: ${c.name}, ${windows} windows`, () => {
      const cal = calibrateThreshold({ reference: c.reference, kind: c.kind, method: c.method, windowSize: W, resamples: 5, rng: zero, windows });
      assert.equal(cal.sampling, 'subsample');
      assert.equal(cal.baseRows, 400 - W);
      const rows: any[] = c.kind === 'numeric' && windows === 'random' ? Array.from(c.reference as ArrayLike<number>).sort((a, b) => a - b) : Array.from(c.reference as ArrayLike<unknown>);
      const want = c.want({ win: rows.slice(0, W), rest: rows.slice(W) });
      for (const s of cal.nullScores) assert.ok(Math.abs(s - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${s} vs ${want}`);
    });
  }
}

test('ks against more than 10,000 rows: the asymptotic p-value of the same statistic, as ks2samp gives it', () => {
  const ref = normals(seededRng('asymp'), 30_000);
  const cal = calibrateThreshold({ reference: ref, kind: 'numeric', method: 'ks', windowSize: 12_000, resamples: 2, rng: zero, windows: 'contiguous' });
  const want = ks2samp(ref.subarray(12_000), ref.subarray(0, 12_000))!;
  assert.equal(want.method, 'asymp');
  assert.equal(cal.nullScores[0], want.pvalue);
});

test('bootstrap windows (both sides drawn with replacement) are scored as the drift check scores them: ks, asymptotic', () => {
  const ref = normals(seededRng('boot-exact'), 15_000), n = ref.length, w = 12_000;
  // a counter instead of randomness: draw i picks row (7919 i mod n); random windows take rows in sorted order
  let i = 0;
  const counter: Rng = () => ((i++ * 7919) % n + 0.5) / n;
  const cal = calibrateThreshold({ reference: ref, kind: 'numeric', method: 'ks', windowSize: w, resamples: 2, rng: counter });
  assert.equal(cal.sampling, 'bootstrap');
  const sorted = Float64Array.from(ref).sort();
  const pick = (from: number, count: number) => Float64Array.from({ length: count }, (_, k) => sorted[((from + k) * 7919) % n]!);
  const first = ks2samp(pick(w, n), pick(0, w))!, second = ks2samp(pick(2 * w + n, n), pick(w + n, w))!;
  assert.equal(first.method, 'asymp');
  assert.deepEqual(cal.nullScores, [first.pvalue, second.pvalue].sort((a, b) => a - b));
});

// ---------- the promise: no-drift windows flagged at the configured rate

test('small windows: the default 0.1 flags most no-drift windows, the calibrated threshold about 10% of fresh ones', () => {
  const rng = seededRng('small-windows');
  const reference = normals(rng, 10_000);
  const cal = calibrateThreshold({ reference, kind: 'numeric', method: 'wasserstein', windowSize: 30, falseAlarmRate: 0.1, resamples: 400, rng });
  assert.ok(cal.defaultFalseAlarmRate > 0.5, `default rate ${cal.defaultFalseAlarmRate}`);
  assert.ok(cal.threshold > 0.1, `calibrated ${cal.threshold}`);
  assert.ok(cal.nullAlarmShare <= 0.1);
  // fresh windows from the same distribution, compared with the whole reference as the drift check does
  const fresh = Array.from({ length: 600 }, () => isDriftedCalibrated(cal, value(wassersteinNormed(reference, normals(rng, 30)))));
  const rate = share(fresh);
  assert.ok(rate > 0.05 && rate < 0.15, `fresh false-alarm rate ${rate}`);
});

test('categorical, small windows: Jensen-Shannon calibrated to 5% on fresh windows', () => {
  const rng = seededRng('categorical');
  const probs = [0.5, 0.3, 0.15, 0.05];
  const draw = (n: number) => Array.from({ length: n }, () => { let u = rng(), i = 0; while (i < 3 && u >= probs[i]!) { u -= probs[i]!; i++; } return `c${i}`; });
  const reference = draw(5_000);
  const cal = calibrateThreshold({ reference, kind: 'categorical', method: 'jensenshannon', windowSize: 40, resamples: 400, rng });
  assert.ok(cal.defaultFalseAlarmRate > 0.2, `default rate ${cal.defaultFalseAlarmRate}`);
  const rate = share(Array.from({ length: 600 }, () => isDriftedCalibrated(cal, value(jensenShannon(reference, draw(40), { kind: 'categorical' })))));
  assert.ok(rate > 0.015 && rate < 0.09, `fresh false-alarm rate ${rate}`);
});

test('large windows: the default 0.1 never fires, the calibrated threshold catches a 0.05σ shift', () => {
  const rng = seededRng('large-windows');
  const reference = normals(rng, 400_000);
  const cal = calibrateThreshold({ reference, kind: 'numeric', method: 'wasserstein', windowSize: 50_000, resamples: 100, rng });
  assert.equal(cal.defaultFalseAlarmRate, 0);
  assert.ok(cal.threshold < 0.03, `calibrated ${cal.threshold}`);
  const shifted = value(wassersteinNormed(reference, normals(rng, 50_000, 0.05)));
  assert.ok(shifted < 0.1 && isDriftedCalibrated(cal, shifted), `shifted score ${shifted}`);
  assert.equal(isDriftedCalibrated(cal, value(wassersteinNormed(reference, normals(rng, 50_000)))), false);
});

test('KS at 20,000 rows on a reference that wobbles from day to day: the default fires on the reference itself, contiguous calibration does not', () => {
  const rng = seededRng('wobble');
  // ten "days" of 20,000 rows, each with its own mean (sd 0.05): the natural variation of this feature
  const days = Array.from({ length: 10 }, () => normals(rng, 20_000, normals(rng, 1, 0, 0.05)[0]!));
  const reference = new Float64Array(200_000);
  days.forEach((d, i) => reference.set(d, i * 20_000));
  const contiguous = calibrateThreshold({ reference, kind: 'numeric', method: 'ks', windowSize: 20_000, resamples: 200, rng, windows: 'contiguous' });
  assert.ok(contiguous.defaultFalseAlarmRate > 0.5, `default rate on contiguous windows ${contiguous.defaultFalseAlarmRate}`);
  assert.ok(contiguous.threshold < 1e-6, `calibrated ${contiguous.threshold}`);
  // a new day, one day-sd away: p-value far below 0.05, yet within the reference's own wobble
  const today = normals(rng, 20_000, 0.05);
  const p = ks2samp(reference, today)!.pvalue;
  assert.ok(p < 0.05, `p ${p}`);
  assert.equal(isDriftedCalibrated(contiguous, p), false);
  // a shift of 0.2 (four day-sds) still fires
  assert.equal(isDriftedCalibrated(contiguous, ks2samp(reference, normals(rng, 20_000, 0.2))!.pvalue), true);
  // random windows see only sampling noise: p-values are uniform, the default is right at about 5%
  const random = calibrateThreshold({ reference, kind: 'numeric', method: 'ks', windowSize: 20_000, resamples: 200, rng });
  assert.ok(random.defaultFalseAlarmRate < 0.12, `default rate on random windows ${random.defaultFalseAlarmRate}`);
  assert.ok(random.threshold > 0.01 && random.threshold < 0.12, `calibrated on random windows ${random.threshold}`);
});

test('a window larger than half the reference: two-sample bootstrap, both sides drawn with replacement', () => {
  const rng = seededRng('bootstrap');
  const reference = normals(rng, 300);
  const cal = calibrateThreshold({ reference, kind: 'numeric', method: 'ks', windowSize: 500, resamples: 300, rng });
  assert.equal(cal.sampling, 'bootstrap');
  assert.equal(cal.baseRows, 300);
  assert.ok(cal.threshold > 0.005 && cal.threshold < 0.15, `calibrated ${cal.threshold}`);
});

test('the cap: a reference above maxReferenceRows is subsampled before resampling', () => {
  const reference = normals(seededRng('cap'), 5_000);
  const cal = calibrateThreshold({ reference, kind: 'numeric', method: 'wasserstein', windowSize: 100, resamples: 50, rng: seededRng(1), maxReferenceRows: 2_000 });
  assert.deepEqual([cal.referenceRows, cal.sampledRows, cal.baseRows], [5_000, 2_000, 1_900]);
});

test('missing values and infinities are dropped first; the same seed gives the same calibration', () => {
  const values = [...normals(seededRng('nan'), 500), NaN, Infinity, null];
  const a = calibrateThreshold({ reference: values, kind: 'numeric', method: 'psi', windowSize: 50, resamples: 60, rng: seededRng(9) });
  const b = calibrateThreshold({ reference: values, kind: 'numeric', method: 'psi', windowSize: 50, resamples: 60, rng: seededRng(9) });
  assert.equal(a.referenceRows, 500);
  assert.deepEqual(a, b);
});

const BAD: { name: string; input: Partial<CalibrationInput>; field: string }[] = [
  { name: 'a method for the other kind', input: { kind: 'categorical', method: 'ks' }, field: 'method' },
  { name: 'a rate of 0', input: { falseAlarmRate: 0 }, field: 'falseAlarmRate' },
  { name: 'a window of 0 rows', input: { windowSize: 0 }, field: 'windowSize' },
  { name: 'contiguous windows over half the reference', input: { windows: 'contiguous', windowSize: 60 }, field: 'windows' },
  { name: 'the z-test on more than two values', input: { method: 'z', reference: Float64Array.from({ length: 100 }, (_, i) => i % 3) }, field: 'method' },
  { name: 'a reference of one value', input: { reference: [1, NaN] }, field: 'reference' },
];
for (const c of BAD) {
  test(`calibrateThreshold refuses ${c.name} (validation_failed on ${c.field})`, () => {
    const input: CalibrationInput = { reference: normals(seededRng(2), 100), kind: 'numeric', method: 'wasserstein', windowSize: 10, rng: seededRng(3), ...c.input };
    assert.throws(() => calibrateThreshold(input), (e: { code?: string; details?: { field: string }[] }) => e.code === 'validation_failed' && e.details?.[0]?.field === c.field);
  });
}
