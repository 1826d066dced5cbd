#!/usr/bin/env python3
"""Expected values for packages/core/src/stats/performance/{classification,log-loss,calibration}.test.ts.

Writes packages/core/src/stats/performance/fixtures/classification.json: each case's inputs and
what scikit-learn computes for them, every float at full precision (Python's repr round-trips):

- `labels` cases: confusion_matrix, accuracy_score and precision_recall_fscore_support (binary
  where the window is binary and a positive label is named; micro, macro, weighted; per label;
  F2 macro via fbeta_score) for zero_division 'warn', 0 and 1, with and without labels=; labels
  are strings, as Vigil stores them. Ties to exercise: single-class windows, a positive label
  never predicted or never true, a label only predicted, labels= naming an absent class, a
  labels= that matches no true row (sklearn's weighted special case), and code-point ordering.
- `logLoss` cases: log_loss(y, p, labels=...) with eps='auto' (float64 eps in sklearn 1.2),
  binary (p = P(positive)) and multiclass (columns in sorted class order), including 0 and 1
  (clipping), scores outside [0, 1], rows not summing to 1 (renormalised) and one-class windows.
- `calibration` cases: sklearn.calibration.calibration_curve(y, p, n_bins, strategy) for
  'uniform' and 'quantile', including scores on bin edges, ties and one-class windows.

Run from the repository root with Debian's Python, which has python3-sklearn (1.2):
    /usr/bin/python3 scripts/perf-fixtures/classification.py
"""
import warnings

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (accuracy_score, confusion_matrix, fbeta_score, log_loss,
                             precision_recall_fscore_support)
from sklearn.utils.multiclass import unique_labels

from common import floats, write

warnings.simplefilter('ignore')  # sklearn warns on every zero division; the values are what count
rng = np.random.RandomState(20240601)


def prf(truth, pred, average, zd, labels=None, pos_label=1):
    p, r, f, s = precision_recall_fscore_support(truth, pred, average=average, zero_division=zd,
                                                 labels=labels, pos_label=pos_label)
    if average is None:
        return {'precision': floats(p), 'recall': floats(r), 'fscore': floats(f), 'support': [int(x) for x in s]}
    return [float(p), float(r), float(f)]


def labels_case(name, truth, pred, positive=None, labels=None):
    truth, pred = [str(x) for x in truth], [str(x) for x in pred]
    t, p = np.array(truth), np.array(pred)
    present = unique_labels(t, p).tolist()
    use = labels if labels is not None else present
    try:
        matrix = confusion_matrix(t, p, labels=use).tolist()
    except ValueError:  # "At least one label specified must be in y_true": Vigil gives the zero matrix
        matrix = None
    out = {'name': name, 'truth': truth, 'predicted': pred, 'positive': positive, 'labels': labels,
           'expected': {'labels': use, 'matrix': matrix, 'accuracy': float(accuracy_score(t, p)), 'zeroDivision': {}}}
    for zd in ['warn', 0, 1]:
        e = {avg: prf(t, p, avg, zd, labels) for avg in ['micro', 'macro', 'weighted']}
        e['perLabel'] = prf(t, p, None, zd, labels)
        e['f2macro'] = float(fbeta_score(t, p, beta=2, average='macro', zero_division=zd, labels=labels))
        if positive is not None and len(present) <= 2:
            e['binary'] = prf(t, p, 'binary', zd, pos_label=positive)
        out['expected']['zeroDivision'][str(zd)] = e
    return out


def random_labels(n, classes, accuracy):
    truth = rng.choice(classes, size=n)
    pred = np.where(rng.rand(n) < accuracy, truth, rng.choice(classes, size=n))
    return truth.tolist(), pred.tolist()


LABELS = [
    labels_case('binary, 200 rows', *random_labels(200, ['no', 'yes'], 0.7), positive='yes'),
    labels_case('binary, positive never predicted', ['yes', 'no', 'yes', 'no', 'no'], ['no'] * 5, positive='yes'),
    labels_case('binary, positive never true', ['no'] * 4, ['no', 'yes', 'no', 'no'], positive='yes'),
    labels_case('single-class window: positive neither true nor predicted', ['no'] * 3, ['no'] * 3, positive='yes'),
    labels_case('single-class window: all true positive', ['yes'] * 4, ['yes', 'no', 'yes', 'yes'], positive='yes'),
    labels_case('single-class window, model classes given', ['no'] * 3, ['no', 'no', 'yes'], positive='yes', labels=['no', 'yes']),
    labels_case('multiclass, 300 rows', *random_labels(300, ['cat', 'dog', 'pig', 'cow'], 0.6)),
    labels_case('multiclass: a label only predicted, one only true',
                ['a', 'a', 'b', 'b', 'c', 'c', 'c'], ['a', 'd', 'b', 'a', 'a', 'b', 'd']),
    labels_case('multiclass, labels= with an absent class', ['a', 'b', 'b', 'c'], ['a', 'b', 'c', 'c'], labels=['a', 'b', 'c', 'z']),
    labels_case('multiclass, labels= a subset', *random_labels(60, ['a', 'b', 'c'], 0.5), labels=['c', 'a']),
    labels_case('labels= matching no true row (weighted special case)', ['a', 'b'], ['a', 'z'], labels=['z']),
    labels_case('labels= matching nothing at all', ['a', 'b'], ['a', 'b'], labels=['z']),
    labels_case('code-point order: digits, capitals, accents',
                ['10', '9', 'B', 'a', 'é', '10', 'B'], ['9', '9', 'a', 'a', 'é', '10', 'é']),
]


