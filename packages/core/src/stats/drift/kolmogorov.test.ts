// Conformance of the Kolmogorov distributions with scipy (scipy.stats.kstwo for the two-sided
// finite-n distribution, scipy.special.smirnov / scipy.stats.ksone for the one-sided one), on a
// grid that visits every branch of Simard & L'Ecuyer's method choice. fixtures/tests.json is
// written by scripts/drift-fixtures/tests.py. Agreement to 1e-9 relative; where scipy's value is
// below 1e-300 (subnormal: scipy keeps no relative precision there and may flush to 0) ours must be
// below 1e-300 too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kolmogorovCdf, kolmogorovSf } from './kolmogorov.ts';
import { smirnov } from './smirnov.ts';

// Read at run time rather than imported: type-checking a 2 MB JSON module slows `tsc` down.
const data = JSON.parse(readFileSync(new URL('./fixtures/tests.json', import.meta.url), 'utf8'));

type Num = number | string;
const decode = (v: Num): number => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);

function close(got: number, want: number, what: string) {
  const ok = Object.is(got, want) || got === want || Math.abs(got - want) <= 1e-9 * Math.abs(want) || (Math.abs(got) < 1e-300 && Math.abs(want) < 1e-300);
  assert.ok(ok, `${what}: got ${got}, scipy ${want} (relative ${Math.abs(got - want) / Math.abs(want)})`);
}

const kstwo = data.kstwo as { n: number; d: Num; sf: Num; cdf: Num }[];
for (const n of [...new Set(kstwo.map((c) => c.n))]) {
  test(`kolmogorovSf / kolmogorovCdf agree with scipy.stats.kstwo at n = ${n}`, () => {
    for (const c of kstwo.filter((k) => k.n === n)) {
      const d = decode(c.d);
      close(kolmogorovSf(d, n), decode(c.sf), `kstwo.sf(${d}, ${n})`);
      close(kolmogorovCdf(d, n), decode(c.cdf), `kstwo.cdf(${d}, ${n})`);
    }
  });
}

const sm = data.smirnov as { n: number; x: Num; sf: Num; cdf: Num }[];
for (const n of [...new Set(sm.map((c) => c.n))]) {
  test(`smirnov agrees with scipy.special.smirnov at n = ${n}`, () => {
    for (const c of sm.filter((k) => k.n === n)) {
      const x = decode(c.x);
      const r = smirnov(n, x);
      close(r.sf, decode(c.sf), `smirnov(${n}, ${x})`);
      close(r.cdf, decode(c.cdf), `ksone.cdf(${x}, ${n})`);
    }
  });
}

test('kstwo outside its support and for invalid n', () => {
  assert.equal(kolmogorovSf(0, 10), 1);
  assert.equal(kolmogorovSf(0.05, 10), 1); // d <= 1/(2n)
  assert.equal(kolmogorovSf(1, 10), 0);
  assert.equal(kolmogorovCdf(1.5, 10), 1);
  assert.ok(Number.isNaN(kolmogorovSf(0.3, 0)));
  assert.ok(Number.isNaN(kolmogorovSf(0.3, 2.5)));
  assert.ok(Number.isNaN(kolmogorovSf(NaN, 10)));
});

test('the survival function falls with d, and sf + cdf = 1 (to 1e-6 past n = 140, as in scipy)', () => {
  // Past n = 140 scipy takes the survival function from 2 * Smirnov (Miller) from n d^2 = 2.2 on
  // but the CDF from Pelz-Good up to 18; the two differ by up to ~5e-7 there, in scipy too.
  for (const n of [3, 40, 141, 5000]) {
    let last = 1;
    for (let i = 1; i < 100; i++) {
      const d = i / 100;
      const sf = kolmogorovSf(d, n);
      assert.ok(sf <= last + 1e-15, `n=${n} d=${d}: ${sf} after ${last}`);
      assert.ok(Math.abs(sf + kolmogorovCdf(d, n) - 1) < (n <= 140 ? 1e-12 : 1e-6), `n=${n} d=${d}`);
      last = sf;
    }
  }
});
