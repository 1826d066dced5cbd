// Conformance with scipy.stats.ks_2samp: fixtures/tests.json is written by
// scripts/drift-fixtures/tests.py (`python3 scripts/drift-fixtures/tests.py`; run it again after
// changing a case there). Agreement: statistics to 1e-12 relative (they are formed exactly as
// scipy forms them), p-values to 1e-9 relative; where scipy's value is below 1e-300 (subnormal,
// so scipy itself keeps no relative precision and may flush to 0) ours must be below 1e-300 too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ks2samp, KS_MAX_AUTO_N, type KsMethod } from './ks.ts';

// Read at run time rather than imported: type-checking a 2 MB JSON module slows `tsc` down.
const data = JSON.parse(readFileSync(new URL('./fixtures/tests.json', import.meta.url), 'utf8'));

type Num = number | string;
interface KsCase {
  name: string;
  a: Num[];
  b: Num[];
  results: Record<string, { used: string; statistic: Num; pvalue: Num }>;
}

const decode = (v: Num): number => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);

function close(got: number, want: number, rel: number, what: string) {
  const ok = Object.is(got, want) || got === want || Math.abs(got - want) <= rel * Math.abs(want) || (Math.abs(got) < 1e-300 && Math.abs(want) < 1e-300);
  assert.ok(ok, `${what}: got ${got}, scipy ${want} (relative ${Math.abs(got - want) / Math.abs(want)})`);
}

for (const c of data.ks2samp as KsCase[]) {
  test(`ks2samp agrees with scipy: ${c.name}`, () => {
    const a = c.a.map(decode);
    const b = c.b.map(decode);
    const nonFinite = (xs: number[]) => xs.filter((x) => !Number.isFinite(x)).length;
    for (const [method, want] of Object.entries(c.results)) {
      const r = ks2samp(a, b, { method: method as KsMethod });
      assert.ok(r, `${c.name} (${method}): a result`);
      assert.equal(r.method, want.used, `${c.name} (${method}): method used`);
      close(r.statistic, decode(want.statistic), 1e-12, `${c.name} (${method}) statistic`);
      close(r.pvalue, decode(want.pvalue), 1e-9, `${c.name} (${method}) p-value`);
      assert.equal(r.nA, a.length - nonFinite(a));
      assert.equal(r.excludedA, nonFinite(a));
      assert.equal(r.excludedB, nonFinite(b));
    }
  });
}

test('an empty sample, or one with no finite value, is "no data" (null), never a statistic of 0', () => {
  assert.equal(ks2samp([], [1, 2, 3]), null);
  assert.equal(ks2samp([1, 2], []), null);
  assert.equal(ks2samp([NaN, Infinity, -Infinity], [1, 2]), null);
});

test('typed arrays and plain arrays give the same answer, in either order of the samples', () => {
  const a = [0.3, 1.2, -0.5, 2.2, 0.9, 0.1];
  const b = [1.5, 2.5, 0.7, 3.1];
  const r1 = ks2samp(a, b);
  const r2 = ks2samp(Float64Array.from(b), Float64Array.from(a));
  assert.ok(r1 && r2);
  assert.equal(r1.statistic, r2.statistic);
  assert.equal(r1.pvalue, r2.pvalue);
  assert.equal(r1.nA, r2.nB);
});

test("'auto' is exact up to 10,000 values per sample, asymptotic beyond", () => {
  const xs = (n: number, shift: number) => Float64Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n + shift);
  assert.equal(ks2samp(xs(KS_MAX_AUTO_N, 0), xs(50, 0.1))?.method, 'exact');
  assert.equal(ks2samp(xs(KS_MAX_AUTO_N + 1, 0), xs(50, 0.1))?.method, 'asymp');
});

test("an explicit 'exact' falls back to 'asymp' when lcm(n1, n2) does not fit an int32, as scipy does", () => {
  const a = Float64Array.from({ length: 50_000 }, (_, i) => i / 50_000);
  const b = Float64Array.from({ length: 49_999 }, (_, i) => i / 49_999 + 0.01);
  const r = ks2samp(a, b, { method: 'exact' });
  assert.equal(r?.method, 'asymp');
  assert.ok(r && r.pvalue > 0 && r.pvalue < 1);
});

test('large samples: the statistic is a sort and a sweep, the p-value does not grow with n1 * n2', () => {
  // 200,000 vs 150,000 values with many ties: 'auto' takes the asymptotic path.
  const a = Float64Array.from({ length: 200_000 }, (_, i) => Math.round(Math.sin(i) * 1000) / 100);
  const b = Float64Array.from({ length: 150_000 }, (_, i) => Math.round(Math.sin(i * 1.3) * 1000) / 100 + 0.05);
  const r = ks2samp(a, b);
  assert.ok(r);
  assert.equal(r.method, 'asymp');
  assert.ok(r.statistic > 0 && r.statistic < 1);
});