# ---------- log loss

def log_loss_binary(name, scores, positives):
    y = np.array(positives, dtype=int)
    return {'name': name, 'kind': 'binary', 'scores': floats(scores), 'positives': [bool(v) for v in positives],
            'expected': float(log_loss(y, np.array(scores, dtype=np.float64), labels=[0, 1]))}


def log_loss_multi(name, truth, classes, probabilities):
    probs = np.array(probabilities, dtype=np.float64)
    return {'name': name, 'kind': 'multiclass', 'truth': truth, 'classes': classes,
            'probabilities': [floats(r) for r in probs],
            'expected': float(log_loss(np.array(truth), probs, labels=classes))}


s = rng.rand(250)
y = rng.rand(250) < s
dirichlet = rng.dirichlet([1, 1, 1], size=120)
mtruth = [['a', 'b', 'c'][int(np.argmax(rng.multinomial(1, p)))] for p in dirichlet]
LOG_LOSS = [
    log_loss_binary('binary, 250 rows', s, y),
    log_loss_binary('binary with exact 0 and 1 (clipped to eps)', [0.0, 1.0, 0.0, 1.0, 0.5, 1e-20, 1 - 1e-17],
                    [False, True, True, False, True, True, False]),
    log_loss_binary('binary, scores outside [0, 1] (clipped)', [-0.5, 1.5, 0.3], [True, False, True]),
    log_loss_binary('single-class window, labels given', [0.1, 0.2, 0.9], [False, False, False]),
    log_loss_binary('score 0.1 and its complement (renormalisation is a no-op)', [0.1, 0.7, 0.3], [True, False, True]),
    log_loss_multi('multiclass, 120 rows', mtruth, ['a', 'b', 'c'], dirichlet),
    log_loss_multi('multiclass, rows not summing to 1 and zeros', ['a', 'b', 'c', 'a'], ['a', 'b', 'c'],
                   [[0.2, 0.2, 0.2], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [3.0, 1.0, 0.0]]),
    log_loss_multi('multiclass, one class in the window', ['b', 'b'], ['a', 'b', 'c'], [[0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]),
]


# ---------- calibration curve

def calibration_case(name, scores, positives, bins):
    y = np.array(positives, dtype=int)
    p = np.array(scores, dtype=np.float64)
    out = {'name': name, 'scores': floats(p), 'positives': [bool(v) for v in positives], 'bins': bins}
    for strategy in ['uniform', 'quantile']:
        prob_true, prob_pred = calibration_curve(y, p, n_bins=bins, strategy=strategy, pos_label=1)
        out[strategy] = {'fractionPositive': floats(prob_true), 'meanScore': floats(prob_pred)}
    return out


cs = rng.beta(2, 3, size=400)
cy = rng.rand(400) < cs
edges10 = np.linspace(0, 1, 11)
on_edges = [float(v) for v in edges10] + [0.3, 0.7, 0.6, 0.1]
CALIBRATION = [
    calibration_case('400 rows, 5 bins', cs, cy, 5),
    calibration_case('400 rows, 10 bins', cs, cy, 10),
    calibration_case('scores on the bin edges (numpy.linspace values and round decimals)', on_edges,
                     [i % 2 == 0 for i in range(len(on_edges))], 10),
    calibration_case('ties: few distinct scores (duplicate quantile edges)', [0.2] * 10 + [0.8] * 5 + [0.5],
                     [i % 3 == 0 for i in range(16)], 4),
    calibration_case('single-class window', [0.1, 0.4, 0.45, 0.9], [False] * 4, 5),
    calibration_case('one row', [0.3], [True], 5),
]

write('classification.json', {'labels': LABELS, 'logLoss': LOG_LOSS, 'calibration': CALIBRATION})
