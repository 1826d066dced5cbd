// Conformance with NannyML's data reconstruction drift as scripts/drift-fixtures/multivariate.py
// computes it with numpy (SVD, as sklearn's PCA); we decompose the covariance matrix instead, so
// components agree up to sign and everything derived from them to rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import data from './fixtures/multivariate.json' with { type: 'json' };
import { applyFrequencyEncoding, fitFrequencyEncoding, fitReconstruction, reconstructionError, type ReconstructionColumn } from './multivariate.ts';

const TOL = 1e-9;

function close(got: number, want: number, what: string) {
  assert.ok(Math.abs(got - want) <= TOL * Math.max(1, Math.abs(want)), `${what}: got ${got}, numpy ${want}`);
}
function closeAll(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) close(got[i]!, want[i]!, `${what}[${i}]`);
}

interface Expected { rows: number; error: number; rowStd: number | null; alert: boolean; featureErrors: number[] }
interface Case {
  name: string;
  kinds: ('numeric' | 'categorical')[];
  names: string[];
  varianceKept: number;
  chunkSize: number | null;
  reference: (number | string | null)[][];
  expected: {
    means: number[]; stds: number[]; nComponents: number; explained: number[]; components: number[][]; chunkSize: number; chunkErrors: number[];
    band: { mean: number; std: number; lower: number | null; upper: number };
    featureErrors: number[];
    encodings: ({ frequencies: Record<string, number>; mode: string } | null)[];
  };
  windows: { name: string; columns: (number | string | null)[][]; expected: Expected }[];
}

/** JSON null is NaN in a numeric column and missing in a categorical one. */
const columnsOf = (c: Case, cols: (number | string | null)[][]): ReconstructionColumn[] =>
  cols.map((col, j) => (c.kinds[j] === 'categorical' ? { categories: col as (string | null)[] } : Float64Array.from(col, (v) => (v === null ? NaN : (v as number)))));

for (const c of data.cases as Case[]) {
  const model = fitReconstruction(columnsOf(c, c.reference), { names: c.names, varianceKept: c.varianceKept, ...(c.chunkSize ? { chunkSize: c.chunkSize } : {}) });
  const e = c.expected;

  test(`reconstruction fit agrees with numpy/NannyML: ${c.name}`, () => {
    closeAll(model.means, e.means, 'means');
    closeAll(model.stds, e.stds, 'stds');
    assert.equal(model.components.length, e.nComponents, 'components kept');
    closeAll(model.explained, e.explained, 'explained variance ratio');
    // components: the same up to sign
    model.components.forEach((w, i) => {
      const want = e.components[i]!;
      const dot = w.reduce((s, x, j) => s + x * want[j]!, 0);
      closeAll(w.map((x) => x * Math.sign(dot)), want, `component ${i}`);
    });
    assert.deepEqual(model.encodings, e.encodings);
    assert.equal(model.chunkSize, e.chunkSize);
    closeAll(model.chunkErrors, e.chunkErrors, 'chunk errors');
    close(model.band.mean, e.band.mean, 'band mean');
    close(model.band.std, e.band.std, 'band std');
    close(model.band.upper, e.band.upper, 'band upper');
    if (e.band.lower === null) assert.equal(model.band.lower, null);
    else close(model.band.lower!, e.band.lower, 'band lower');
    closeAll(model.featureErrors, e.featureErrors, 'reference feature errors');
    // the model is plain JSON
    assert.deepEqual(JSON.parse(JSON.stringify(model)), model);
  });

  for (const w of c.windows) {
    test(`reconstruction error agrees with numpy/NannyML: ${c.name} — ${w.name}`, () => {
      const r = reconstructionError(model, columnsOf(c, w.columns));
      assert.equal(r.status, 'ok');
      if (r.status !== 'ok') return;
      assert.equal(r.rows, w.expected.rows);
      close(r.error, w.expected.error, 'error');
      if (w.expected.rowStd === null) assert.equal(r.rowStd, null);
      else close(r.rowStd!, w.expected.rowStd, 'row std');
      assert.equal(r.alert, w.expected.alert, 'alert');
      closeAll(r.featureErrors, w.expected.featureErrors, 'feature errors');
    });
  }
}

