// Conformance with scikit-learn's IsotonicRegression(out_of_bounds='clip') and
// isotonic_regression, read from fixtures/isotonic.json (scripts/perf-fixtures/isotonic.py):
// the kept points and every prediction agree to 1e-12 (absolute, values are O(1)) — the fit is the
// unique least-squares solution, only rounding may differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VigilError } from '../../errors.ts';
import { fitIsotonic, isotonicRegression, predictIsotonic, predictIsotonicOne } from './isotonic.ts';

const data = JSON.parse(readFileSync(new URL('./fixtures/isotonic.json', import.meta.url), 'utf8'));

interface FitCase {
  name: string; x: number[]; y: number[]; sampleWeight: number[] | null; increasing: boolean;
  yMin: number | null; yMax: number | null; xThresholds: number[]; yThresholds: number[]; at: number[]; predict: number[];
}
interface SequenceCase { name: string; y: number[]; sampleWeight: number[] | null; increasing: boolean; yMin: number | null; yMax: number | null; fitted: number[] }

function close(got: ArrayLike<number>, want: number[], what: string, tol = 1e-12) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const scale = Math.max(1, Math.abs(want[i]!));
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol * scale, `${what}[${i}]: got ${got[i]}, sklearn ${want[i]}`);
  }
}

for (const c of data.fit as FitCase[]) {
  test(`isotonic fit and predict agree with scikit-learn: ${c.name}`, () => {
    const model = fitIsotonic(c.x, c.y, {
      sampleWeight: c.sampleWeight ?? undefined, increasing: c.increasing, yMin: c.yMin ?? undefined, yMax: c.yMax ?? undefined,
    });
    assert.deepEqual(model.x, c.xThresholds, 'kept x');
    close(model.y, c.yThresholds, 'kept y');
    close(predictIsotonic(model, c.at), c.predict, 'predict');
    assert.deepEqual(JSON.parse(JSON.stringify(model)), model, 'the model is plain JSON');
  });
}

for (const c of data.sequence as SequenceCase[]) {
  test(`isotonic_regression of a sequence agrees with scikit-learn: ${c.name}`, () => {
    const got = isotonicRegression(c.y, { sampleWeight: c.sampleWeight ?? undefined, increasing: c.increasing, yMin: c.yMin ?? undefined, yMax: c.yMax ?? undefined });
    close(got, c.fitted, 'fitted');
  });
}

const REFUSED: { name: string; run: () => unknown; field: string }[] = [
  { name: 'lengths differ', run: () => fitIsotonic([1, 2], [1]), field: 'y' },
  { name: 'a weight per row', run: () => fitIsotonic([1, 2], [1, 0], { sampleWeight: [1] }), field: 'sampleWeight' },
  { name: 'NaN x', run: () => fitIsotonic([1, NaN], [1, 0]), field: 'x' },
  { name: 'infinite y', run: () => fitIsotonic([1, 2], [Infinity, 0]), field: 'y' },
  { name: 'negative weight', run: () => fitIsotonic([1, 2], [1, 0], { sampleWeight: [1, -1] }), field: 'sampleWeight' },
  { name: 'nothing to fit', run: () => fitIsotonic([], []), field: 'x' },
  { name: 'all weights zero', run: () => fitIsotonic([1, 2], [1, 0], { sampleWeight: [0, 0] }), field: 'x' },
];
for (const c of REFUSED) {
  test(`isotonic fit refuses bad input: ${c.name}`, () => {
    assert.throws(c.run, (e: unknown) => e instanceof VigilError && e.code === 'validation_failed' && e.details[0]?.field === c.field);
  });
}

test('predicting NaN gives NaN; out-of-range x is clipped to the ends', () => {
  const model = fitIsotonic([0, 1, 2], [0, 0.5, 1]);
  assert.ok(Number.isNaN(predictIsotonicOne(model, NaN)));
  assert.equal(predictIsotonicOne(model, -5), 0);
  assert.equal(predictIsotonicOne(model, Infinity), 1);
  assert.equal(predictIsotonicOne(model, 1.5), 0.75);
});
