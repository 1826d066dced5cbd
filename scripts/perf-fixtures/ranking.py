#!/usr/bin/env python3
"""Expected values for packages/core/src/stats/performance/{ranking,score-histogram}.test.ts.

Writes packages/core/src/stats/performance/fixtures/ranking.json, every float at full precision:

- `binary` cases: roc_auc_score(y, s) and average_precision_score(y, s), or the error / warning
  sklearn gives instead (one-class windows), and for the streaming estimate roc_auc_score on the
  scores' histogram bins min(floor(s * bins), bins - 1) (what the estimate must equal) for 10
  and 100 bins. Cases: random scores, heavy ties (scores rounded to 1 decimal), all scores equal,
  perfect and reversed ranking, one-class windows, -0.0 beside 0.0, tiny score differences.
- `multiclass` cases: roc_auc_score(y, P, multi_class='ovr', average=..., labels=classes) and
  average_precision_score(label_binarize(y, classes=classes), P, average=...) for macro,
  weighted and micro (sklearn 1.2 has no multiclass AP of its own), including an absent class
  and rows that do not sum to 1.

Run from the repository root with Debian's Python, which has python3-sklearn (1.2):
    /usr/bin/python3 scripts/perf-fixtures/ranking.py
"""
import warnings

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import label_binarize

from common import floats, write

rng = np.random.RandomState(20240602)


def outcome(f):
    """{'value': v} or {'error': message} or, when sklearn warns, {'value': v, 'warning': message}."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            v = float(f())
        except ValueError as e:
            return {'error': str(e)}
    out = {'value': v}
    if caught:
        out['warning'] = str(caught[0].message)
    return out


def binary_case(name, scores, positives):
    s = np.array(scores, dtype=np.float64)
    y = np.array(positives, dtype=int)
    out = {'name': name, 'scores': floats(s), 'positives': [bool(v) for v in positives],
           'rocAuc': outcome(lambda: roc_auc_score(y, s)), 'averagePrecision': outcome(lambda: average_precision_score(y, s)),
           'binned': {}}
    for bins in [10, 100]:
        b = np.minimum(np.floor(s * bins), bins - 1).clip(0)
        out['binned'][str(bins)] = outcome(lambda: roc_auc_score(y, b))
    return out


def multiclass_case(name, truth, classes, probabilities):
    p = np.array(probabilities, dtype=np.float64)
    y = np.array(truth)
    out = {'name': name, 'truth': list(truth), 'classes': classes, 'probabilities': [floats(r) for r in p],
           'rocAuc': {}, 'averagePrecision': {}}
    for avg in ['macro', 'weighted', 'micro']:
        out['rocAuc'][avg] = outcome(lambda: roc_auc_score(y, p, multi_class='ovr', average=avg, labels=classes))
        out['averagePrecision'][avg] = outcome(lambda: average_precision_score(label_binarize(y, classes=classes), p, average=avg))
    return out


s = rng.rand(300)
y = rng.rand(300) < s
s2 = np.round(rng.beta(2, 2, size=500), 1)
y2 = rng.rand(500) < s2
BINARY = [
    binary_case('300 rows, distinct scores', s, y),
    binary_case('500 rows, heavy ties (scores rounded to 0.1)', s2, y2),
    binary_case('all scores equal', [0.5] * 6, [True, False, True, False, False, True]),
    binary_case('perfect ranking', [0.1, 0.2, 0.3, 0.8, 0.9], [False, False, False, True, True]),
    binary_case('reversed ranking', [0.9, 0.8, 0.3, 0.2, 0.1], [False, False, False, True, True]),
    binary_case('sklearn docstring example', [0.1, 0.4, 0.35, 0.8], [False, False, True, True]),
    binary_case('ties across classes at the top', [0.9, 0.9, 0.9, 0.2, 0.9, 0.1], [True, False, True, False, False, True]),
    binary_case('-0.0 beside 0.0 is one score', [-0.0, 0.0, 0.0, 0.5, -0.0], [True, False, True, False, False]),
    binary_case('scores one ulp apart are distinct', [0.3, 0.30000000000000004, 0.1 + 0.2, 0.7], [True, False, False, True]),
    binary_case('single-class window: no positive', [0.1, 0.5, 0.7], [False, False, False]),
    binary_case('single-class window: no negative', [0.1, 0.5, 0.7], [True, True, True]),
    binary_case('one row', [0.3], [True]),
]

classes = ['a', 'b', 'c', 'd']
P = rng.dirichlet([2, 1, 1, 0.5], size=200)
truth = [classes[int(np.argmax(rng.multinomial(1, p)))] for p in P]
P3 = np.round(rng.dirichlet([1, 1, 1], size=90), 2)
P3[:, 2] = 1 - P3[:, 0] - P3[:, 1]
truth3 = [['x', 'y', 'z'][int(np.argmax(rng.multinomial(1, np.clip(p, 0, 1) / np.clip(p, 0, 1).sum())))] for p in P3]
MULTICLASS = [
    multiclass_case('4 classes, 200 rows', truth, classes, P),
    multiclass_case('3 classes, 90 rows, scores rounded (ties)', truth3, ['x', 'y', 'z'], P3),
    multiclass_case('a class absent from the labels', ['a', 'b', 'a', 'b', 'a'], ['a', 'b', 'c'],
                    [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.1, 0.8], [0.5, 0.25, 0.25]]),
    multiclass_case('rows not summing to 1', ['a', 'b', 'c', 'a'], ['a', 'b', 'c'],
                    [[0.6, 0.3, 0.3], [0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.1, 0.8]]),
]

write('ranking.json', {'binary': BINARY, 'multiclass': MULTICLASS})
