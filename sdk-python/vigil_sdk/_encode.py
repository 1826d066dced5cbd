"""JSON encoding of records.

JSON has no NaN or Infinity and ``json.dumps`` would either write invalid JSON or raise. They are
sent as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"``, which the server reports as
data-quality violations. Datetimes become RFC 3339 UTC strings; numpy scalars and arrays (found by
duck typing, numpy is not a dependency) become plain numbers and lists.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from typing import Any, Optional

_UTC = _dt.timezone.utc


def rfc3339(value: _dt.datetime) -> str:
    """An RFC 3339 UTC string with milliseconds; naive datetimes are taken to be UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)
    return value.astimezone(_UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_rfc3339() -> str:
    return rfc3339(_dt.datetime.now(_UTC))


def _float(v: float) -> Any:
    if math.isfinite(v):
        return v
    if math.isnan(v):
        return "NaN"
    return "Infinity" if v > 0 else "-Infinity"


def sanitize(value: Any, _depth: int = 0) -> Any:
    """Returns a structure ``json.dumps(allow_nan=False)`` accepts."""
    if _depth > 100:
        raise ValueError("record nested deeper than 100 levels (circular?)")
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return {str(k): sanitize(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [sanitize(v, _depth + 1) for v in value]
    if isinstance(value, _dt.datetime):
        return rfc3339(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return _float(float(value))
    if hasattr(value, "tolist"):  # numpy arrays and scalars, without importing numpy
        return sanitize(value.tolist(), _depth + 1)
    if hasattr(value, "item"):
        return sanitize(value.item(), _depth + 1)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def encode(record: Any) -> Optional[str]:
    """One record as compact JSON; None when it cannot be encoded."""
    try:
        return json.dumps(sanitize(record), allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None
