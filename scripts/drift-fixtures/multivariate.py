#!/usr/bin/env python3
"""Expected values for packages/core/src/stats/drift/multivariate.test.ts.

Writes packages/core/src/stats/drift/fixtures/multivariate.json: each case's inputs and what
NannyML's DataReconstructionDriftCalculator computes for them, written against numpy alone
(NannyML, scikit-learn and pandas are not installed here or in CI), step by step as recent NannyML
does it (nannyml/drift/multivariate/data_reconstruction/calculator.py):

- missing numbers imputed with the reference mean (SimpleImputer(strategy='mean')); a missing
  category with the reference's most frequent one (SimpleImputer('most_frequent'): the smallest
  value among ties), before encoding;
- categories encoded as their frequency in the imputed reference (CountEncoder(normalize=True)); a
  category the reference never saw gets 0;
- StandardScaler: reference mean and population standard deviation, 1 for a constant column
  (sklearn's _is_constant_feature bound);
- PCA(n_components=variance): SVD of the centred standardised reference, as sklearn's 'full'
  solver; the number of components is searchsorted(cumsum(ratio), variance, side='right') + 1;
- reconstruction error of a row: the Euclidean norm of (row - inverse_transform(transform(row)));
  of a chunk, the mean over its rows;
- band: mean +- 3 standard deviations (np.nanstd, ddof 0) of the reference chunks' errors; a lower
  bound at or below 0 is dropped (NannyML's lower_threshold_value_limit=0, override_using_none);
  alert when not (lower < error < upper).
Chunks: consecutive rows, `chunkSize` each (default n // 10), the remainder joining the last chunk.

Inputs are rounded to 6 decimals and stored, so the test reads exactly what this script used.
Run: python3 scripts/drift-fixtures/multivariate.py
"""
import json
import math
import os
from collections import Counter

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'stats', 'drift',
                   'fixtures', 'multivariate.json')
EPS = np.finfo(np.float64).eps


# ---------- the calculator, on columns of Python values (None = missing)

def encode_categorical(reference):
    present = [v for v in reference if v is not None]
    counts = Counter(present)
    top = max(counts.values())
    mode = min(str(k) for k, c in counts.items() if c == top)
    imputed = [str(v) if v is not None else mode for v in reference]
    freq = {k: c / len(reference) for k, c in Counter(imputed).items()}
    return {'frequencies': freq, 'mode': mode}


def encoded_matrix(columns, kinds, means, encodings):
    n = len(columns[0])
    x = np.empty((n, len(columns)))
    for j, (col, kind) in enumerate(zip(columns, kinds)):
        if kind == 'numeric':
            arr = np.array([np.nan if v is None else float(v) for v in col])
            arr[~np.isfinite(arr)] = means[j]
            x[:, j] = arr
        else:
            enc = encodings[j]
            x[:, j] = [enc['frequencies'].get(enc['mode'] if v is None else str(v), 0.0) for v in col]
    return x


def chunks_of(n, size):
    count = n // size
    bounds = [(i * size, (i + 1) * size) for i in range(count)]
    bounds[-1] = (bounds[-1][0], n)
    return bounds


def fit(columns, kinds, variance, chunk_size):
    n, d = len(columns[0]), len(columns)
    encodings, nan_means = [], []
    for col, kind in zip(columns, kinds):
        if kind == 'numeric':
            arr = np.array([np.nan if v is None else float(v) for v in col])
            nan_means.append(float(np.mean(arr[np.isfinite(arr)])))
            encodings.append(None)
        else:
            nan_means.append(None)
            encodings.append(encode_categorical(col))
    x = encoded_matrix(columns, kinds, nan_means, encodings)
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    constant = var <= n * EPS * var + (n * mean * EPS) ** 2
    scale = np.sqrt(var)
    scale[constant] = 1.0
    z = (x - mean) / scale
    mu = z.mean(axis=0)
    _, s, vt = np.linalg.svd(z - mu, full_matrices=False)
    explained = s ** 2 / (n - 1)
    ratio = explained / np.var(z, ddof=1, axis=0).sum()
    k = min(int(np.searchsorted(np.cumsum(ratio), variance, side='right')) + 1, d)
    model = {'nan_means': nan_means, 'encodings': encodings, 'mean': mean, 'scale': scale, 'mu': mu, 'w': vt[:k]}
    errors, r = row_errors(model, columns, kinds)
    size = chunk_size or n // 10
    chunk_errors = [float(errors[a:b].mean()) for a, b in chunks_of(n, size)]
    m, sd = float(np.mean(chunk_errors)), float(np.nanstd(chunk_errors))
    lower = m - 3 * sd
    return model, {
        'means': mean.tolist(), 'stds': scale.tolist(), 'nComponents': k, 'explained': ratio[:k].tolist(),
        'components': vt[:k].tolist(), 'chunkSize': size, 'chunkErrors': chunk_errors,
        'band': {'mean': m, 'std': sd, 'lower': lower if lower > 0 else None, 'upper': m + 3 * sd},
        'featureErrors': (r ** 2).mean(axis=0).tolist(),
        'encodings': encodings,
    }


