// Sorting a numeric sample for the drift statistics, faster than Float64Array.prototype.sort
// (a comparison sort: ~100 ms for a million values) and with exactly its result: the same values
// in the same order, -0 before +0 (the typed-array sort's order). Input must hold no NaN.
//
// - Values written with few decimals (most data read from CSV: prices, counts, readings) are all
//   k / 10^d for integers k with |k| < 2^31 and one d ≤ 9 (decimalKeys). Each value is checked to
//   be exactly the double k / 10^d, so sorting the integers k and dividing again gives back the
//   very same doubles (-0, which has the key of +0, is put back before the +0s): a counting sort
//   when the keys span few values, else an LSD radix sort on the 32-bit keys (two passes of at
//   most 16 bits).
// - Otherwise an LSD radix sort on the IEEE-754 bit patterns made order-preserving (sign bit
//   flipped for positives, all bits for negatives), 16 bits a pass, skipping passes whose digit
//   is the same for every value.

const SMALL = 256;
const MAX_DECIMALS = 9;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, i) => 10 ** i);
const KEY_LIMIT = 2 ** 31 - 1;

/** Every value as key / 10^decimals; keys in row order. */
export interface DecimalKeys {
  keys: Int32Array;
  decimals: number;
  min: number;
  max: number;
  /** Values that are -0 (their key is 0). */
  negativeZeros: number;
}

/** Sorts `values` ascending in place, exactly as `values.sort()` does, and returns it. No NaN. */
export function sortFloat64InPlace(values: Float64Array): Float64Array {
  if (values.length < SMALL) return values.sort();
  const k = decimalKeys(values);
  if (k) return sortByKeys(k, values);
  return sortBits(values);
}

/** The fewest decimals d ≤ 9, at least `from`, such that x is k / 10^d, or -1. */
function decimalsOfValue(x: number, from: number): number {
  for (let d = from; d <= MAX_DECIMALS; d++) if (Math.round(x * (POW10[d] as number)) / (POW10[d] as number) === x) return d;
  return -1;
}

/**
 * The values' keys k = x · 10^d for the fewest d ≥ `minDecimals` that fits them all, each checked
 * to give back x as k / 10^d, or null (no such d ≤ 9, or a key past ±(2^31 − 1)). One pass in
 * the usual case: d is guessed from the first values and the pass starts again with a larger d
 * when a value needs it. Non-empty input.
 */
export function decimalKeys(values: Float64Array, minDecimals = 0): DecimalKeys | null {
  const n = values.length;
  let d = minDecimals;
  for (let i = 0; i < Math.min(n, 64) && d >= 0; i++) d = decimalsOfValue(values[i] as number, d);
  if (d < 0) return null;
  const keys = new Int32Array(n);
  let min = 0, max = 0, negativeZeros = 0;
  pass: for (;;) {
    const p = POW10[d] as number;
    min = KEY_LIMIT; max = -KEY_LIMIT; negativeZeros = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      const k = Math.round(v * p);
      if (k / p !== v || !(k >= -KEY_LIMIT && k <= KEY_LIMIT)) {
        const more = decimalsOfValue(v, d + 1);
        if (more < 0 || !(Math.abs(v * (POW10[more] as number)) <= KEY_LIMIT)) return null;
        d = more;
        continue pass;
      }
      if (k === 0 && 1 / v < 0) negativeZeros++;
      keys[i] = k;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    return { keys, decimals: d, min, max, negativeZeros };
  }
}

/** The divisor that turns a key back into its value. */
export const keyScale = (decimals: number): number => POW10[decimals] as number;

/** Writes the sorted values of `k` into `out` (of the same length) and returns it. */
export function sortByKeys(k: DecimalKeys, out: Float64Array): Float64Array {
  const n = k.keys.length, span = k.max - k.min, p = POW10[k.decimals] as number; // span < 2^32
  if (span < 4 * n) {
    const counts = new Int32Array(span + 1);
    for (let i = 0; i < n; i++) counts[(k.keys[i] as number) - k.min]!++;
    valuesFromCounts(counts, k.min, p, out, k.negativeZeros);
  } else {
    radix32(k.keys, k.min, span, out, p);
    restoreNegativeZeros(out, k.negativeZeros);
  }
  return out;
}

