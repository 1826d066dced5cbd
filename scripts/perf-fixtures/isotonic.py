#!/usr/bin/env python3
"""Expected values for packages/core/src/stats/performance/isotonic.test.ts.

Writes packages/core/src/stats/performance/fixtures/isotonic.json: each case's inputs and what
scikit-learn computes for them, every float at full precision (Python's repr round-trips):

- `fit` cases: IsotonicRegression(increasing=..., y_min=..., y_max=..., out_of_bounds='clip')
  .fit(x, y, sample_weight) — its X_thresholds_ and y_thresholds_ (the kept points), and
  .predict(at) at the training x, between them and outside the fitted range (clipped);
- `sequence` cases: sklearn.isotonic.isotonic_regression(y, sample_weight, y_min, y_max,
  increasing) — the fit of a sequence in its given order.

The cases cover ties in x (averaged with their weights), weights including zeros (rows dropped),
x values closer than numpy's float64 resolution (1e-15, merged), decreasing fits, y bounds, a
single distinct x (constant prediction), constant y, and two larger random cases (scores rounded
to create ties, Bernoulli labels from a monotone probability) drawn with a seeded numpy generator
and stored, so the test reads exactly what this script fitted.

Run from the repository root with Debian's Python, which has python3-sklearn (1.2):
    /usr/bin/python3 scripts/perf-fixtures/isotonic.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression, isotonic_regression

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'src', 'stats', 'performance',
                   'fixtures', 'isotonic.json')


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


def fit_case(name, x, y, weight=None, increasing=True, y_min=None, y_max=None, at=None):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    model = IsotonicRegression(increasing=increasing, y_min=y_min, y_max=y_max, out_of_bounds='clip')
    model.fit(x, y, sample_weight=w)
    lo, hi = float(np.min(x)), float(np.max(x))
    if at is None:
        at = list(x)
    # between every pair of training x, plus points outside the range on both sides
    xs = np.unique(x)
    at = floats(at) + floats((xs[:-1] + xs[1:]) / 2) + [lo - 1.0, lo - 1e-9, hi + 1e-9, hi + 1.0]
    return {
        'name': name,
        'x': floats(x),
        'y': floats(y),
        'sampleWeight': None if w is None else floats(w),
        'increasing': increasing,
        'yMin': y_min,
        'yMax': y_max,
        'xThresholds': floats(model.X_thresholds_),
        'yThresholds': floats(model.y_thresholds_),
        'at': at,
        'predict': floats(model.predict(np.asarray(at))),
    }


def sequence_case(name, y, weight=None, increasing=True, y_min=None, y_max=None):
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    out = isotonic_regression(np.asarray(y, dtype=np.float64), sample_weight=w, y_min=y_min, y_max=y_max,
                              increasing=increasing)
    return {
        'name': name,
        'y': floats(y),
        'sampleWeight': None if w is None else floats(w),
        'increasing': increasing,
        'yMin': y_min,
        'yMax': y_max,
        'fitted': floats(out),
    }


def main():
    rng = np.random.default_rng(20240606)
    fits = [
        fit_case('already increasing', [1, 2, 3, 4, 5], [0.1, 0.2, 0.4, 0.5, 0.9]),
        fit_case('one violation pooled', [1, 2, 3, 4, 5], [1, 3, 2, 4, 5]),
        fit_case('all decreasing pooled to the mean', [1, 2, 3, 4], [4, 3, 2, 1]),
        fit_case('unsorted input', [3, 1, 5, 2, 4], [2, 1, 5, 3, 4]),
        fit_case('ties in x averaged', [1, 1, 2, 2, 2, 3, 4, 4], [0, 1, 1, 0, 0, 1, 0, 1]),
        fit_case('weights', [1, 2, 3, 4, 5], [5, 1, 4, 2, 6], weight=[1, 3, 0.5, 2, 1]),
        fit_case('zero weights dropped', [1, 2, 3, 4, 5, 6], [5, 1, 4, 2, 6, 0], weight=[0, 3, 0.5, 2, 1, 0]),
        fit_case('weighted ties', [0.2, 0.2, 0.2, 0.5, 0.5, 0.9], [1, 0, 0, 1, 0, 1], weight=[2, 1, 1, 0.5, 1.5, 1]),
        fit_case('x closer than 1e-15 merged', [0.5, 0.5 + 2e-16, 0.5 + 4e-16, 0.7, 0.7 + 3e-15], [1, 0, 0, 0, 1]),
        fit_case('decreasing', [1, 2, 3, 4, 5, 6], [6, 5, 7, 3, 4, 1], increasing=False),
        fit_case('y bounds', [1, 2, 3, 4, 5], [-1, 0.5, 0.2, 1.5, 2], y_min=0.0, y_max=1.0),
        fit_case('single distinct x', [2, 2, 2], [0, 1, 1]),
        fit_case('constant y keeps the ends', [1, 2, 3, 4, 5], [0.3, 0.3, 0.3, 0.3, 0.3]),
        fit_case('negative and large x', [-1e6, -3.5, 0, 2.25, 1e6], [0, 1, 0, 1, 1]),
    ]
    # calibration-like data: rounded scores (ties), labels Bernoulli(p) with p a monotone, non-identity map
    for n, digits in ((400, 2), (1500, 3)):
        s = np.round(rng.beta(2, 3, n), digits)
        p = 1 / (1 + np.exp(-(6 * s - 2.5)))
        labels = (rng.random(n) < p).astype(np.float64)
        fits.append(fit_case(f'calibration, {n} rows, scores rounded to {digits} decimals', s, labels,
                             at=floats(np.linspace(-0.1, 1.1, 61))))
    weights = rng.uniform(0.1, 3, 300)
    s = np.round(rng.random(300), 2)
    fits.append(fit_case('calibration with random weights', s, (rng.random(300) < s ** 2).astype(np.float64),
                         weight=weights, at=floats(np.linspace(0, 1, 41))))

    sequences = [
        sequence_case('increasing sequence', [1, 3, 2, 4, 3, 5]),
        sequence_case('decreasing sequence', [1, 3, 2, 4, 3, 5], increasing=False),
        sequence_case('weighted sequence', [3, 1, 2, 5, 4], weight=[1, 2, 3, 1, 2]),
        sequence_case('clipped sequence', [-2, 0.5, 0.1, 3], y_min=0.0, y_max=1.0),
        sequence_case('random sequence', floats(np.round(rng.normal(size=60), 6))),
    ]
    doc = {
        'generator': f'scikit-learn {sklearn.__version__}, numpy {np.__version__} (scripts/perf-fixtures/isotonic.py)',
        'fit': fits,
        'sequence': sequences,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.normpath(OUT)}: {len(fits)} fits, {len(sequences)} sequences')


if __name__ == '__main__':
    main()
