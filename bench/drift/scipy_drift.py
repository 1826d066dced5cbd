#!/usr/bin/env python3
"""The numpy / scipy peer of `vigil drift` for bench/drift.ts (issue 5).

Computes, for every column of two CSV files, the tests and statistics the offline report lists:
the default method and verdict as Evidently 0.7's DataDriftPreset chooses them (more than 1,000
reference rows: normed Wasserstein for numeric columns with more than 5 distinct values,
Jensen-Shannon otherwise; thresholds 0.1), and every "other" statistic:

- numeric: KS (scipy.stats.ks_2samp), Wasserstein (scipy.stats.wasserstein_distance), normed
  Wasserstein (/ max(np.std(ref), 0.001)), PSI on Evidently's bins (Sturges over both samples when
  the reference has more than 20 distinct values, else one bin per value), PSI on the reference's
  deciles, Jensen-Shannon (scipy.spatial.distance.jensenshannon, Evidently's bins) and Evidently's
  Hellinger (Sturges over the distinct values of both, density histograms);
- categorical: chi-square goodness of fit (scipy.stats.chisquare against the reference
  proportions), chi2_contingency, the two-proportion z-test where there are at most two values,
  PSI, Jensen-Shannon and Hellinger on value proportions.

Written the way a numpy user would write it for speed: files read with pandas.read_csv (C engine)
when pandas is importable, else with numpy.loadtxt; every column sorted once and the bins counted
by searchsorted on the sorted arrays; scipy's own functions for the tests. Missing values and
+-inf are dropped and counted first, as Evidently does.

Prints one JSON document: versions, the reader, times (read / compute, seconds) and per column the
method, statistic, p-value, threshold, verdict and the other statistics.

Run: python3 bench/drift/scipy_drift.py REFERENCE.csv CURRENT.csv
"""
import io
import json
import math
import sys
import time

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, chisquare, ks_2samp, kstwo, norm, wasserstein_distance

try:
    import pandas as pd
except ImportError:  # the numpy fallback below
    pd = None

MAX_VALUE_BINS = 20      # Evidently: a numeric column with at most this many values is binned by value
QUANTILE_BINS = 10
SMALL_REFERENCE = 1000   # Evidently: up to this many reference rows, p-value tests
LOW_CARDINALITY = 5      # numeric columns with at most this many values count as categories
DISTANCE_THRESHOLD, P_THRESHOLD = 0.1, 0.05


# ---------- reading

def read_pandas(path):
    df = pd.read_csv(path)
    cols = {}
    for name in df.columns:
        s = df[name]
        if s.dtype.kind in 'iuf':
            cols[name] = ('numeric', s.to_numpy())
        else:
            cols[name] = ('categorical', s)
    return cols


def read_numpy(path):
    """numpy alone: numeric columns with loadtxt (empty fields made 'nan'), strings with loadtxt too."""
    raw = open(path, 'rb').read()
    header = raw[:raw.index(b'\n')].decode().split(',')
    sample = [line.split(',') for line in raw[:1 << 20].decode(errors='replace').split('\n')[1:-1]]
    kinds = []
    for j in range(len(header)):
        vals = [row[j] for row in sample if len(row) == len(header) and row[j] != '']
        try:
            [float(v) for v in vals]
            kinds.append('int' if all(v.lstrip('-').isdigit() for v in vals) else 'float')
        except ValueError:
            kinds.append('str')
    fixed = raw
    while b',,' in fixed:
        fixed = fixed.replace(b',,', b',nan,')
    fixed = fixed.replace(b',\n', b',nan\n').replace(b'\n,', b'\nnan,')
    num = [j for j, k in enumerate(kinds) if k != 'str']
    txt = [j for j, k in enumerate(kinds) if k == 'str']
    cols = {}
    if num:
        a = np.loadtxt(io.BytesIO(fixed), delimiter=',', skiprows=1, usecols=num, dtype=np.float64, ndmin=2)
        for i, j in enumerate(num):
            v = a[:, i]
            cols[header[j]] = ('numeric', v.astype(np.int64) if kinds[j] == 'int' and not np.isnan(v).any() else v)
    if txt:
        s = np.loadtxt(io.BytesIO(raw), delimiter=',', skiprows=1, usecols=txt, dtype=str, ndmin=2)
        for i, j in enumerate(txt):
            cols[header[j]] = ('categorical', s[:, i])
    return {h: cols[h] for h in header}


