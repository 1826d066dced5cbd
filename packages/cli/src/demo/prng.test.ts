import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash32, Rng } from './prng.ts';

describe('Rng', () => {
  it('gives the same stream for the same key and a different one for another key', () => {
    const a = Rng.for(1, 'x', 5);
    const b = Rng.for(1, 'x', 5);
    const c = Rng.for(2, 'x', 5);
    const sa = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(sa, Array.from({ length: 5 }, () => b.next()));
    assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.next()));
  });

  it('keys by part boundaries, not by concatenation', () => {
    assert.notEqual(hash32('ab', 'c'), hash32('a', 'bc'));
    assert.notEqual(hash32(1, 23), hash32(12, 3));
    assert.notEqual(hash32('1'), hash32(1));
  });

  const cases: { name: string; draw: (r: Rng) => number; lo: number; hi: number; mean: number; tol: number }[] = [
    { name: 'next', draw: (r) => r.next(), lo: 0, hi: 1, mean: 0.5, tol: 0.01 },
    { name: 'uniform(2, 4)', draw: (r) => r.uniform(2, 4), lo: 2, hi: 4, mean: 3, tol: 0.02 },
    { name: 'int(1, 6)', draw: (r) => r.int(1, 6), lo: 1, hi: 6, mean: 3.5, tol: 0.05 },
    { name: 'normal(10, 2)', draw: (r) => r.normal(10, 2), lo: -Infinity, hi: Infinity, mean: 10, tol: 0.05 },
    { name: 'poisson(3)', draw: (r) => r.poisson(3), lo: 0, hi: Infinity, mean: 3, tol: 0.05 },
    { name: 'poisson(80)', draw: (r) => r.poisson(80), lo: 0, hi: Infinity, mean: 80, tol: 0.5 },
    { name: 'chance(0.2)', draw: (r) => (r.chance(0.2) ? 1 : 0), lo: 0, hi: 1, mean: 0.2, tol: 0.01 },
  ];
  for (const c of cases) {
    it(`${c.name}: stays in range and has the expected mean`, () => {
      const r = new Rng(123);
      let sum = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const v = c.draw(r);
        assert.ok(v >= c.lo && v <= c.hi, `${v} out of [${c.lo}, ${c.hi}]`);
        sum += v;
      }
      assert.ok(Math.abs(sum / n - c.mean) < c.tol, `mean ${sum / n}, expected ${c.mean}`);
    });
  }

  it('weighted follows the weights', () => {
    const r = new Rng(9);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[r.weighted({ a: 1, b: 2, c: 7 })]++;
    assert.ok(Math.abs(counts.a / 30_000 - 0.1) < 0.01);
    assert.ok(Math.abs(counts.c / 30_000 - 0.7) < 0.01);
  });
});
