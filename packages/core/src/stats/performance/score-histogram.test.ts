// The streaming ROC AUC: its estimate equals sklearn.metrics.roc_auc_score on the bin indexes
// (fixtures/ranking.json, scripts/perf-fixtures/ranking.py), and its interval holds the exact AUC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/ranking.json' with { type: 'json' };
import { approximateRocAuc, approximateRocAucOneVsRest, emptyScoreHistogram, mergeScoreHistograms, scoreHistogram, scoreHistogramBin } from './score-histogram.ts';
import { rocAuc, rocAucOneVsRest } from './ranking.ts';

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= 1e-9 || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, sklearn ${want} (relative ${Math.abs(got - want) / scale})`);
}

interface Case { name: string; scores: number[]; positives: boolean[]; binned: Record<string, { value?: number; error?: string }> }

for (const c of data.binary as Case[]) {
  test(`streaming ROC AUC: sklearn on the binned scores, bounds hold the exact AUC — ${c.name}`, () => {
    const exact = rocAuc(c.scores, c.positives);
    for (const [bins, want] of Object.entries(c.binned)) {
      const half = Math.floor(c.scores.length / 2);
      const h = mergeScoreHistograms(scoreHistogram(c.scores.slice(0, half), c.positives.slice(0, half), Number(bins)),
        emptyScoreHistogram(Number(bins)), scoreHistogram(c.scores.slice(half), c.positives.slice(half), Number(bins)));
      const got = approximateRocAuc(h);
      if (want.error !== undefined) {
        assert.ok(got.status === 'undefined' && got.reason === 'single_class', `${bins} bins: ${want.error}`);
        continue;
      }
      assert.ok(got.status === 'ok' && exact.status === 'ok');
      close(got.value, want.value as number, `${bins} bins: estimate`);
      assert.ok(got.lower <= exact.value + 1e-15 && exact.value <= got.upper + 1e-15, `${bins} bins: ${exact.value} in [${got.lower}, ${got.upper}]`);
    }
  });
}

test('the bound is half the share of pairs that share a bin, and 0 when no bin holds both classes', () => {
  const h = scoreHistogram([0.05, 0.05, 0.55, 0.95], [false, true, false, true], 10);
  // pairs: 2 positives × 2 negatives = 4; one pair shares bin 0
  assert.deepEqual(approximateRocAuc(h), { status: 'ok', value: 2.5 / 4, lower: 2 / 4, upper: 3 / 4 });
  const sep = approximateRocAuc(scoreHistogram([0.1, 0.2, 0.9], [false, false, true], 10));
  assert.deepEqual(sep, { status: 'ok', value: 1, lower: 1, upper: 1 });
});

test('one-vs-rest streaming AUC: the averaged bounds hold the exact averages', () => {
  const d = (data.multiclass as { name: string; truth: string[]; classes: string[]; probabilities: number[][] }[])[0]!;
  for (const avg of ['macro', 'weighted'] as const) {
    const exact = rocAucOneVsRest(d.truth, d.probabilities, d.classes, avg);
    const hs = d.classes.map((c, k) => scoreHistogram(d.probabilities.map((p) => p[k] as number), d.truth.map((t) => t === c), 20));
    const got = approximateRocAucOneVsRest(hs, avg);
    assert.ok(got.status === 'ok' && exact.status === 'ok');
    assert.ok(got.lower <= exact.value && exact.value <= got.upper, `${avg}: ${exact.value} in [${got.lower}, ${got.upper}]`);
  }
  const absent = approximateRocAucOneVsRest([scoreHistogram([0.2], [true], 5), scoreHistogram([0.8], [false], 5)]);
  assert.equal(absent.status, 'undefined');
});

test('bins: the rollups\' rule min(floor(s·bins), bins − 1); bad input refused', () => {
  assert.equal(scoreHistogramBin(1, 20), 19);
  assert.equal(scoreHistogramBin(0.05, 20), 1);
  assert.equal(scoreHistogramBin(-0.5, 20), 0);
  assert.deepEqual(approximateRocAuc(emptyScoreHistogram(4)), { status: 'no_data' });
  assert.throws(() => mergeScoreHistograms(emptyScoreHistogram(4), emptyScoreHistogram(5)), { code: 'validation_failed' });
  assert.throws(() => scoreHistogram([NaN], [true]), { code: 'validation_failed' });
  assert.throws(() => emptyScoreHistogram(0), { code: 'validation_failed' });
});
