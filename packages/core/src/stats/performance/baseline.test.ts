import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aucVsBaseline, differenceOnly, proportionVsBaseline } from './baseline.ts';

test('a proportion against its validation value: the one-sample z-test', () => {
  // 0.90 on 1000 rows against 0.93: z = -0.03 / sqrt(0.93·0.07/1000) = -3.718…
  const r = proportionVsBaseline(0.9, 1000, 0.93);
  assert.ok(Math.abs(r.difference + 0.03) < 1e-12);
  assert.ok(Math.abs((r.pvalue as number) - 2.0078e-4) < 2e-6, String(r.pvalue));
  assert.equal(r.significant, true);
  // the same gap on 200 rows is not significant (z = -1.66); on 20 rows there are too few labels to tell
  assert.equal(proportionVsBaseline(0.9, 200, 0.93).significant, false);
  const few = proportionVsBaseline(0.9, 20, 0.93);
  assert.deepEqual([few.pvalue, few.significant], [null, null]);
  assert.match(few.test, /too few labels/);
  assert.equal(proportionVsBaseline(0.9, 1000, 1).significant, null);
});

test('ROC AUC against its validation value: Hanley and McNeil', () => {
  // A = 0.9, 100 positives, 400 negatives: Q1 = 0.9/1.1, Q2 = 1.62/1.9
  const a = 0.9, q1 = a / (2 - a), q2 = (2 * a * a) / (1 + a);
  const se = Math.sqrt((a * (1 - a) + 99 * (q1 - a * a) + 399 * (q2 - a * a)) / (100 * 400));
  const r = aucVsBaseline(0.85, 100, 400, 0.9);
  assert.ok(Math.abs(se - 0.02116) < 1e-4, String(se)); // by hand: sqrt((0.09 + 99·0.00818 + 399·0.04263) / 40000)
  assert.equal(r.significant, true);
  assert.equal(aucVsBaseline(0.89, 100, 400, 0.9).significant, false);
  assert.equal(aucVsBaseline(0.89, 0, 400, 0.9).significant, null);
});

test('metrics without a formula: the difference, no verdict', () => {
  assert.deepEqual(differenceOnly(0.5, 0.7, 'f1'), { baseline: 0.7, live: 0.5, difference: 0.5 - 0.7, pvalue: null, significant: null, test: 'no test for f1: the difference alone' });
});