test('the broken correlation is a multivariate drift: its features carry the residual, relative to the reference', () => {
  const c = (data.cases as Case[])[0]!;
  const model = fitReconstruction(columnsOf(c, c.reference), { names: c.names });
  const r = reconstructionError(model, columnsOf(c, c.windows[1]!.columns));
  assert.ok(r.status === 'ok' && r.alert);
  if (r.status !== 'ok') return;
  const ranked = r.featureErrors.map((v, j) => [c.names[j], v / model.featureErrors[j]!] as const).sort((a, b) => b[1] - a[1]).map(([n]) => n);
  assert.deepEqual(ranked.slice(0, 2).sort(), ['f0', 'f1']);
});

const ENCODINGS: { name: string; reference: (string | null)[]; values: (string | null)[]; want: number[]; mode: string }[] = [
  { name: 'frequencies, the mode holding the missing rows', reference: ['a', 'b', 'a', null], values: ['a', 'b', null], want: [0.75, 0.25, 0.75], mode: 'a' },
  { name: 'ties go to the smallest, unseen is 0', reference: ['b', 'a', 'b', 'a'], values: ['a', 'z'], want: [0.5, 0], mode: 'a' },
];
for (const c of ENCODINGS) {
  test(`frequency encoding: ${c.name}`, () => {
    const enc = fitFrequencyEncoding(c.reference);
    assert.equal(enc.mode, c.mode);
    assert.deepEqual(Array.from(applyFrequencyEncoding(enc, c.values)), c.want);
  });
}

const BAD: { name: string; columns: ReconstructionColumn[]; options: Parameters<typeof fitReconstruction>[1]; field: string }[] = [
  { name: 'one feature', columns: [[1, 2, 3]], options: { names: ['a'] }, field: 'columns' },
  { name: 'names that do not match', columns: [[1, 2], [3, 4]], options: { names: ['a'] }, field: 'names' },
  { name: 'columns of different lengths', columns: [[1, 2, 3, 4], [1, 2]], options: { names: ['a', 'b'], chunkSize: 1 }, field: 'columns' },
  { name: 'fewer than two chunks', columns: [[1, 2, 3], [3, 2, 1]], options: { names: ['a', 'b'], chunkSize: 2 }, field: 'chunkSize' },
  { name: 'a variance share of 1', columns: [[1, 2, 3, 4], [4, 3, 2, 2]], options: { names: ['a', 'b'], varianceKept: 1, chunkSize: 2 }, field: 'varianceKept' },
  { name: 'no variance at all', columns: [[1, 1, 1, 1], [2, 2, 2, 2]], options: { names: ['a', 'b'], chunkSize: 2 }, field: 'columns' },
  { name: 'a column with no value', columns: [[NaN, NaN, NaN, NaN], [1, 2, 3, 4]], options: { names: ['a', 'b'], chunkSize: 2 }, field: 'columns' },
];
for (const c of BAD) {
  test(`fitReconstruction refuses ${c.name}`, () => {
    assert.throws(() => fitReconstruction(c.columns, c.options), (err: { code?: string; details?: { field: string }[] }) => err.code === 'validation_failed' && err.details?.[0]?.field === c.field);
  });
}

test('an empty window is no data; a window of the wrong kind or width is refused', () => {
  const model = fitReconstruction([[1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]], { names: ['a', 'b'], chunkSize: 2 });
  assert.deepEqual(reconstructionError(model, [[], []]), { status: 'no_data' });
  assert.throws(() => reconstructionError(model, [[1]]), /2 features/);
  assert.throws(() => reconstructionError(model, [[1], { categories: ['x'] }]), /must be numeric/);
});
