#!/usr/bin/env python3
"""Conformance fixtures for the exact drift tests in packages/core/src/stats/drift.

Run from the repository root (needs numpy and scipy >= 1.10, e.g. Debian's python3-scipy):

    python3 scripts/drift-fixtures/tests.py [OUT.json]

It writes packages/core/src/stats/drift/fixtures/tests.json (or OUT.json): inputs and scipy's outputs, every
float as Python's repr (round-trips exactly), non-finite numbers as the strings "NaN",
"Infinity", "-Infinity". ks.test.ts, kolmogorov.test.ts, chi-square.test.ts and z-test.test.ts
read it and assert agreement (1e-9 relative; see those files for the underflow rule).

What is computed, and how the TypeScript side must treat it:
- ks2samp: scipy.stats.ks_2samp(a, b, method=m) (two-sided) on the finite values of a and b
  (scipy would propagate NaN; the TypeScript side drops NaN and +-Infinity and counts them).
  `results[method].used` is the method that produced the p-value ('exact' falls back to 'asymp' with a warning).
- kstwo: scipy.stats.kstwo.sf / .cdf(d, n) on a grid that visits every branch of Simard &
  L'Ecuyer's method choice. smirnov: scipy.special.smirnov(n, x) and scipy.stats.ksone.cdf(x, n).
- chisquare_gof: scipy.stats.chisquare(f_obs=cur, f_exp=ref / ref.sum() * cur.sum()) over the
  union of categories seen on either side. With rule 'infinity' a category seen only in the
  current data has expected 0: statistic inf, p-value 0 (what scipy computes, with a warning).
  With rule 'pseudocount' every reference count gets + pseudocount first.
- chisquare_contingency: scipy.stats.chi2_contingency([ref, cur], correction=c) with the
  categories that are zero on both sides left out (scipy refuses zero expected counts).
- ztest: the pooled two-proportion z-test as statsmodels' proportions_ztest([c_ref, c_cur],
  [n_ref, n_cur]) computes it: z = (p_ref - p_cur) / sqrt(p (1 - p) (1/n_ref + 1/n_cur)),
  p-value 2 * norm.sf(|z|) (statsmodels is not needed: the formula is written out here).
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'stats', 'drift', 'fixtures', 'tests.json')


def num(x):
    x = float(x)
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def nums(xs):
    return [num(x) for x in xs]


def rounded(xs, decimals):
    # Values written with few digits keep the fixture file small; they are still exact doubles.
    return np.round(np.asarray(xs, dtype=float), decimals)


# ---------------------------------------------------------------- two-sample Kolmogorov-Smirnov

def ks_case(name, a, b, methods=('exact', 'asymp', 'auto')):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    fa, fb = a[np.isfinite(a)], b[np.isfinite(b)]
    results = {}
    for m in methods:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            r = stats.ks_2samp(fa, fb, method=m)
        switched = any('Switching to' in str(w.message) for w in caught)
        if m == 'auto':
            used = 'exact' if max(len(fa), len(fb)) <= 10000 and not switched else 'asymp'
        else:
            used = 'asymp' if (m == 'asymp' or switched) else 'exact'
        results[m] = {'used': used, 'statistic': num(r.statistic), 'pvalue': num(r.pvalue)}
    return {'name': name, 'a': nums(a), 'b': nums(b), 'results': results}


def ks_cases(rng):
    cases = []
    add = lambda *args, **kw: cases.append(ks_case(*args, **kw))
    # tiny samples
    add('one vs one, different', [1.0], [2.0])
    add('one vs one, equal', [1.0], [1.0])
    add('two vs one', [1.0, 2.0], [3.0])
    add('two vs one inside', [1.0, 2.0], [1.5])
    add('three vs three, overlapping', [1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    add('three vs four', [0.1, 0.4, 0.7], [0.5, 0.9, 1.3, 2.0])
    add('one vs five', [3.0], rng.normal(3, 1, 5))
    add('two vs two, full precision', rng.normal(size=2), rng.normal(size=2))
    # ties
    add('ties, small integers 60 vs 80', rng.integers(0, 5, 60), rng.integers(0, 6, 80))
    add('ties, four levels 200 vs 310', rng.integers(0, 4, 200), rng.integers(0, 4, 310))
    add('ties, one decimal 500 vs 700', rounded(rng.normal(0, 1, 500), 1), rounded(rng.normal(0.1, 1, 700), 1))
    # constant columns
    add('constant, equal', [5.0] * 30, [5.0] * 40)
    add('constant, different', [5.0] * 30, [6.0] * 40)
    add('constant vs varied', [0.0] * 25, rounded(rng.normal(0, 1, 35), 3))
    # identical and disjoint
    x = rng.normal(size=100)
    add('identical 100', x, x)
    x = rounded(rng.normal(size=2500), 4)
    add('identical 2500', x, x)
    add('disjoint 40 vs 50', rng.normal(0, 1, 40), rng.normal(10, 1, 50))
    add('disjoint 300 vs 400', rounded(rng.uniform(0, 1, 300), 4), rounded(rng.uniform(2, 3, 400), 4))
    add('disjoint 1000 vs 1000 (p underflows)', rounded(rng.uniform(0, 1, 1000), 4), rounded(rng.uniform(2, 3, 1000), 4))
    # missing values and infinities (dropped before the test)
    a = rng.normal(0, 1, 60)
    a[[3, 17, 40]] = np.nan
    a[22] = np.inf
    b = rng.normal(0.3, 1, 45)
    b[[0, 9]] = np.nan
    b[30] = -np.inf
    add('NaN and infinities', a, b)
    # very unequal sizes
    add('1 vs 10000', [0.25], rounded(rng.normal(0, 1, 10000), 3))
    add('7 vs 3000', rng.normal(0.5, 1, 7), rounded(rng.normal(0, 1, 3000), 3))
    add('5 vs 50000', rng.normal(0.5, 1, 5), rounded(rng.normal(0, 1, 50000), 3))
    # shifted normals across sizes: both p-value methods, every branch of kstwo
    for (n1, n2) in [(8, 12), (20, 30), (50, 60), (100, 150), (300, 200), (1000, 1200), (3000, 2000)]:
        for shift in (0.0, 0.2, 0.6, 1.5):
            add(f'normal {n1} vs {n2}, shift {shift}', rounded(rng.normal(0, 1, n1), 5), rounded(rng.normal(shift, 1, n2), 5))
    for (n1, n2) in [(64, 96), (250, 250), (999, 1000)]:
        add(f'uniform {n1} vs {n2}, full precision', rng.uniform(size=n1), rng.uniform(0.05, 1.05, n2))
    # large samples
    add('10000 vs 10000, exact (equal sizes)', rounded(rng.normal(0, 1, 10000), 3), rounded(rng.normal(0.03, 1, 10000), 3))
    add('10000 vs 9999, exact (coprime sizes)', rounded(rng.normal(0, 1, 10000), 3), rounded(rng.normal(0.02, 1, 9999), 3))
    add('50000 vs 60000, asymp', rounded(rng.normal(0, 1, 50000), 3), rounded(rng.normal(0.01, 1, 60000), 3), methods=('asymp', 'auto'))
    return cases


# ---------------------------------------------------------------- Kolmogorov distributions

def kstwo_cases():
    ns = [1, 2, 3, 4, 5, 7, 10, 20, 50, 100, 139, 140, 141, 200, 500, 1000, 5000, 20000, 100000, 100001, 300000, 1000000, 2500000]
    nx2s = [0.02, 0.1, 0.3, 0.6, 0.754, 0.76, 1.0, 1.5, 2.0, 2.19, 2.21, 3.0, 3.99, 4.01, 6.0, 10.0, 17.9, 18.1, 40.0, 120.0, 369.0, 371.0]
    # From n = 100000 on, the survival function between n d^2 = 2.2 and 370 is an O(n) sum: a few
    # points there keep the test suite fast (below 2.2 the CDF's method changes at n = 100000).
    nx2s_large = [0.02, 0.1, 0.3, 0.6, 1.0, 1.5, 2.0, 2.19, 2.21, 40.0, 371.0]
    out = []
    for n in ns:
        ds = set()
        for t in (0.3, 0.5, 0.6, 0.75, 1.0, 1.2, 2.0):
            ds.add(t / n)
        for v in (nx2s if n < 100000 else nx2s_large if n < 1000000 else [1.0, 2.21, 371.0]):
            ds.add(math.sqrt(v / n))
        for d in (0.3, 0.45, 0.5, 0.55, 0.7, 0.9, 0.99):
            ds.add(d)
        if n > 2:
            ds.add(1 - 1.0 / n)
            ds.add(1 - 1.5 / n)
        for d in sorted(ds):
            if not 0 < d < 1:
                continue
            out.append({'n': n, 'd': num(d), 'sf': num(stats.kstwo.sf(d, n)), 'cdf': num(stats.kstwo.cdf(d, n))})
    return out


def smirnov_cases():
    ns = [1, 2, 3, 5, 10, 50, 100, 140, 500, 1000, 1012, 1013, 5000, 100000, 1000000, 1000001]
    out = []
    for n in ns:
        xs = {0.0, 1.0, 0.5 / n, 1.0 / n, 0.3, 0.5, 0.8, 0.999, 1 - 1.0 / n}
        # At n = 1,000,000 the sum has ~n terms (half a second each): kstwo covers one of them.
        if n != 1000000:
            xs |= {2.0 / n, 7.0 / n + 1e-12}
            for v in (0.05, 0.3, 1.0, 2.2, 5.0, 20.0, 100.0, 300.0):
                xs.add(math.sqrt(v / (2 * n)))
        for x in sorted(xs):
            if not 0 <= x <= 1:
                continue
            out.append({'n': n, 'x': num(x), 'sf': num(special.smirnov(n, x)), 'cdf': num(stats.ksone.cdf(x, n))})
    return out


# ---------------------------------------------------------------- chi-square

def union_counts(ref, cur):
    keys = [k for k in dict.fromkeys(list(ref) + list(cur)) if ref.get(k, 0) + cur.get(k, 0) > 0]
    return keys, np.array([ref.get(k, 0) for k in keys], float), np.array([cur.get(k, 0) for k in keys], float)


def gof_case(name, ref, cur, rule='infinity', pseudocount=0.0):
    keys, r, c = union_counts(ref, cur)
    if rule == 'pseudocount':
        r = r + pseudocount
    with np.errstate(divide='ignore', invalid='ignore'), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        res = stats.chisquare(f_obs=c, f_exp=r / r.sum() * c.sum())
    case = {'name': name, 'reference': ref, 'current': cur, 'zeroExpected': rule,
            'statistic': num(res.statistic), 'pvalue': num(res.pvalue), 'dof': len(keys) - 1}
    if rule == 'pseudocount':
        case['pseudocount'] = pseudocount
    return case


def contingency_case(name, ref, cur, correction):
    keys, r, c = union_counts(ref, cur)
    res = stats.chi2_contingency(np.array([r, c]), correction=correction)
    return {'name': name, 'reference': ref, 'current': cur, 'correction': correction,
            'statistic': num(res[0]), 'pvalue': num(res[1]), 'dof': int(res[2])}


def counts(keys, values):
    return {k: int(v) for k, v in zip(keys, values)}


def chi_inputs(rng):
    abc = ['a', 'b', 'c']
    many = [f'c{i}' for i in range(50)]
    probs50 = rng.dirichlet(np.full(50, 5.0))
    big_ref = rng.multinomial(1_000_000, np.ones(6) / 6)
    big_cur = rng.multinomial(1_000_000, np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.03]) / 6.03)
    return [
        ('three categories', counts(abc, [40, 35, 25]), counts(abc, [30, 42, 28])),
        ('identical proportions', counts(abc, [10, 20, 30]), counts(abc, [20, 40, 60])),
        ('vanished category', counts(abc, [40, 35, 25]), counts(['a', 'b'], [55, 45])),
        ('category absent on both sides', {'a': 12, 'b': 8, 'z': 0}, {'a': 9, 'b': 11, 'z': 0}),
        ('two categories', {'yes': 30, 'no': 70}, {'yes': 45, 'no': 55}),
        ('two categories, tiny', {'yes': 3, 'no': 2}, {'yes': 1, 'no': 4}),
        ('two categories, equal', {'yes': 5, 'no': 3}, {'yes': 2, 'no': 1}),
        ('fifty categories, same distribution', counts(many, rng.multinomial(2000, probs50)), counts(many, rng.multinomial(1500, probs50))),
        ('fifty categories, different', counts(many, rng.integers(1, 60, 50)), counts(many, rng.integers(1, 60, 50))),
        ('a million counts, small shift', counts(list('uvwxyz'), big_ref), counts(list('uvwxyz'), big_cur)),
        ('a million counts, large shift', counts(list('uvwxyz'), [300000, 200000, 200000, 100000, 100000, 100000]),
         counts(list('uvwxyz'), [100000, 200000, 200000, 100000, 100000, 300000])),
    ]


def chi_cases(rng):
    gof, cont = [], []
    unseen = ('unseen category', counts(['a', 'b'], [50, 50]), counts(['a', 'b', 'new'], [40, 45, 15]))
    both = ('unseen and vanished', {'a': 20, 'b': 30, 'gone': 10}, {'a': 25, 'b': 20, 'new': 5})
    for name, ref, cur in chi_inputs(rng) + [unseen, both]:
        gof.append(gof_case(name, ref, cur))
        for corr in (False, True):
            cont.append(contingency_case(name, ref, cur, corr))
    for name, ref, cur in [unseen, both, ('three categories (smoothed)', {'a': 40, 'b': 35, 'c': 25}, {'a': 30, 'b': 42, 'c': 28})]:
        for pc in (0.5, 1.0):
            gof.append(gof_case(name, ref, cur, 'pseudocount', pc))
    return gof, cont


# ---------------------------------------------------------------- two-proportion z-test

def ztest_cases():
    out = []
    for c1, n1, c2, n2 in [(30, 100, 45, 120), (0, 50, 3, 60), (500, 1000, 500, 1000), (1, 2, 0, 3), (7, 7, 3, 9),
                           (450_000, 1_000_000, 455_000, 1_000_000), (10, 1_000_000, 40, 1_000_000),
                           (200, 1000, 800, 1000), (1, 5, 49_000, 50_000)]:
        count = np.array([c1, c2], float)
        nobs = np.array([n1, n2], float)
        prop = count / nobs
        p_pooled = count.sum() / nobs.sum()
        var = p_pooled * (1 - p_pooled) * (1.0 / nobs).sum()
        z = (prop[0] - prop[1]) / np.sqrt(var)
        out.append({'reference': {'successes': c1, 'total': n1}, 'current': {'successes': c2, 'total': n2},
                    'statistic': num(z), 'pvalue': num(stats.norm.sf(abs(z)) * 2)})
    return out


def main():
    rng = np.random.default_rng(20240605)
    gof, cont = chi_cases(rng)
    data = {
        'generator': 'scripts/drift-fixtures/tests.py',
        'scipy': scipy.__version__,
        'numpy': np.__version__,
        'ks2samp': ks_cases(rng),
        'kstwo': kstwo_cases(),
        'smirnov': smirnov_cases(),
        'chisquareGof': gof,
        'chisquareContingency': cont,
        'ztest': ztest_cases(),
    }
    # One case per line: diffs stay readable when the fixtures are regenerated.
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    with open(out, 'w') as f:
        f.write('{\n')
        items = list(data.items())
        for i, (key, value) in enumerate(items):
            end = ',' if i < len(items) - 1 else ''
            if isinstance(value, list):
                f.write(f'  {json.dumps(key)}: [\n')
                f.write(',\n'.join('    ' + json.dumps(v, allow_nan=False, separators=(',', ':')) for v in value))
                f.write(f'\n  ]{end}\n')
            else:
                f.write(f'  {json.dumps(key)}: {json.dumps(value)}{end}\n')
        f.write('}\n')
    print(f'wrote {os.path.normpath(out)}: ' + ', '.join(f'{k} {len(v)}' for k, v in data.items() if isinstance(v, list)))


if __name__ == '__main__':
    main()
