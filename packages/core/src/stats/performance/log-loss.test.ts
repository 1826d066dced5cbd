// Conformance with sklearn.metrics.log_loss (1.2, eps='auto'): fixtures/classification.json is
// written by scripts/perf-fixtures/classification.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/classification.json' with { type: 'json' };
import { binaryLogLossState, binaryLogLossTerm, emptyLogLoss, LOG_LOSS_EPS, logLoss, mergeLogLoss, multiclassLogLossState, scoreRow, type LogLossState } from './log-loss.ts';

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= 1e-9 || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, sklearn ${want} (relative ${Math.abs(got - want) / scale})`);
}

interface Case { name: string; kind: 'binary' | 'multiclass'; scores?: number[]; positives?: boolean[]; truth?: string[]; classes?: string[]; probabilities?: number[][]; expected: number }

const stateOf = (c: Case, from: number, to: number): LogLossState => c.kind === 'binary'
  ? binaryLogLossState(c.scores!.slice(from, to), c.positives!.slice(from, to))
  : multiclassLogLossState(c.truth!.slice(from, to), c.probabilities!.slice(from, to), c.classes!);

for (const c of data.logLoss as Case[]) {
  test(`log loss agrees with sklearn: ${c.kind} — ${c.name}`, () => {
    const n = (c.scores ?? c.truth)!.length, half = Math.floor(n / 2);
    const whole = logLoss(stateOf(c, 0, n));
    assert.equal(whole.status, 'ok');
    if (whole.status === 'ok') close(whole.value, c.expected, 'one state');
    const merged = logLoss(mergeLogLoss(stateOf(c, 0, half), emptyLogLoss(), stateOf(c, half, n)));
    if (merged.status === 'ok') close(merged.value, c.expected, 'merged buckets');
  });
}

test('clipping: a certain wrong answer costs -log(eps), not infinity', () => {
  close(binaryLogLossTerm(0, true), -Math.log(LOG_LOSS_EPS), 'p = 0, positive');
  close(binaryLogLossTerm(1, false), -Math.log(LOG_LOSS_EPS / (LOG_LOSS_EPS + (1 - LOG_LOSS_EPS))), 'p = 1, negative');
  assert.equal(LOG_LOSS_EPS, 2.220446049250313e-16);
});

test('a label outside the classes is skipped and counted; a class missing from scores is 0', () => {
  const s = multiclassLogLossState(['a', 'x', 'b'], [[0.5, 0.5], [0.5, 0.5], [0.25, 0.75]], ['a', 'b']);
  assert.equal(s.n, 2);
  assert.equal(s.skipped, 1);
  close(s.sum, -Math.log(0.5) - Math.log(0.75), 'sum');
  assert.deepEqual([...scoreRow({ b: 0.7, a: 0.3, __proto__: 0.1 } as Record<string, number>, ['a', 'b', 'c'])], [0.3, 0.7, 0]);
});

test('empty windows are no data; bad input is refused', () => {
  assert.deepEqual(logLoss(emptyLogLoss()), { status: 'no_data' });
  assert.throws(() => binaryLogLossState([NaN], [true]), { code: 'validation_failed' });
  assert.throws(() => binaryLogLossState([0.5], []), { code: 'validation_failed' });
  assert.throws(() => multiclassLogLossState(['a'], [[1]], ['a']), { code: 'validation_failed' });
  assert.throws(() => multiclassLogLossState(['a'], [[1, 0, 0]], ['a', 'b']), { code: 'validation_failed' });
});
