#!/usr/bin/env python3
"""Expected values for packages/core/src/stats/drift/distances.test.ts and binning.test.ts.

Writes packages/core/src/stats/drift/fixtures/distances.json: every case's inputs and the values
that scipy / numpy give, at full precision (Python's repr of a float round-trips exactly).

The PSI, Jensen-Shannon and Hellinger mirrors follow Evidently 0.7's legacy stattests
(evidently/legacy/calculations/stattests/{utils,psi,jensenshannon,hellinger_distance,
wasserstein_distance_norm}.py), which Evidently 0.7's ValueDrift / DataDriftPreset call, written
against numpy alone because pandas is not installed here or in CI; see distances.ts for the
behaviours each line reproduces. Works with Debian 12's python3-scipy 1.10 / numpy 1.24 and with
newer ones.

Run: python3 scripts/drift-fixtures/distances.py
"""
import json
import math
import os

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'stats', 'drift',
                   'fixtures', 'distances.json')
QUANTILE_BINS = 10


# ---------- inputs: JSON has no NaN or Infinity, so they travel as null and "inf" / "-inf"

def encode(values):
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, float) and math.isinf(v):
            out.append('inf' if v > 0 else '-inf')
        else:
            out.append(v)
    return out


def clean_numeric(values, integer):
    """Evidently drops NaN and +-inf before any test (legacy/calculations/data_drift.py)."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    missing = sum(1 for v in values if v is None or math.isnan(v))
    infinite = sum(1 for v in values if v is not None and math.isinf(v))
    arr = np.array(finite, dtype=np.int64 if integer else np.float64)
    return arr, missing, infinite


def clean_categorical(values):
    kept = [v for v in values if v is not None]
    return kept, len(values) - len(kept), 0


# ---------- Evidently's get_binned_data (legacy/calculations/stattests/utils.py)

def fill_zeroes(p):
    p = p.copy()
    m = p[p != 0].min()
    np.place(p, p == 0, m / 10 ** 6 if m <= 0.0001 else 0.0001)
    return p


def by_key(ref, cur):
    keys = []
    seen = set()
    for v in list(ref) + list(cur):
        if v not in seen:
            seen.add(v)
            keys.append(v)
    rc, cc = {k: 0 for k in keys}, {k: 0 for k in keys}
    for v in ref:
        rc[v] += 1
    for v in cur:
        cc[v] += 1
    return (np.array([rc[k] / len(ref) for k in keys]), np.array([cc[k] / len(cur) for k in keys]), len(keys))


def evidently_binned(ref, cur, kind, feel_zeroes):
    n_vals = len(set(ref.tolist())) if kind == 'numeric' else len(set(ref))
    if kind == 'numeric' and n_vals > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
        nbins = len(bins) - 1
    else:
        rp, cp, nbins = by_key(list(ref), list(cur))
    if feel_zeroes:
        rp, cp = fill_zeroes(rp), fill_zeroes(cp)
    return rp, cp, nbins


# ---------- reference-quantile bins: interior edges are the reference's deciles (numpy's default
# linear quantile), deduplicated; the outer bins are open, so no current value falls outside.

def quantile_inner_edges(ref, n):
    return np.unique(np.quantile(ref.astype(np.float64), np.linspace(0, 1, n + 1))[1:-1])


def quantile_binned(ref, cur, n, feel_zeroes):
    inner = quantile_inner_edges(ref, n)
    k = len(inner) + 1
    rp = np.bincount(np.searchsorted(inner, ref, side='right'), minlength=k) / len(ref)
    cp = np.bincount(np.searchsorted(inner, cur, side='right'), minlength=k) / len(cur)
    if feel_zeroes:
        rp, cp = fill_zeroes(rp), fill_zeroes(cp)
    return rp, cp


def psi_of(rp, cp):
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def hellinger_of_proportions(rp, cp):
    bc = 0.0
    for a, b in zip(rp, cp):
        bc += math.sqrt(a * b)
    return math.sqrt(1 - float(np.clip(bc, 0, 1)))


def hellinger_evidently(ref, cur, kind):
    """legacy/calculations/stattests/hellinger_distance.py"""
    if kind == 'categorical':
        rp, cp, _ = by_key(ref, cur)
        return hellinger_of_proportions(rp, cp)
    keys = np.unique(np.concatenate([ref, cur]))
    bins = np.histogram_bin_edges(keys, bins='sturges')
    h1 = np.histogram(ref, bins=bins, density=True)[0]
    h2 = np.histogram(cur, bins=bins, density=True)[0]
    bin_width = (max(bins) - min(bins)) / (len(bins) - 1)
    bc = 0.0
    for i in range(len(h1)):
        bc += math.sqrt(h1[i] * h2[i]) * bin_width
    return math.sqrt(1 - float(np.clip(bc, 0, 1)))


def expected_for(case):
    kind, integer = case['kind'], case.get('integer', False)
    if kind == 'numeric':
        ref, rm, ri = clean_numeric(case['reference'], integer)
        cur, cm, ci = clean_numeric(case['current'], integer)
    else:
        ref, rm, ri = clean_categorical(case['reference'])
        cur, cm, ci = clean_categorical(case['current'])
    out = {
        'reference': {'used': len(ref), 'missing': rm, 'infinite': ri},
        'current': {'used': len(cur), 'missing': cm, 'infinite': ci},
    }
    if len(ref) == 0 or len(cur) == 0:
        out['status'] = 'no_data'
        return out
    out['status'] = 'ok'
    rp, cp, nbins = evidently_binned(ref, cur, kind, True)
    out['bins'] = nbins
    out['psi'] = psi_of(rp, cp)
    rp0, cp0, _ = evidently_binned(ref, cur, kind, False)
    out['jensenShannon'] = float(jensenshannon(rp0, cp0))
    out['jensenShannonBase2'] = float(jensenshannon(rp0, cp0, 2))
    out['hellinger'] = hellinger_evidently(ref, cur, kind)
    if kind == 'numeric':
        qr, qc = quantile_binned(ref, cur, QUANTILE_BINS, True)
        out['psiQuantile'] = psi_of(qr, qc)
        qr0, qc0 = quantile_binned(ref, cur, QUANTILE_BINS, False)
        out['jensenShannonQuantile'] = float(jensenshannon(qr0, qc0))
        out['hellingerQuantile'] = hellinger_of_proportions(qr0, qc0)
        out['quantileInnerEdges'] = quantile_inner_edges(ref, QUANTILE_BINS).tolist()
        out['wasserstein'] = float(wasserstein_distance(ref, cur))
        # legacy/calculations/stattests/wasserstein_distance_norm.py: np.std is the population std
        out['wassersteinNormed'] = float(wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
    return out


# ---------- cases

rng = np.random.default_rng(20240605)


def r(a, d=4):
    return [round(float(x), d) for x in a]


def with_gaps(values, nan_at=(), inf_at=(), ninf_at=()):
    v = list(values)
    for i in nan_at:
        v[i] = float('nan')
    for i in inf_at:
        v[i] = float('inf')
    for i in ninf_at:
        v[i] = float('-inf')
    return v


numeric_cases = [
    ('normal shift', r(rng.normal(0, 1, 500)), r(rng.normal(0.3, 1.2, 400))),
    ('identical samples', r(rng.normal(5, 2, 60)), None),
    ('ties on a grid of 41 values', [float(x) for x in rng.integers(0, 41, 300)],
     [float(x) for x in rng.integers(5, 46, 250)]),
    ('few distinct values, one unseen and one vanished', [float(x) for x in rng.choice([1, 2, 3, 4, 5], 200)],
     [float(x) for x in rng.choice([2, 3, 4, 5, 7], 150)]),
    ('constant reference', [3.0] * 50, r(rng.normal(3, 1, 40))),
    ('constant and equal', [2.0] * 30, [2.0] * 20),
    ('tiny windows', [0.5, 1.5, 1.5], [2.0, -1.0]),
    ('very unequal sizes', r(rng.normal(0, 1, 3000), 3), r(rng.normal(0.5, 1, 7))),
    ('heavy tail with empty bins', r(rng.lognormal(0, 1.5, 2000), 3), r(rng.lognormal(0.4, 1.2, 1500), 3)),
    ('missing values and infinities',
     with_gaps(r(rng.normal(0, 1, 120)), nan_at=(3, 40, 41), inf_at=(7,), ninf_at=(90,)),
     with_gaps(r(rng.normal(0.2, 1, 80)), nan_at=(0, 79), inf_at=(10, 11))),
    ('negative and zero values', r(rng.normal(-10, 5, 250)) + [0.0, -0.0], r(rng.normal(-8, 5, 180))),
    ('current entirely missing', r(rng.normal(0, 1, 30)), [float('nan')] * 12),
    ('empty reference', [], r(rng.normal(0, 1, 10))),
    ('only infinities in current', r(rng.normal(0, 1, 25)), [float('inf'), float('-inf')]),
]

integer_cases = [
    ('binary integers (numpy clamps the width to 1)', [int(x) for x in rng.integers(0, 2, 120)],
     [int(x) for x in rng.integers(0, 2, 90)]),
    ('three integers', [int(x) for x in rng.integers(0, 3, 100)], [int(x) for x in rng.integers(0, 3, 70)]),
    ('integers on a wide range', [int(x) for x in rng.integers(0, 500, 400)],
     [int(x) for x in rng.integers(20, 520, 300)]),
]

letters = list('abcdefghijklmnopqrstuvwxyz0123')
categorical_cases = [
    ('shifted proportions', list(rng.choice(list('abcde'), 400, p=[0.4, 0.3, 0.15, 0.1, 0.05])),
     list(rng.choice(list('abcde'), 300, p=[0.25, 0.25, 0.2, 0.2, 0.1]))),
    ('unseen and vanished categories', list(rng.choice(list('abc'), 150)), list(rng.choice(list('bcd'), 120))),
    ('missing values', [None if i % 9 == 0 else str(x) for i, x in enumerate(rng.choice(list('xyz'), 90))],
     [None if i % 4 == 0 else str(x) for i, x in enumerate(rng.choice(list('xyz'), 60))]),
    ('single identical category', ['k'] * 40, ['k'] * 15),
    ('thirty categories, very unequal sizes', list(rng.choice(letters, 3000)), list(rng.choice(letters[:12], 9))),
    ('current entirely missing', ['a', 'b', 'a'], [None, None]),
]


def make(name, kind, ref, cur, integer=False):
    case = {'name': name, 'kind': kind, 'reference': [str(x) if kind == 'categorical' and x is not None else x
                                                      for x in ref]}
    case['current'] = case['reference'] if cur is None else [str(x) if kind == 'categorical' and x is not None
                                                             else x for x in cur]
    if integer:
        case['integer'] = True
    case['expected'] = expected_for(case)
    case['reference'] = encode(case['reference'])
    case['current'] = encode(case['current'])
    return case


# counts-level PSI, including proportions at or below 1e-4, where Evidently's zero-fill switches
# from 0.0001 to (smallest non-zero proportion) / 1e6
count_cases = [
    ('small counts', [10, 0, 5, 20], [3, 4, 0, 9]),
    ('a bin at 1e-4 or less', [1, 20000, 9999, 0], [0, 12000, 25000, 7]),
    ('all mass in one bin each', [100, 0], [0, 50]),
]


def counts_case(name, rc, cc):
    rc, cc = np.array(rc, dtype=np.float64), np.array(cc, dtype=np.float64)
    rp, cp = rc / rc.sum(), cc / cc.sum()
    return {'name': name, 'reference': rc.astype(int).tolist(), 'current': cc.astype(int).tolist(),
            'psi': psi_of(fill_zeroes(rp), fill_zeroes(cp)),
            'jensenShannon': float(jensenshannon(rp, cp)), 'hellinger': hellinger_of_proportions(rp, cp)}


# Sturges edges depend only on the minimum, the maximum, the size and whether the dtype is integer.
edge_cases = [
    (0.0, 1.0, 1024, False), (0.0, 10.0, 1000, False), (-3.5, 7.25, 37, False), (1e-3, 1e-3 + 1e-9, 5000, False),
    (5.0, 5.0, 10, False), (0, 20, 1 << 20, True), (0, 20, 1 << 20, False), (0, 1, 2, True), (0, 1, 2, False),
    (0, 2, 3, True), (-100, 100, 3, False), (0.1, 0.7, 100, False), (1e6, 1e6 + 3, 65536, False),
]


def edges_case(lo, hi, n, integer):
    dtype = np.int64 if integer else np.float64
    a = np.full(n, lo, dtype=dtype)
    a[-1] = hi
    return {'min': lo, 'max': hi, 'n': n, 'integer': integer,
            'edges': np.histogram_bin_edges(a, bins='sturges').tolist()}


def main():
    cases = [make(n, 'numeric', a, b) for n, a, b in numeric_cases]
    cases += [make(n, 'numeric', a, b, integer=True) for n, a, b in integer_cases]
    cases += [make(n, 'categorical', a, b) for n, a, b in categorical_cases]
    doc = {
        'generatedBy': 'scripts/drift-fixtures/distances.py',
        'versions': {'numpy': np.__version__, 'scipy': __import__('scipy').__version__},
        'quantileBins': QUANTILE_BINS,
        'cases': cases,
        'counts': [counts_case(*c) for c in count_cases],
        'sturgesEdges': [edges_case(*c) for c in edge_cases],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