# ---------- helpers on sorted arrays

def hist_sorted(s, edges):
    """np.histogram(s, edges)[0] for sorted s and increasing edges (the last bin holds its right edge)."""
    idx = np.searchsorted(s, edges, side='left')
    idx[-1] = np.searchsorted(s, edges[-1], side='right')
    return np.diff(idx)


def ks_and_wasserstein(rs, cs):
    """ks_2samp(rs, cs) and wasserstein_distance(rs, cs) from one merge of the two sorted samples.

    scipy's own functions sort both samples again and evaluate each ECDF by a binary search per
    pooled value (most of their time at a million rows); a stable argsort of the two sorted runs is
    a single merge, and the counts of each sample up to every pooled value are its cumulative sums.
    The numbers are the ones scipy forms (count / size at the last of each run of ties; the asymp
    p-value is kstwo.sf(D, round(n1 n2 / (n1 + n2))), as ks_2samp computes it past 10,000 values).
    """
    n1, n2 = len(rs), len(cs)
    if max(n1, n2) <= 10000:  # scipy's exact p-value: its own function
        return tuple(ks_2samp(rs, cs)), wasserstein_distance(rs, cs)
    both = np.concatenate([rs, cs])
    order = np.argsort(both, kind='stable')
    values = both[order]
    c1 = np.cumsum(order < n1)
    c2 = np.arange(1, n1 + n2 + 1) - c1
    diff = c1 / n1 - c2 / n2
    last = np.empty(n1 + n2, dtype=bool)
    np.not_equal(values[1:], values[:-1], out=last[:-1])
    last[-1] = True
    at = diff[last]
    d = max(float(np.clip(-np.min(at), 0, 1)), float(np.max(at)))
    p = float(np.clip(kstwo.sf(d, np.round(n1 * n2 / (n1 + n2))), 0, 1))
    w = float(np.sum(np.abs(diff[:-1]) * np.diff(values)))
    return (d, p), w


def distinct_sorted(s):
    if len(s) == 0:
        return s
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def fill_zeroes(p):
    p = p.copy()
    m = p[p != 0].min()
    p[p == 0] = m / 10 ** 6 if m <= 0.0001 else 0.0001
    return p


def psi_of(rp, cp):
    rp, cp = fill_zeroes(rp), fill_zeroes(cp)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def hellinger_of(rp, cp):
    return math.sqrt(1 - float(np.clip(np.sum(np.sqrt(rp * cp)), 0, 1)))


def num(x):
    x = float(x)
    return x if math.isfinite(x) else ('NaN' if math.isnan(x) else ('Infinity' if x > 0 else '-Infinity'))


# ---------- numeric columns