/** The sorted values whose keys (minus `min`) have these counts; -0 for the first `negativeZeros` zeros. */
export function valuesFromCounts(counts: Int32Array, min: number, p: number, out: Float64Array, negativeZeros = 0): Float64Array {
  let o = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k] as number;
    if (c === 0) continue;
    const v = (k + min) / p;
    for (let e = o + c; o < e; o++) out[o] = v;
  }
  restoreNegativeZeros(out, negativeZeros);
  return out;
}

function restoreNegativeZeros(sorted: Float64Array, negativeZeros: number): void {
  if (negativeZeros === 0) return;
  let first = 0, hi = sorted.length; // the first zero
  while (first < hi) { const mid = (first + hi) >>> 1; if ((sorted[mid] as number) < 0) first = mid + 1; else hi = mid; }
  sorted.fill(-0, first, first + negativeZeros);
}

function radix32(keys: Int32Array, min: number, span: number, out: Float64Array, p: number): void {
  const n = keys.length;
  let a = new Uint32Array(n), b = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = (keys[i] as number) - min;
  // as few passes as digits of at most 16 bits allow (two for up to 32 bits): each pass is a scatter
  const bits = 32 - Math.clz32(span);
  const passes = Math.ceil(bits / 16), width = Math.ceil(bits / passes), mask = (1 << width) - 1;
  const counts = new Int32Array(1 << width);
  for (let pass = 0, shift = 0; pass < passes; pass++, shift += width) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((a[i] as number) >>> shift) & mask]!++;
    let sum = 0;
    for (let k = 0; k <= mask; k++) { const c = counts[k] as number; counts[k] = sum; sum += c; }
    for (let i = 0; i < n; i++) { const x = a[i] as number; b[counts[(x >>> shift) & mask]!++] = x; }
    const t = a; a = b; b = t;
  }
  for (let i = 0; i < n; i++) out[i] = ((a[i] as number) + min) / p;
}

function sortBits(values: Float64Array): Float64Array {
  const n = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n); // little-endian: [lo, hi]
  let a = new Uint32Array(2 * n), b = new Uint32Array(2 * n);
  const counts = new Int32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    let lo = words[2 * i] as number, hi = words[2 * i + 1] as number;
    if (hi & 0x80000000) { lo = ~lo >>> 0; hi = ~hi >>> 0; } else hi = (hi | 0x80000000) >>> 0;
    a[2 * i] = lo; a[2 * i + 1] = hi;
    counts[lo & 0xffff]!++;
    counts[65536 + (lo >>> 16)]!++;
    counts[131072 + (hi & 0xffff)]!++;
    counts[196608 + (hi >>> 16)]!++;
  }
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536, word = pass >> 1, shift = (pass & 1) * 16;
    let sum = 0, used = 0;
    for (let k = 0; k < 65536; k++) { const c = counts[base + k] as number; if (c) used++; counts[base + k] = sum; sum += c; }
    if (used === 1) continue; // every value has the same digit here
    for (let i = 0; i < n; i++) {
      const j = counts[base + (((a[2 * i + word] as number) >>> shift) & 0xffff)]!++;
      b[2 * j] = a[2 * i] as number;
      b[2 * j + 1] = a[2 * i + 1] as number;
    }
    const t = a; a = b; b = t;
  }
  for (let i = 0; i < n; i++) {
    const lo = a[2 * i] as number, hi = a[2 * i + 1] as number;
    if (hi & 0x80000000) { words[2 * i] = lo; words[2 * i + 1] = hi & 0x7fffffff; } else { words[2 * i] = ~lo >>> 0; words[2 * i + 1] = ~hi >>> 0; }
  }
  return values;
}
