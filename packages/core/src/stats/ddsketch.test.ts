import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DDSketch } from '@datadog/sketches-js';
import { binOf, binValue, sketchQuantile, subtractBins, RELATIVE_ACCURACY, ZERO_BIN } from './ddsketch.ts';

function sketchOf(values: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) m.set(binOf(v), (m.get(binOf(v)) ?? 0) + 1);
  return m;
}

test('every value lies within the relative accuracy of its bin value', () => {
  for (const x of [0.001, 0.5, 1, 3.7, 12.25, 99.9, 1234.5, 1e6]) {
    const v = binValue(binOf(x));
    assert.ok(Math.abs(v - x) / x <= RELATIVE_ACCURACY + 1e-12, `${x} -> ${v}`);
  }
  assert.equal(binOf(0), ZERO_BIN);
  assert.equal(binValue(ZERO_BIN), 0);
});

test('quantiles agree with @datadog/sketches-js and stay within 1% of the exact rank value', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const values = Array.from({ length: 20_000 }, () => Math.exp(rand() * 8) / 3);
  const ref = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  for (const v of values) ref.accept(v);
  const ours = sketchOf(values);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
    const got = sketchQuantile(ours, q) as number;
    const exact = sorted[Math.floor(q * (sorted.length - 1))] as number;
    assert.ok(Math.abs(got - exact) / exact <= RELATIVE_ACCURACY + 1e-9, `q=${q}: ${got} vs exact ${exact}`);
    const lib = ref.getValueAtQuantile(q) as number;
    assert.ok(Math.abs(got - lib) / lib <= 2 * RELATIVE_ACCURACY, `q=${q}: ${got} vs sketches-js ${lib}`);
  }
});

test('merging sketches is adding bin counts', () => {
  const a = sketchOf([1, 2, 3]);
  const b = sketchOf([4, 5, 6, 7]);
  const merged = new Map(a);
  for (const [k, c] of b) merged.set(k, (merged.get(k) ?? 0) + c);
  assert.deepEqual(merged, sketchOf([1, 2, 3, 4, 5, 6, 7]));
});

test('an empty sketch has no quantile (no data is not zero)', () => {
  assert.equal(sketchQuantile(new Map(), 0.5), null);
});

test('subtractBins splits a sketch: the whole less a part is the rest', () => {
  const whole = new Map([[1, 5], [2, 3], [7, 1]]);
  const part = new Map([[2, 3], [7, 2], [9, 4]]);
  assert.deepEqual([...subtractBins(whole, part)], [[1, 5]]);
  assert.deepEqual([...subtractBins(whole, new Map())], [[1, 5], [2, 3], [7, 1]]);
});