def numeric_column(r, c):
    def clean(a):
        if a.dtype.kind == 'f':
            nan, inf = np.isnan(a), np.isinf(a)
            return np.sort(a[~(nan | inf)]), int(nan.sum()), int(inf.sum())
        return np.sort(a), 0, 0
    rs, rmiss, rinf = clean(r)
    cs, cmiss, cinf = clean(c)
    side = lambda a, m, i: {'rows': len(a), 'used': len(a) - m - i, 'missing': m, 'infinite': i}
    out = {'kind': 'numeric', 'reference': side(r, rmiss, rinf), 'current': side(c, cmiss, cinf)}
    if len(rs) == 0 or len(cs) == 0:
        return out | {'status': 'no_data'}, None
    ur, uc = distinct_sorted(rs), distinct_sorted(cs)
    keys = np.union1d(ur, uc)  # the distinct values of both, sorted

    ks, w = ks_and_wasserstein(rs, cs)
    wn = w / max(float(np.std(rs)), 0.001)

    # Evidently's bins for PSI and Jensen-Shannon
    if len(ur) > MAX_VALUE_BINS:
        edges = np.histogram_bin_edges(np.concatenate([rs, cs]), bins='sturges')
        rp, cp = hist_sorted(rs, edges) / len(rs), hist_sorted(cs, edges) / len(cs)
    else:
        rp = (np.searchsorted(rs, keys, 'right') - np.searchsorted(rs, keys, 'left')) / len(rs)
        cp = (np.searchsorted(cs, keys, 'right') - np.searchsorted(cs, keys, 'left')) / len(cs)
    psi = psi_of(rp, cp)
    js = float(jensenshannon(rp, cp))

    # reference deciles
    inner = np.unique(np.quantile(rs.astype(np.float64), np.linspace(0, 1, QUANTILE_BINS + 1))[1:-1])
    # bin of x: searchsorted(inner, x, 'right'); on sorted samples, the bins start where x >= an edge
    qr = np.diff(np.concatenate(([0], np.searchsorted(rs, inner, 'left'), [len(rs)]))) / len(rs)
    qc = np.diff(np.concatenate(([0], np.searchsorted(cs, inner, 'left'), [len(cs)]))) / len(cs)
    psi_q = psi_of(qr, qc)

    # Evidently's Hellinger: Sturges over the distinct values, density histograms times the bin width
    hedges = np.histogram_bin_edges(keys, bins='sturges')
    h1, h2 = hist_sorted(rs, hedges), hist_sorted(cs, hedges)
    db = np.diff(hedges)
    width = (hedges[-1] - hedges[0]) / (len(hedges) - 1)
    bc = float(np.sum(np.sqrt((h1 / db / len(rs)) * (h2 / db / len(cs))) * width))
    hel = math.sqrt(1 - min(1.0, max(0.0, bc)))

    out['other'] = {
        'ks': {'statistic': num(ks[0]), 'pvalue': num(ks[1])}, 'wasserstein': num(w),
        'wasserstein_normed': num(wn), 'psi': num(psi), 'psi_quantile': num(psi_q), 'jensen_shannon': num(js), 'hellinger': num(hel),
    }
    return out, {'rows': len(rs), 'distinct': len(keys), 'ks': ks, 'wasserstein': wn, 'jensenshannon': js, 'keys': keys, 'rs': rs, 'cs': cs}


# ---------- categorical columns

def value_counts(values):
    if pd is not None and isinstance(values, pd.Series):
        missing = int(values.isna().sum())
        vc = values.value_counts(dropna=True)
        return dict(zip(vc.index.tolist(), vc.to_numpy().tolist())), missing
    present = values[values != '']
    keys, counts = np.unique(present, return_counts=True)
    return dict(zip(keys.tolist(), counts.tolist())), len(values) - len(present)


def categorical_column(r, c):
    rc, rmiss = value_counts(r)
    cc, cmiss = value_counts(c)
    side = lambda a, m: {'rows': len(a), 'used': len(a) - m, 'missing': m, 'infinite': 0}
    out = {'kind': 'categorical', 'reference': side(r, rmiss), 'current': side(c, cmiss)}
    if not rc or not cc:
        return out | {'status': 'no_data'}, None
    keys = list(dict.fromkeys([*rc, *cc]))
    ra = np.array([rc.get(k, 0) for k in keys], dtype=np.float64)
    ca = np.array([cc.get(k, 0) for k in keys], dtype=np.float64)
    rt, ct = ra.sum(), ca.sum()
    rp, cp = ra / rt, ca / ct
    if len(keys) > 1:
        with np.errstate(divide='ignore', invalid='ignore'):
            gof = chisquare(ca, ra / rt * ct)
        gof = {'statistic': num(gof.statistic), 'pvalue': num(gof.pvalue)}
        ct2 = chi2_contingency(np.vstack([ra, ca]))
        cont = {'statistic': num(ct2[0]), 'pvalue': num(ct2[1])}
    else:
        gof = cont = {'statistic': 0.0, 'pvalue': 1.0}
    z = None
    if len(keys) <= 2:
        first = sorted(keys)[0]
        s1, s2 = rt - rc.get(first, 0), ct - cc.get(first, 0)
        p1, p2, pooled = s1 / rt, s2 / ct, (s1 + s2) / (rt + ct)
        var = pooled * (1 - pooled) * (1 / rt + 1 / ct)
        zs = 0.0 if var == 0 else (p1 - p2) / math.sqrt(var)
        z = {'statistic': num(zs), 'pvalue': num(1.0 if var == 0 else 2 * norm.sf(abs(zs)))}
    js = float(jensenshannon(rp, cp))
    out['other'] = {'chisquare': gof, 'chi2_contingency': cont, 'z': z, 'psi': num(psi_of(rp, cp)), 'jensen_shannon': num(js), 'hellinger': num(hellinger_of(rp, cp))}
    return out, {'rows': rt, 'distinct': len(keys), 'jensenshannon': js, 'gof': gof, 'z': z}


