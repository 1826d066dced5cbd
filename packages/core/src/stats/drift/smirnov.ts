/**
 * The exact one-sided Kolmogorov–Smirnov (Smirnov) distribution: Pr(D+_n >= x), where
 * D+_n = sup_t (F_n(t) - F(t)) for a sample of n values from a continuous F.
 *
 * Smirnov (1944) / Birnbaum & Tingey (1951) give it as a finite sum of positive terms
 *
 *   Pr(D+_n >= x) = x * sum_{v=0}^{floor(n(1-x))} C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v)
 *
 * and Dwass (1959) the equivalent "upper" sum with alternating signs. We evaluate them as
 * van Mulbregt (2018, arXiv:1802.06966) does for scipy's `scipy.special.smirnov` (the two-sided
 * finite-n distribution in kolmogorov.ts calls it): the bases are kept in double-double so that
 * raising them to powers near n loses nothing, every power and the binomial coefficient are
 * carried as mantissa and binary exponent (they over- or underflow a double long before their
 * product does), the summation stops once the remaining terms cannot change the sum, and past
 * n = 1,000,000 the closed-form approximation exp(-(6nx+1)^2 / 18n) is used. The same choices,
 * made here independently, give scipy's values to about 1e-12 relative (1e-15 for the tail itself).
 */
import { frexp, ldexp, twoProdErr, twoSumErr, type Scaled } from './double-double.ts';

/** log(2^-1075): exp of anything below underflows to 0 (cephes' MINLOG). */
const MINLOG = -745.1332191019412;
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;
const SM_UPPER_MAX_TERMS = 3;
const SM_UPPERSUM_MIN_N = 10;
const EPS = Number.EPSILON;
/** Largest binary exponent a power may reach before it is split (keeps both halves normal). */
const MAX_EXPONENT = 960;

export interface SmirnovProbs {
  sf: number;
  cdf: number;
}

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

// Scratch registers, so the term loop allocates nothing.
const fr: Scaled = { m: 0, e: 0 };
const pa: Scaled = { m: 0, e: 0 };
const pb: Scaled = { m: 0, e: 0 };

/** |y|^m as mantissa and exponent, for 0.5 <= |y| < 1 and an integer m >= 0, splitting the power before it underflows. */
function powMantissa(y: number, m: number, out: Scaled): Scaled {
  const ay = Math.abs(y);
  const lg = Math.log2(ay);
  if (m * lg > -MAX_EXPONENT) {
    frexp(Math.pow(ay, m), out);
    return out;
  }
  // y^m = (y^c)^q * y^r with y^c >= 2^-960.
  const c = Math.floor(-MAX_EXPONENT / lg);
  const q = Math.floor(m / c);
  const r = m - q * c;
  frexp(Math.pow(ay, c), out);
  const e1 = out.e;
  powMantissa(out.m, q, out);
  const m2 = out.m;
  const e2 = out.e + e1 * q;
  frexp(Math.pow(ay, r), out);
  const e3 = out.e;
  frexp(m2 * out.m, out);
  out.e += e2 + e3;
  return out;
}

/** (hi + lo)^m for a double-double base and an integer m >= 0, as mantissa and exponent (sign included). */
function powScaled(hi: number, lo: number, m: number, out: Scaled): Scaled {
  if (m === 0) {
    out.m = 0.5;
    out.e = 1;
    return out;
  }
  if (hi === 0) {
    out.m = 0;
    out.e = 0;
    return out;
  }
  frexp(hi, fr);
  const y = fr.m;
  const ye = fr.e;
  const ylo = ldexp(lo, -ye);
  powMantissa(y, m, out);
  // First-order (or exact) correction for the low half of the base: (1 + r)^m.
  const r = ylo / y;
  let adj = m * r;
  if (Math.abs(adj) > 1e-8) {
    adj = Math.abs(adj) < 1e-4 ? adj + m * r * (((m - 1) / 2) * r) : Math.expm1(m * Math.log1p(r));
  }
  const sign = y < 0 && m % 2 === 1 ? -1 : 1;
  const e = out.e + m * ye;
  frexp(sign * (out.m + out.m * adj), out);
  out.e += e;
  return out;
}

/** (a + b)^m for doubles a, b, as a double (the base is summed exactly). */
function powSum(a: number, b: number, m: number): number {
  const s = a + b;
  powScaled(s, twoSumErr(a, b, s), m, pa);
  return ldexp(pa.m, pa.e);
}

/** The double-double quotient a / b of two doubles, high part returned, low part in `divLo`. */
let divLo = 0;
function divDD(a: number, b: number): number {
  const q = a / b;
  const p = q * b;
  const rem = a - p - twoProdErr(q, b, p);
  divLo = rem / b;
  return q;
}

/**
 * Pr(D+_n >= x) and Pr(D+_n < x), the exact one-sided Smirnov distribution (scipy's
 * `scipy.special.smirnov(n, x)` and `smirnovc`). NaN outside n >= 1, 0 <= x <= 1.
 */
