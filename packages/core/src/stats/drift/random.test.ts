// Known outputs were computed by a line-for-line Python transliteration of each generator's
// reference code (xoshiro128**: prng.di.unimi.it/xoshiro128starstar.c; mulberry32: Tommy
// Ettinger's gist); the xoshiro128** outputs from state [1, 2, 3, 4] are also those the C code prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chiSquareSf } from './chi-square.ts';
import { mulberry32, mulberry32Raw, randomInt, seed32, seededRng, splitmix32, xoshiro128ss, type Rng } from './random.ts';

const take = (next: () => number, n: number) => Array.from({ length: n }, () => next());

const RAW: { name: string; next: () => number; want: number[] }[] = [
  { name: 'xoshiro128** from state [1, 2, 3, 4]', next: xoshiro128ss([1, 2, 3, 4]), want: [11520, 0, 5927040, 70819200, 2031721883, 1637235492] },
  { name: 'mulberry32 from seed 42', next: mulberry32Raw(42), want: [2581720956, 1925393290, 3661312704, 2876485805, 750819978, 2261697747] },
  { name: 'splitmix32 from seed 42', next: splitmix32(42), want: [939911724, 3948730756, 321366731, 3317318717] },
];
for (const c of RAW) {
  test(`raw 32-bit outputs: ${c.name}`, () => assert.deepEqual(take(c.next, c.want.length), c.want));
}

test('seededRng(42) gives the known floats (53 bits from two xoshiro outputs)', () => {
  assert.deepEqual(take(seededRng(42), 4), [0.6606157208001621, 0.1117019639532224, 0.0791056456144914, 0.015209237180418]);
  assert.equal(mulberry32(42)(), 2581720956 / 2 ** 32);
});

test('seeds: same seed same stream, other seeds other streams, strings hashed', () => {
  assert.deepEqual(take(seededRng('drift'), 5), take(seededRng('drift'), 5));
  assert.notDeepEqual(take(seededRng(1), 5), take(seededRng(2), 5));
  assert.equal(seed32(-1), 0xffffffff);
  assert.equal(seed32(2 ** 32 + 7), 7);
  assert.notEqual(seed32('a'), seed32('b'));
  assert.throws(() => seed32(NaN), RangeError);
  assert.throws(() => xoshiro128ss([0, 0, 0, 0]), RangeError);
});

const GENERATORS: { name: string; make: () => Rng }[] = [
  { name: 'seededRng', make: () => seededRng(7) },
  { name: 'mulberry32', make: () => mulberry32(7) },
];
for (const g of GENERATORS) {
  test(`${g.name}: floats in [0, 1), uniform by a chi-square test on 100 cells, mean and variance of U(0, 1)`, () => {
    const rng = g.make(), n = 200_000, cells = new Float64Array(100);
    let sum = 0, sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng();
      assert.ok(u >= 0 && u < 1);
      cells[Math.floor(u * 100)]!++;
      sum += u; sumSq += u * u;
    }
    let chi = 0;
    for (const c of cells) chi += (c - n / 100) ** 2 / (n / 100);
    assert.ok(chiSquareSf(chi, 99) > 1e-4, `chi-square ${chi}`);
    assert.ok(Math.abs(sum / n - 0.5) < 0.005);
    assert.ok(Math.abs(sumSq / n - (sum / n) ** 2 - 1 / 12) < 0.002);
  });
}

test('randomInt covers [0, n) evenly', () => {
  const rng = seededRng(3), counts = new Float64Array(7);
  for (let i = 0; i < 70_000; i++) counts[randomInt(rng, 7)]!++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, String(c));
});