# ---------- the default method (Evidently 0.7) and the verdict

def choose(kind, info, out):
    few = info['distinct'] <= LOW_CARDINALITY
    other = out['other']
    if info['rows'] <= SMALL_REFERENCE:
        if kind == 'numeric' and not few:
            return 'ks', other['ks']['statistic'], other['ks']['pvalue'], P_THRESHOLD, other['ks']['pvalue'] <= P_THRESHOLD
        if kind == 'numeric':  # the count tests on the numeric values as categories
            rs, cs = info['rs'], info['cs']
            keys = info['keys']
            ra = (np.searchsorted(rs, keys, 'right') - np.searchsorted(rs, keys, 'left')).astype(np.float64)
            ca = (np.searchsorted(cs, keys, 'right') - np.searchsorted(cs, keys, 'left')).astype(np.float64)
            if info['distinct'] > 2:
                with np.errstate(divide='ignore', invalid='ignore'):
                    g = chisquare(ca, ra / ra.sum() * ca.sum())
                return 'chisquare', num(g.statistic), num(g.pvalue), P_THRESHOLD, g.pvalue < P_THRESHOLD
            s1, s2, rt, ct = ra.sum() - ra[0], ca.sum() - ca[0], ra.sum(), ca.sum()
            pooled = (s1 + s2) / (rt + ct)
            var = pooled * (1 - pooled) * (1 / rt + 1 / ct)
            zs = 0.0 if var == 0 else (s1 / rt - s2 / ct) / math.sqrt(var)
            p = 1.0 if var == 0 else 2 * norm.sf(abs(zs))
            return 'z', num(zs), num(p), P_THRESHOLD, p < P_THRESHOLD
        if info['distinct'] > 2:
            g = info['gof']
            return 'chisquare', g['statistic'], g['pvalue'], P_THRESHOLD, (g['pvalue'] if isinstance(g['pvalue'], float) else 0) < P_THRESHOLD
        z = info['z']
        return 'z', z['statistic'], z['pvalue'], P_THRESHOLD, z['pvalue'] < P_THRESHOLD
    if kind == 'numeric' and not few:
        return 'wasserstein', other['wasserstein_normed'], None, DISTANCE_THRESHOLD, info['wasserstein'] >= DISTANCE_THRESHOLD
    return 'jensenshannon', other['jensen_shannon'], None, DISTANCE_THRESHOLD, info['jensenshannon'] >= DISTANCE_THRESHOLD


def main():
    ref_path, cur_path = sys.argv[1], sys.argv[2]
    reader = read_pandas if pd is not None else read_numpy
    t0 = time.perf_counter()
    ref, cur = reader(ref_path), reader(cur_path)
    t1 = time.perf_counter()
    columns = []
    for name, (rkind, r) in ref.items():
        if name not in cur:
            continue
        ckind, c = cur[name]
        if rkind != ckind:
            columns.append({'column': name, 'status': 'skipped', 'reason': f'{rkind} in the reference, {ckind} in the current file'})
            continue
        out, info = numeric_column(r, c) if rkind == 'numeric' else categorical_column(r, c)
        if info is not None:
            method, stat, p, threshold, drifted = choose(rkind, info, out)
            out = {'method': method, 'statistic': stat, 'pvalue': p, 'threshold': threshold, 'drifted': bool(drifted)} | out
        columns.append({'column': name} | out)
    t2 = time.perf_counter()
    with_data = [c for c in columns if 'drifted' in c]
    drifted = sum(1 for c in with_data if c['drifted'])
    print(json.dumps({
        'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__,
        'pandas': pd.__version__ if pd is not None else None, 'reader': 'pandas.read_csv' if pd is not None else 'numpy.loadtxt',
        'seconds': {'read': t1 - t0, 'compute': t2 - t1, 'total': t2 - t0},
        'dataset': {'drifted_columns': drifted, 'columns_with_data': len(with_data), 'share': drifted / len(with_data) if with_data else None,
                    'drift': drifted / len(with_data) >= 0.5 if with_data else None},
        'columns': columns,
    }))


if __name__ == '__main__':
    main()
