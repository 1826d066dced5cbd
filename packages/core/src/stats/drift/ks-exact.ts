/**
 * The exact null distribution of the two-sample Kolmogorov–Smirnov statistic D_{m,n}, by counting
 * lattice paths: under the null every interleaving of the two sorted samples is equally likely,
 * i.e. every monotone path from (0, 0) to (m, n), and D >= d exactly when the path leaves the band
 * |x/m - y/n| < d. Hodges, "The significance probability of the Smirnov two-sample test",
 * Arkiv för Matematik 3(43), 1958 (Drion, Gnedenko and Korolyuk's treatment), with the
 * complementary recursion of Viehmann, "Numerically more stable computation of the p-values for
 * the two-sample Kolmogorov-Smirnov test", arXiv:2102.08037 (what scipy's `ks_2samp` uses).
 *
 * All counts are scaled by the binomial coefficient as they are built, so they stay in [0, 1]:
 * nothing overflows and no final division by C(m + n, n) is needed.
 */

/**
 * Pr(D_{n,n} >= h/n) for equal sizes, by the reflection formula
 * 2 (C(2n, n-h) - C(2n, n-2h) + C(2n, n-3h) - ...) / C(2n, n), evaluated Horner-like on the
 * ratios C(2n, n-kh)/C(2n, n) so that nothing cancels. O(n).
 */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Pr(D_{m,n} >= h / lcm(m, n)) for m != n (g = gcd(m, n)): walks the columns x = 1..m keeping
 * only the window of rows inside the band, each entry the proportion of paths to (x, y) that have
 * already left the band. O(m * window), window ~ 2 d n.
 */
export function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1] as number;
}
