import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ewmaScores, isAnomalous, mad, median, seasonalBaseline, seasonalScores, MAD_SCALE, type Point } from './anomaly.ts';

const DAY = 86_400_000;
const H = 3_600_000;

test('median and MAD by hand', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
  // 1 2 3 4 100: median 3, deviations 2 1 0 1 97 → MAD 1
  assert.equal(mad([1, 2, 3, 4, 100], 3), 1);
});

test('seasonal baseline: median and MAD of the same phase on past days', () => {
  // values at t − k·day for k = 1..5: 10 12 11 13 100 (an old spike); the other phases are noise
  const t = 10 * DAY + 5 * H;
  const values = new Map<number, number>([[t - DAY, 10], [t - 2 * DAY, 12], [t - 3 * DAY, 11], [t - 4 * DAY, 13], [t - 5 * DAY, 100], [t - DAY + H, 999]]);
  const b = seasonalBaseline(values, t, { season: DAY, lookback: 5 });
  // median 12; deviations 2 0 1 1 88 → MAD 1
  // scale: 1.4826 · MAD, widened by √(1 + π/(2·5)) for the error of a median of 5
  assert.deepEqual(b, { centre: 12, scale: MAD_SCALE * 1 * Math.sqrt(1 + Math.PI / 10), n: 5 });
  // lookback 3 sees 10 12 11 only
  assert.equal(seasonalBaseline(values, t, { season: DAY, lookback: 3 })?.centre, 11);
  assert.equal(seasonalBaseline(values, t, { season: DAY, lookback: 5, minHistory: 6 }), null);
});

test('seasonal baseline: with a step, the spread pools the neighbouring phases', () => {
  // phase t: 10 10 10 (MAD 0); phase t + 1 h: 0 4 8 (median 4, deviations 4 0 4 → residuals 4 0 4)
  const t = 10 * DAY;
  const values = new Map<number, number>();
  [10, 10, 10].forEach((v, k) => values.set(t - (k + 1) * DAY, v));
  [0, 4, 8].forEach((v, k) => values.set(t + H - (k + 1) * DAY, v));
  const alone = seasonalBaseline(values, t, { season: DAY, lookback: 3 });
  assert.equal(alone?.scale, 0.1, 'MAD 0: the 1% floor of the centre');
  const pooled = seasonalBaseline(values, t, { season: DAY, lookback: 3, step: H, pool: 1 });
  // residuals 0 0 0 4 0 4 → median 0; pool over ±1 h … and t − 1 h has no history (skipped)
  assert.equal(pooled?.scale, 0.1);
  [0, 4, 8].forEach((v, k) => values.set(t - H - (k + 1) * DAY, v));
  // residuals 0 0 0 4 0 4 4 0 4 → median 0 still; add a noisier phase to move it
  [0, 10, 20].forEach((v, k) => values.set(t + 2 * H - (k + 1) * DAY, v));
  const wide = seasonalBaseline(values, t, { season: DAY, lookback: 3, step: H, pool: 2 });
  // residuals 0 0 0 | 4 0 4 | 4 0 4 | 10 0 10 → sorted 0×6 4×4 10×2 → median (4 + 0) / 2 = 2
  assert.ok(Math.abs(wide!.scale - MAD_SCALE * 2 * Math.sqrt(1 + Math.PI / 6)) < 1e-12);
  assert.equal(wide!.centre, 10, 'the centre is the same phase only');
});

test('seasonal scores: a spike at a phase that is normally high is not an anomaly, one at a low phase is', () => {
  const pts: Point[] = [];
  for (let d = 0; d < 8; d++) for (let h = 0; h < 24; h++) {
    const base = h === 12 ? 100 : 10;
    pts.push([d * DAY + h * H, base + ((d * 7 + h) % 3) - 1]);
  }
  pts.push([8 * DAY + 12 * H, 101], [8 * DAY + 3 * H, 60], [8 * DAY + 4 * H, null]);
  const s = seasonalScores(pts, { season: DAY, lookback: 7 });
  const at = (t: number) => s.find((x) => x.t === t)!;
  assert.ok(Math.abs(at(8 * DAY + 12 * H).score!) < 2, 'noon peak is normal at noon');
  assert.ok(at(8 * DAY + 3 * H).score! > 20, 'the same level at 3 am is anomalous');
  assert.equal(at(8 * DAY + 4 * H).score, null, 'a gap has no score');
  assert.equal(at(2 * DAY).score, null, 'two past days are under minHistory 3');
  assert.notEqual(at(3 * DAY).score, null);
});

test('seasonal scores: a flat history uses the floor, not a zero MAD', () => {
  const pts: Point[] = [0, 1, 2, 3].map((d) => [d * DAY, 100]);
  pts.push([4 * DAY, 102]);
  const last = seasonalScores(pts, { season: DAY })[4]!;
  // scale = 0.01 · 100 = 1 → score 2
  assert.equal(last.scale, 1);
  assert.equal(last.score, 2);
  assert.equal(seasonalScores(pts, { season: DAY, absFloor: 4 })[4]!.score, 0.5);
});

test('ewma: warm-up is the plain mean and variance, then one-step-ahead scores', () => {
  // 1, 3 repeated: mean 2, population sd 1
  const pts: Point[] = Array.from({ length: 20 }, (_, i) => [i, i % 2 ? 3 : 1] as Point);
  pts.push([20, 7]);
  const s = ewmaScores(pts, { minHistory: 20, alpha: 0.05 });
  assert.equal(s[19]!.score, null);
  const last = s[20]!;
  assert.ok(Math.abs(last.centre! - 2) < 1e-12);
  assert.ok(Math.abs(last.scale! - 1) < 1e-12);
  assert.ok(Math.abs(last.score! - 5) < 1e-12);
});

test('ewma: a spike barely moves the baseline (winsorised), a level shift is absorbed', () => {
  const noise = (i: number) => ((i * 7919) % 13) / 6 - 1; // deterministic, in [−1, 1]
  const pts: Point[] = Array.from({ length: 200 }, (_, i) => [i, 50 + noise(i)] as Point);
  pts[100] = [100, 500];
  for (let i = 150; i < 200; i++) pts[i] = [i, 60 + noise(i)];
  const s = ewmaScores(pts, { alpha: 0.1 });
  assert.ok(s[100]!.score! > 50);
  assert.ok(Math.abs(s[101]!.centre! - s[100]!.centre!) < 0.5, 'one spike moves the mean by at most alpha·clip·sd');
  assert.ok(!isAnomalous(s[110]!.score, 4), 'ten points later all is normal again');
  assert.ok(isAnomalous(s[150]!.score, 4), 'the shift is flagged');
  assert.ok(!isAnomalous(s[199]!.score, 4), 'and absorbed 50 points later');
});

test('ewma: gaps are skipped, bad alpha refused', () => {
  const s = ewmaScores([[0, 1], [1, null], [2, 1]], { minHistory: 1 });
  assert.equal(s[1]!.score, null);
  assert.equal(s[2]!.centre, 1);
  assert.throws(() => ewmaScores([], { alpha: 1 }), RangeError);
});

test('isAnomalous by direction, strictly above the sensitivity', () => {
  const rows: [number | null, number, 'above' | 'below' | 'both', boolean][] = [
    [4.1, 4, 'both', true], [4, 4, 'both', false], [-4.1, 4, 'both', true],
    [-5, 4, 'above', false], [5, 4, 'above', true], [-5, 4, 'below', true], [5, 4, 'below', false], [null, 4, 'both', false],
  ];
  for (const [score, s, d, want] of rows) assert.equal(isAnomalous(score, s, d), want, `${score} ${s} ${d}`);
});
