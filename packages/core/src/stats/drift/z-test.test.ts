// Conformance with the pooled two-proportion z-test of statsmodels' proportions_ztest (the formula
// is written out in scripts/drift-fixtures/tests.py, with scipy's norm.sf for the p-value), read
// from fixtures/tests.json. Agreement to 1e-9 relative; where scipy's p-value is below 1e-300 ours
// must be below 1e-300 too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { twoProportionZTest, type ProportionCounts } from './z-test.ts';

// Read at run time rather than imported: type-checking a 2 MB JSON module slows `tsc` down.
const data = JSON.parse(readFileSync(new URL('./fixtures/tests.json', import.meta.url), 'utf8'));

type Num = number | string;
const decode = (v: Num): number => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);

function close(got: number, want: number, what: string) {
  const ok = Object.is(got, want) || got === want || Math.abs(got - want) <= 1e-9 * Math.abs(want) || (Math.abs(got) < 1e-300 && Math.abs(want) < 1e-300);
  assert.ok(ok, `${what}: got ${got}, scipy ${want} (relative ${Math.abs(got - want) / Math.abs(want)})`);
}

for (const c of data.ztest as { reference: ProportionCounts; current: ProportionCounts; statistic: Num; pvalue: Num }[]) {
  const name = `${c.reference.successes}/${c.reference.total} vs ${c.current.successes}/${c.current.total}`;
  test(`two-proportion z-test agrees with statsmodels' formula: ${name}`, () => {
    const r = twoProportionZTest(c.reference, c.current);
    assert.ok(r);
    close(r.statistic, decode(c.statistic), `${name} statistic`);
    close(r.pvalue, decode(c.pvalue), `${name} p-value`);
  });
}

test('both samples constant and equal: z = 0, p-value 1 (statsmodels gives NaN)', () => {
  assert.deepEqual(twoProportionZTest({ successes: 0, total: 10 }, { successes: 0, total: 20 }), { statistic: 0, pvalue: 1, pReference: 0, pCurrent: 0 });
  assert.equal(twoProportionZTest({ successes: 7, total: 7 }, { successes: 3, total: 3 })?.pvalue, 1);
});

test('an empty side is "no data" (null); impossible counts are refused', () => {
  assert.equal(twoProportionZTest({ successes: 0, total: 0 }, { successes: 3, total: 9 }), null);
  assert.throws(() => twoProportionZTest({ successes: 5, total: 4 }, { successes: 3, total: 9 }), RangeError);
});
