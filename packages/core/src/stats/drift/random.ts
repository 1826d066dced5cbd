// Seeded pseudo-random numbers for the pure core, which may not call Math.random: whatever needs
// randomness (resampling in calibrate.ts) takes an `rng: () => number` returning uniform floats in
// [0, 1), like Math.random, and callers build one here from a seed they choose (and can record, so
// a result can be reproduced).
//
// - xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of
//   state, period 2^128 − 1, passes BigCrush; the default. Its state is filled from one 32-bit seed
//   by a SplitMix-style generator (a golden-ratio Weyl sequence through MurmurHash3's fmix32), as
//   the authors recommend: nearby seeds give unrelated streams.
// - mulberry32 (Tommy Ettinger): 32 bits of state, period 2^32; small and fast, enough for a few
//   million draws, kept because callers and tests elsewhere know it.
// Floats take 53 random bits from two 32-bit outputs (xoshiro) so every double in [0, 1) that is a
// multiple of 2^-53 is equally likely; mulberry32 gives 32 bits (multiples of 2^-32).

/** Uniform floats in [0, 1), as Math.random. */
export type Rng = () => number;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** A 32-bit seed from a number (any finite one) or a string (FNV-1a of its UTF-16 code units). */
export function seed32(seed: number | string): number {
  if (typeof seed === 'string') {
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) { h ^= seed.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return h >>> 0;
  }
  if (!Number.isFinite(seed)) throw new RangeError('a seed must be a finite number or a string');
  // integers keep their low 32 bits; other numbers are mixed with their fractional part
  return (Math.trunc(seed) ^ Math.trunc((seed % 1) * TWO_POW_32)) >>> 0;
}

/** SplitMix-style 32-bit generator (Weyl sequence step 0x9e3779b9, MurmurHash3 fmix32 output): raw 32-bit outputs. */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** on an explicit state (four 32-bit words, not all zero): raw 32-bit outputs. */
export function xoshiro128ss(state: readonly [number, number, number, number]): () => number {
  let [a, b, c, d] = state.map((x) => x >>> 0) as [number, number, number, number];
  if ((a | b | c | d) === 0) throw new RangeError('xoshiro128** needs a state that is not all zero');
  return () => {
    const m = Math.imul(b, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = (d << 11) | (d >>> 21);
    return result;
  };
}

/** mulberry32: raw 32-bit outputs. */
export function mulberry32Raw(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * The default seeded generator: xoshiro128** seeded by SplitMix32, floats with 53 random bits.
 *
 * @example
 *   const rng = seededRng(42);
 *   rng(); // the same number on every run and machine
 */
export function seededRng(seed: number | string): Rng {
  const sm = splitmix32(seed32(seed));
  const next = xoshiro128ss([sm(), sm(), sm(), sm()]);
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / TWO_POW_53;
}

/** mulberry32 as floats in [0, 1) with 32 random bits. */
export function mulberry32(seed: number | string): Rng {
  const next = mulberry32Raw(seed32(seed));
  return () => next() / TWO_POW_32;
}

/**
 * A uniform integer in [0, n) for n up to 2^32. floor(rng() · n): with 53-bit floats the bias is
 * below n / 2^53, far under anything a test could see.
 */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
