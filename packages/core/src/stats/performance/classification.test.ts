// Conformance with scikit-learn 1.2: fixtures/classification.json is written by
// scripts/perf-fixtures/classification.py (run it again after changing a case there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/classification.json' with { type: 'json' };
import { accuracy, confusionCells, confusionFromCells, confusionFromLabels, confusionMatrix, emptyConfusion, mergeConfusion, presentLabels, type ConfusionState } from './confusion.ts';
import { precisionRecallFscore, precisionRecallPerLabel, type ZeroDivision } from './classification.ts';
import { compareLabels } from './metric-value.ts';

const REL = 1e-9;

function close(got: number, want: number, what: string) {
  const scale = Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(got === want || Math.abs(got - want) / scale <= REL || Math.abs(got - want) <= 1e-15,
    `${what}: got ${got}, sklearn ${want} (relative ${Math.abs(got - want) / scale})`);
}
const closeAll = (got: number[], want: number[], what: string) => {
  assert.equal(got.length, want.length, `${what}: length`);
  got.forEach((g, i) => close(g, want[i] as number, `${what}[${i}]`));
};

interface Expected { binary?: number[]; micro: number[]; macro: number[]; weighted: number[]; f2macro: number; perLabel: { precision: number[]; recall: number[]; fscore: number[]; support: number[] } }
interface Case {
  name: string; truth: string[]; predicted: string[]; positive: string | null; labels: string[] | null;
  expected: { labels: string[]; matrix: number[][] | null; accuracy: number; zeroDivision: Record<string, Expected> };
}

/** The same window cut into three buckets and merged back: a rollup's path. */
function bucketed(c: Case): ConfusionState {
  const cut = [0, Math.floor(c.truth.length / 3), Math.floor((2 * c.truth.length) / 3), c.truth.length];
  const parts = [0, 1, 2].map((k) => confusionFromLabels(c.truth.slice(cut[k], cut[k + 1]), c.predicted.slice(cut[k], cut[k + 1])));
  return mergeConfusion(emptyConfusion(), ...parts);
}

for (const c of data.labels as Case[]) {
  test(`confusion counts agree with sklearn: ${c.name}`, () => {
    for (const [path, state] of [['raw', confusionFromLabels(c.truth, c.predicted)], ['merged buckets', bucketed(c)]] as const) {
      const e = c.expected;
      const labels = c.labels ?? undefined;
      const m = confusionMatrix(state, labels);
      assert.deepEqual(m.labels, e.labels, `${path}: labels in sklearn's order`);
      assert.deepEqual(m.matrix, e.matrix ?? e.labels.map(() => e.labels.map(() => 0)), `${path}: confusion_matrix`);
      const acc = accuracy(state);
      assert.equal(acc.status, 'ok');
      if (acc.status === 'ok') close(acc.value, e.accuracy, `${path}: accuracy`);
      for (const [zdKey, want] of Object.entries(e.zeroDivision)) {
        const zeroDivision = (zdKey === 'warn' ? 'warn' : Number(zdKey)) as ZeroDivision;
        for (const average of ['micro', 'macro', 'weighted', 'binary'] as const) {
          const w = want[average];
          if (!w) continue;
          const r = precisionRecallFscore(state, { average, zeroDivision, labels, positive: c.positive ?? undefined });
          assert.equal(r.status, 'ok');
          if (r.status === 'ok') closeAll([r.precision, r.recall, r.fscore], w, `${path}: ${average}, zero_division=${zdKey}`);
        }
        const f2 = precisionRecallFscore(state, { average: 'macro', beta: 2, zeroDivision, labels });
        if (f2.status === 'ok') close(f2.fscore, want.f2macro, `${path}: F2 macro, zero_division=${zdKey}`);
        const per = precisionRecallPerLabel(state, { zeroDivision, labels });
        assert.equal(per.status, 'ok');
        if (per.status === 'ok') {
          assert.deepEqual(per.labels, e.labels);
          closeAll(per.precision, want.perLabel.precision, `${path}: per-label precision, zero_division=${zdKey}`);
          closeAll(per.recall, want.perLabel.recall, `${path}: per-label recall`);
          closeAll(per.fscore, want.perLabel.fscore, `${path}: per-label F1`);
          assert.deepEqual(per.support, want.perLabel.support);
        }
      }
    }
  });
}

test('zero divisions are named: which labels had nothing predicted, which had no true row', () => {
  const s = confusionFromLabels(['a', 'a', 'b'], ['a', 'c', 'a']);
  const r = precisionRecallFscore(s, { average: 'macro' });
  assert.equal(r.status, 'ok');
  if (r.status === 'ok') assert.deepEqual(r.illDefined, { precision: ['b'], recall: ['c'] });
  const micro = precisionRecallFscore(confusionFromLabels(['a'], ['a']), { average: 'micro', labels: ['z'] });
  assert.ok(micro.status === 'ok' && micro.illDefined.precision[0] === 'z' && micro.precision === 0);
});

test('an empty window is no data, never a precision of 0', () => {
  assert.deepEqual(accuracy(emptyConfusion()), { status: 'no_data' });
  assert.deepEqual(precisionRecallFscore(emptyConfusion(), { average: 'binary', positive: 'yes' }), { status: 'no_data' });
  assert.deepEqual(precisionRecallPerLabel(emptyConfusion()), { status: 'no_data' });
});

test('rollup cells round-trip and merge by addition', () => {
  const a = confusionFromLabels(['x', 'y', 'y'], ['x', 'x', 'y']);
  const b = confusionFromCells([{ truth: 'y', predicted: 'z', count: 2 }, { truth: 'x', predicted: 'x', count: 0 }]);
  assert.deepEqual(confusionFromCells(confusionCells(a)), a);
  const m = mergeConfusion(a, b);
  assert.deepEqual(m.labels, ['x', 'y', 'z']);
  assert.deepEqual(m.matrix, [[1, 0, 0], [1, 1, 2], [0, 0, 0]]);
  assert.deepEqual(presentLabels(m), ['x', 'y', 'z']);
});

test('bad input is refused with a validation error', () => {
  assert.throws(() => confusionFromLabels(['a'], []), { code: 'validation_failed' });
  assert.throws(() => confusionFromCells([{ truth: 'a', predicted: 'b', count: -1 }]), { code: 'validation_failed' });
  assert.throws(() => confusionFromCells([{ truth: 'a', predicted: 'b', count: 0.5 }]), { code: 'validation_failed' });
  const s = confusionFromLabels(['a'], ['a']);
  assert.throws(() => precisionRecallFscore(s, { average: 'binary' }), { code: 'validation_failed' });
  assert.throws(() => precisionRecallFscore(s, { average: 'macro', zeroDivision: 2 as unknown as ZeroDivision }), { code: 'validation_failed' });
  assert.throws(() => confusionMatrix(s, ['a', 'a']), { code: 'validation_failed' });
});

test('labels sort by code point, as numpy sorts str arrays', () => {
  assert.deepEqual(['b', 'a', '\u{1F600}', '\uFFFD', 'B', '10', '9'].sort(compareLabels), ['10', '9', 'B', 'a', 'b', '\uFFFD', '\u{1F600}']);
});
