"""Shared by the fixture scripts in this folder: JSON output beside the performance tests."""
import json
import os

import numpy as np
import sklearn

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'core', 'src', 'stats',
                        'performance', 'fixtures')


def floats(a):
    """A float64 array as a list of Python floats (repr round-trips every one exactly)."""
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


def write(name, payload):
    payload = {'generator': f'scripts/perf-fixtures ({name}) with scikit-learn {sklearn.__version__}, numpy {np.__version__}',
               **payload}
    path = os.path.join(FIXTURES, name)
    dump = lambda v: json.dumps(v, separators=(',', ':'), ensure_ascii=False, allow_nan=False)  # noqa: E731
    lines = []
    for k, v in payload.items():  # one case per line, so a changed case is a one-line diff
        if isinstance(v, list):
            lines.append(f' {dump(k)}: [\n' + ',\n'.join(f'  {dump(c)}' for c in v) + '\n ]')
        else:
            lines.append(f' {dump(k)}: {dump(v)}')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('{\n' + ',\n'.join(lines) + '\n}\n')
    print(f'wrote {os.path.relpath(path)}')
