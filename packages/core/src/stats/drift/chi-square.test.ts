// Conformance with scipy.stats.chisquare (goodness of fit against the reference proportions scaled
// to the current total) and scipy.stats.chi2_contingency (2 x k table, with and without Yates'
// correction). fixtures/tests.json is written by scripts/drift-fixtures/tests.py. Agreement to
// 1e-9 relative; where scipy's value is below 1e-300 ours must be below 1e-300 too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chiSquareContingency, chiSquareGoodnessOfFit, chiSquareSf } from './chi-square.ts';

// Read at run time rather than imported: type-checking a 2 MB JSON module slows `tsc` down.
const data = JSON.parse(readFileSync(new URL('./fixtures/tests.json', import.meta.url), 'utf8'));

type Num = number | string;
const decode = (v: Num): number => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);

function close(got: number, want: number, what: string) {
  const ok = Object.is(got, want) || got === want || Math.abs(got - want) <= 1e-9 * Math.abs(want) || (Math.abs(got) < 1e-300 && Math.abs(want) < 1e-300);
  assert.ok(ok, `${what}: got ${got}, scipy ${want} (relative ${Math.abs(got - want) / Math.abs(want)})`);
}

interface GofCase {
  name: string;
  reference: Record<string, number>;
  current: Record<string, number>;
  zeroExpected: 'infinity' | 'pseudocount';
  pseudocount?: number;
  statistic: Num;
  pvalue: Num;
  dof: number;
}

for (const c of data.chisquareGof as GofCase[]) {
  test(`chi-square goodness of fit agrees with scipy.stats.chisquare: ${c.name} (${c.zeroExpected}${c.pseudocount ? ` ${c.pseudocount}` : ''})`, () => {
    const r = chiSquareGoodnessOfFit(c.reference, c.current, { zeroExpected: c.zeroExpected, pseudocount: c.pseudocount });
    assert.ok(r);
    assert.equal(r.dof, c.dof);
    close(r.statistic, decode(c.statistic), `${c.name} statistic`);
    close(r.pvalue, decode(c.pvalue), `${c.name} p-value`);
  });
}

for (const c of data.chisquareContingency as (Omit<GofCase, 'zeroExpected'> & { correction: boolean })[]) {
  test(`chi-square contingency agrees with scipy.stats.chi2_contingency: ${c.name} (correction ${c.correction})`, () => {
    const r = chiSquareContingency(c.reference, c.current, { correction: c.correction });
    assert.ok(r);
    assert.equal(r.dof, c.dof);
    close(r.statistic, decode(c.statistic), `${c.name} statistic`);
    close(r.pvalue, decode(c.pvalue), `${c.name} p-value`);
  });
}

test('unseen and vanished categories are named; an unseen one makes goodness of fit infinite unless smoothed', () => {
  const ref = new Map([['a', 20], ['b', 30], ['gone', 10]]);
  const cur = { a: 25, b: 20, new: 5 };
  const r = chiSquareGoodnessOfFit(ref, cur);
  assert.ok(r);
  assert.deepEqual(r.unseen, ['new']);
  assert.deepEqual(r.vanished, ['gone']);
  assert.deepEqual(r.categories, ['a', 'b', 'gone', 'new']);
  assert.equal(r.statistic, Infinity);
  assert.equal(r.pvalue, 0);
  const smoothed = chiSquareGoodnessOfFit(ref, cur, { zeroExpected: 'pseudocount' });
  assert.ok(smoothed && Number.isFinite(smoothed.statistic) && smoothed.pvalue > 0);
  const cont = chiSquareContingency(ref, cur);
  assert.ok(cont && Number.isFinite(cont.statistic));
});

test('a category with no count on either side is left out', () => {
  const r = chiSquareContingency({ a: 12, b: 8, z: 0 }, { a: 9, b: 11 });
  assert.deepEqual(r?.categories, ['a', 'b']);
  assert.equal(r?.dof, 1);
});

test('one category: nothing to test (statistic 0, p-value 1, dof 0); an empty side is "no data" (null)', () => {
  for (const f of [chiSquareGoodnessOfFit, chiSquareContingency]) {
    assert.deepEqual(f({ a: 5 }, { a: 9 }), { statistic: 0, pvalue: 1, dof: 0, categories: ['a'], unseen: [], vanished: [] });
    assert.equal(f({}, { a: 3 }), null);
    assert.equal(f({ a: 3, b: 0 }, { b: 0 }), null);
    assert.throws(() => f({ a: -1 }, { a: 3 }), RangeError);
  }
});

test('chiSquareSf edges', () => {
  assert.equal(chiSquareSf(0, 3), 1);
  assert.equal(chiSquareSf(Infinity, 3), 0);
  assert.ok(Number.isNaN(chiSquareSf(1, 0)));
});