export function smirnov(n: number, x: number): SmirnovProbs {
  if (!(Number.isInteger(n) && n > 0 && x >= 0 && x <= 1)) return { sf: NaN, cdf: NaN };
  if (n === 1) return { sf: 1 - x, cdf: x };
  if (x === 0) return { sf: 1, cdf: 0 };
  if (x === 1) return { sf: 0, cdf: 1 };

  // floor(n x) and its remainder, exactly (n x as a double-double).
  const nxHi = n * x;
  const nxLo = twoProdErr(n, x, nxHi);
  let flHi = Math.floor(nxHi);
  let flLo = 0;
  if (flHi === nxHi) flLo = Math.floor(nxLo);
  let alpha = nxHi - flHi + (nxLo - flLo);
  if (flLo !== 0) {
    const s = flHi + flLo;
    flLo = flLo - (s - flHi);
    flHi = s;
  }
  let nxfl = flHi + flLo;
  if (alpha === 1) {
    nxfl += 1;
    alpha = 0;
  }
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  // With alpha = 0 the last term of either sum is 0^0-like and belongs to neither.
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }

  // x <= 1/n: Pr(D+ < x) = x (1 + x)^(n-1).
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const cdf = x * powSum(1, x, n - 1);
    return { sf: clip01(1 - cdf), cdf: clip01(cdf) };
  }
  if (-2 * n * x * x < MINLOG) return { sf: 0, cdf: 1 };
  // x >= 1 - 1/n: only the v = 0 term remains.
  if (nxfl >= n - 1) {
    const sf = powSum(1, -x, n);
    return { sf: clip01(sf), cdf: clip01(1 - sf) };
  }
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    if (logp < -Math.LN2) {
      const sf = Math.exp(logp);
      return { sf, cdf: 1 - sf };
    }
    const cdf = -Math.expm1(logp);
    return { sf: 1 - cdf, cdf };
  }

  const nUpperTerms = n - n1mxceil + 1;
  const useUpperSum =
    (nUpperTerms <= 1 && x < 0.5) || (n >= SM_UPPERSUM_MIN_N && nUpperTerms <= SM_UPPER_MAX_TERMS && x <= 0.5 / Math.sqrt(n));

  // First term (v = 0 for the lower sum, v = n for the upper one), then the others.
  let sumHi: number;
  let sumLo = 0;
  let start = 0;
  let step = 1;
  let nTerms = n1mxfl + 1;
  if (useUpperSum) {
    start = n;
    step = -1;
    nTerms = n - n1mxceil + 1;
    sumHi = powSum(1, x, n - 1);
  } else {
    sumHi = powSum(1, -x, n) / x;
  }
  // Binomial coefficient C(n, j) as a double-double mantissa and an exponent; C(n, 1) = n.
  frexp(n, fr);
  let cHi = fr.m;
  let cLo = 0;
  let cE = fr.e;
  const vmid = Math.floor(n / 2);
  for (let j = 1; j < nTerms; j++) {
    const v = start + j * step;
    // Base 1 - x - v/n and base x + v/n, each a double-double.
    let q = divDD(n - v, n);
    let s = q - x;
    let lo = twoSumErr(q, -x, s) + divLo;
    let hi = s + lo;
    powScaled(hi, lo - (hi - s), n - v, pa);
    q = divDD(v, n);
    s = q + x;
    lo = twoSumErr(q, x, s) + divLo;
    hi = s + lo;
    powScaled(hi, lo - (hi - s), v - 1, pb);
    // A_v = C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v)
    const aj = ldexp(cHi * pa.m * pb.m + cLo * pa.m * pb.m, cE + pa.e + pb.e);
    if (Number.isFinite(aj) && aj !== 0) {
      const t = sumHi + aj;
      sumLo += twoSumErr(sumHi, aj, t);
      sumHi = t;
    }
    if (aj !== 0) {
      if (4 * (nTerms - j) * Math.abs(aj) < EPS * (sumHi + sumLo) && j !== nTerms - 1) break;
    } else if (j > vmid) {
      break;
    }
    // C(n, j+1) = C(n, j) (n - j) / (j + 1), the ratio as a double-double.
    const rHi = divDD(n - j, j + 1);
    const rLo = divLo;
    const pHi = cHi * rHi;
    const pLo = twoProdErr(cHi, rHi, pHi) + cHi * rLo + cLo * rHi;
    const nh = pHi + pLo;
    frexp(nh, fr);
    cHi = fr.m;
    cLo = ldexp(pLo - (nh - pHi), -fr.e);
    cE += fr.e;
  }
  const prob = x * sumHi + (twoProdErr(x, sumHi, x * sumHi) + x * sumLo);
  return useUpperSum ? { sf: clip01(1 - prob), cdf: clip01(prob) } : { sf: clip01(prob), cdf: clip01(1 - prob) };
}
