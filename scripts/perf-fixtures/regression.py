#!/usr/bin/env python3
"""Expected values for packages/core/src/stats/performance/{regression,residuals}.test.ts.

Writes packages/core/src/stats/performance/fixtures/regression.json, every float at full precision:
mean_absolute_error, mean_squared_error, mean_squared_error(squared=False),
mean_absolute_percentage_error and r2_score (force_finite=True; NaN, for fewer than two rows,
travels as null with sklearn's warning) for each case; and of the residuals y_true - y_pred,
numpy.quantile at a few levels and the counts numpy.searchsorted(edges, r, side='right') gives
on fixed edges (bins (-inf, e0), [e0, e1), ..., [e_last, inf)).
Cases: random, labels equal to 0 (MAPE's eps), a constant y predicted exactly (R² = 1) and not
(R² = 0), one row, large labels with a small spread (cancellation in Σ(y - c)²), negative
labels, exact predictions, integers.

Run from the repository root with Debian's Python, which has python3-sklearn (1.2):
    /usr/bin/python3 scripts/perf-fixtures/regression.py
"""
import math
import warnings

import numpy as np
from sklearn.metrics import (mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                             r2_score)

from common import floats, write

rng = np.random.RandomState(20240603)
QS = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
EDGES = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]


def case(name, truth, predicted):
    y = np.array(truth, dtype=np.float64)
    p = np.array(predicted, dtype=np.float64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        r2 = float(r2_score(y, p))
    r = y - p
    return {
        'name': name, 'truth': floats(y), 'predicted': floats(p),
        'mae': float(mean_absolute_error(y, p)), 'mse': float(mean_squared_error(y, p)),
        'rmse': float(mean_squared_error(y, p, squared=False)),
        'mape': float(mean_absolute_percentage_error(y, p)),
        'r2': None if math.isnan(r2) else r2, 'r2Warning': str(caught[0].message) if caught else None,
        'residualQuantiles': floats(np.quantile(r, QS)),
        'residualCounts': [int(c) for c in np.bincount(np.searchsorted(EDGES, r, side='right'), minlength=len(EDGES) + 1)],
    }


y = rng.normal(10, 3, size=400)
p = y + rng.normal(0.2, 1, size=400)
big = 1e6 + rng.normal(0, 1, size=300)
CASES = [
    case('400 rows', y, p),
    case('labels equal to 0 (MAPE divides by eps)', [0.0, 1.0, -2.0, 0.0, 3.0], [0.5, 1.0, -1.0, 0.0, 2.5]),
    case('constant y, exact predictions (R² = 1)', [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
    case('constant y, inexact predictions (R² = 0)', [2.0, 2.0, 2.0, 2.0], [2.0, 2.5, 1.0, 2.0]),
    case('one row (R² undefined)', [1.5], [1.0]),
    case('labels near 1e6 with spread 1 (cancellation)', big, big + rng.normal(0, 0.5, size=300)),
    case('negative labels', -np.abs(y[:50]), -np.abs(p[:50])),
    case('exact predictions', y[:20], y[:20]),
    case('integers', [3, 1, 4, 1, 5, 9, 2, 6], [2, 2, 4, 2, 5, 8, 3, 5]),
]

write('regression.json', {'quantiles': QS, 'edges': EDGES, 'cases': CASES})
