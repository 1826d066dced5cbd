/**
 * The few double-double and scaled-float helpers the Kolmogorov–Smirnov distributions need.
 *
 * JavaScript has no long double, no FMA and no frexp/ldexp, but the one-sided Smirnov sum raises
 * numbers close to 1 to powers near a million: a base rounded to 53 bits would lose ~n ulps. The
 * error-free transformations are Dekker's (1971) and Knuth's (TAOCP vol. 2, 4.2.2); they are exact
 * for the magnitudes used here (|x| < 2^996).
 */

/** A float split as `m * 2^e`; `m` is in [0.5, 1) in magnitude unless it is 0 or not finite. */
export interface Scaled {
  m: number;
  e: number;
}

const SPLITTER = 134217729; // 2^27 + 1

/** Error of a + b: the exact sum is (a + b) + twoSumErr(a, b, a + b). */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** Error of a * b: the exact product is (a * b) + twoProdErr(a, b, a * b). */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

// frexp and ldexp read and write the exponent bits directly (they sit in the innermost loop of
// the Smirnov sum, where Math.log2 and Math.pow would dominate the run time).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** 2^k for an integer -1022 <= k <= 1023. */
function pow2(k: number): number {
  u32[HI] = (k + 1023) << 20;
  u32[LO] = 0;
  return f64[0] as number;
}

/** x * 2^k, exact unless the result is subnormal (then rounded once). */
export function ldexp(x: number, k: number): number {
  if (k >= -1022 && k <= 1023) return x * pow2(k);
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

/** Writes x = out.m * 2^out.e with 0.5 <= |out.m| < 1 (x = 0 or not finite: out.m = x, out.e = 0). */
export function frexp(x: number, out: Scaled): Scaled {
  if (x === 0 || !Number.isFinite(x)) {
    out.m = x;
    out.e = 0;
    return out;
  }
  let shift = 0;
  f64[0] = x;
  let hi = u32[HI] as number;
  if ((hi & 0x7ff00000) === 0) {
    // subnormal: scale into the normal range first
    f64[0] = x * 2 ** 64;
    hi = u32[HI] as number;
    shift = 64;
  }
  const e = ((hi >>> 20) & 0x7ff) - 1022 - shift;
  u32[HI] = (hi & 0x800fffff) | (1022 << 20);
  out.m = f64[0] as number;
  out.e = e;
  return out;
}

/** Round half to even, as numpy's `np.round` does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