def row_errors(model, columns, kinds):
    x = encoded_matrix(columns, kinds, model['nan_means'], model['encodings'])
    z = (x - model['mean']) / model['scale']
    w, mu = model['w'], model['mu']
    recon = (z - mu) @ w.T @ w + mu
    r = z - recon
    return np.linalg.norm(r, axis=1), r


def window(model, band, columns, kinds):
    errors, r = row_errors(model, columns, kinds)
    e = float(errors.mean())
    lower = band['lower'] if band['lower'] is not None else -math.inf
    return {
        'rows': len(errors), 'error': e,
        'rowStd': float(np.std(errors, ddof=1)) if len(errors) > 1 else None,
        'alert': not (lower < e < band['upper']),
        'featureErrors': (r ** 2).mean(axis=0).tolist(),
    }


# ---------- data

def rounded(a):
    return [None if not np.isfinite(v) else round(float(v), 6) for v in a]


def numeric_block(rng, n, *, shift=0.0, broken=False, missing=0.0):
    x1 = rng.normal(0, 1, n)
    other = rng.normal(0, 1, n)
    x2 = (rng.permutation(0.8 * x1) if broken else 0.8 * x1) + 0.6 * other
    x3 = rng.normal(5 + shift, 2, n)
    x4 = 0.5 * x3 + rng.normal(0, 0.7, n)
    x5 = rng.uniform(-1, 1, n)
    cols = [x1, x2, x3, x4, x5]
    for j in (1, 4):
        cols[j] = np.where(rng.uniform(size=n) < missing, np.nan, cols[j])
    return [rounded(c) for c in cols]


def colours(rng, n, *, missing=0.0, unseen=0.0):
    out = []
    for u, m, s in zip(rng.uniform(size=n), rng.uniform(size=n), rng.uniform(size=n)):
        if m < missing:
            out.append(None)
        elif s < unseen:
            out.append('purple')
        else:
            out.append('red' if u < 0.5 else 'green' if u < 0.8 else 'blue')
    return out


def case(name, reference, kinds, windows, variance=0.65, chunk_size=None):
    model, expected = fit(reference, kinds, variance, chunk_size)
    return {
        'name': name, 'kinds': kinds, 'names': [f'f{j}' for j in range(len(kinds))], 'varianceKept': variance,
        'chunkSize': chunk_size, 'reference': reference, 'expected': expected,
        'windows': [{'name': wn, 'columns': cols, 'expected': window(model, expected['band'], cols, kinds)} for wn, cols in windows],
    }


def main():
    rng = np.random.default_rng(20240501)
    num = ['numeric'] * 5
    ref = numeric_block(rng, 1000, missing=0.03)
    numeric_windows = [
        ('no drift', numeric_block(rng, 200)),
        ('correlation of f0 and f1 broken, marginals kept', numeric_block(rng, 200, broken=True)),
        ('f2 shifted by one standard deviation', numeric_block(rng, 200, shift=2.0)),
        ('a fifth of f1 and f4 missing', numeric_block(rng, 200, missing=0.2)),
        ('one row', numeric_block(rng, 1)),
    ]
    mixed_ref = numeric_block(rng, 1000, missing=0.03) + [colours(rng, 1000, missing=0.05)]
    mixed_windows = [
        ('no drift', numeric_block(rng, 300) + [colours(rng, 300, missing=0.05)]),
        ('an unseen category and more missing ones', numeric_block(rng, 300) + [colours(rng, 300, missing=0.2, unseen=0.3)]),
        ('broken correlation', numeric_block(rng, 300, broken=True) + [colours(rng, 300)]),
    ]
    const_ref = numeric_block(rng, 600)[:3] + [[3.0] * 600]
    const_windows = [('the constant column moves', numeric_block(rng, 100)[:3] + [[3.5] * 100])]
    cases = [
        case('five numeric features, 65% of the variance', ref, num, numeric_windows),
        case('numeric and a categorical feature, 90% of the variance, chunks of 150', mixed_ref, num + ['categorical'], mixed_windows,
             variance=0.9, chunk_size=150),
        case('a constant column (scale 1)', const_ref, ['numeric'] * 4, const_windows, chunk_size=60),
    ]
    doc = {'generatedBy': 'scripts/drift-fixtures/multivariate.py', 'versions': {'numpy': np.__version__}, 'cases': cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
