"""HTTP with the standard library: auth, JSON, gzip, timeout, back-off. Never raises."""

from __future__ import annotations

import email.utils
import http.client
import gzip as _gzip
import json
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .errors import VigilApiError

GZIP_MIN_BYTES = 1024
USER_AGENT = "vigil-sdk-python/0.1.0"
RETRYABLE = frozenset({0, 408, 429, 500, 502, 503, 504})


@dataclass
class Answer:
    """One HTTP exchange: an answer (``status`` > 0) or the failure to get one (``status`` 0)."""

    status: int
    body: Any = None
    retry_after: Optional[float] = None  # seconds
    error: Optional[BaseException] = None
    timed_out: bool = False


def backoff_delay(attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Exponential back-off with full jitter: uniform in [0, min(cap, base * 2**attempt))."""
    return rand() * min(cap, base * (2 ** min(attempt, 30)))


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds (delta seconds or an HTTP date); None when absent or unreadable."""
    if not value or not value.strip():
        return None
    s = value.strip()
    try:
        return max(0.0, float(s))
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError):
        return None
    if at is None:
        return None
    return max(0.0, at.timestamp() - (time.time() if now is None else now))


def api_error_from(a: Answer, what: str) -> VigilApiError:
    if a.status == 0:
        if a.timed_out:
            return VigilApiError(0, "timeout", f"{what}: no answer in time", "check the url and that the Vigil server is running")
        return VigilApiError(0, "network_error", f"{what}: could not reach the server ({a.error})",
                             "check the url and that the Vigil server is running")
    err = a.body.get("error") if isinstance(a.body, dict) else None
    err = err if isinstance(err, dict) else {}
    code = err.get("code") if isinstance(err.get("code"), str) else f"http_{a.status}"
    message = err.get("message") if isinstance(err.get("message"), str) else f"HTTP {a.status}"
    hint = err.get("hint") if isinstance(err.get("hint"), str) else None
    details = err.get("details") if isinstance(err.get("details"), list) else []
    return VigilApiError(a.status, code, f"{what}: {message}", hint, details)


class Transport:
    def __init__(self, url: str, token: str, timeout: float, use_gzip: bool) -> None:
        self._base = url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._gzip = use_gzip

    def request(self, method: str, path: str, body: Any = None, auth: bool = True, content_type: Optional[str] = None,
                length: Optional[int] = None) -> Answer:
        """One request. With ``content_type`` the body (bytes, or a binary file object of ``length``
        bytes, streamed as it is read) goes as it is: a file, not JSON."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if auth:
            headers["Authorization"] = f"Bearer {self._token}"
        if content_type is not None:
            headers["Content-Type"] = content_type
            if length is not None:
                headers["Content-Length"] = str(length)
        elif body is not None:
            headers["Content-Type"] = "application/json"
            if self._gzip and len(body) >= GZIP_MIN_BYTES:
                body = _gzip.compress(body, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
        req = urllib.request.Request(self._base + path, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as res:
                return Answer(res.status, _parse(res.read(), res.status), parse_retry_after(res.headers.get("Retry-After")))
        except urllib.error.HTTPError as e:
            try:
                raw = e.read()
            except Exception:  # noqa: BLE001 - a broken error body must not hide the status
                raw = b""
            return Answer(e.code, _parse(raw, e.code), parse_retry_after(e.headers.get("Retry-After") if e.headers else None))
        except urllib.error.URLError as e:
            timed_out = isinstance(e.reason, (socket.timeout, TimeoutError))
            return Answer(0, error=e, timed_out=timed_out)
        except (socket.timeout, TimeoutError) as e:
            return Answer(0, error=e, timed_out=True)
        except (OSError, ValueError, http.client.HTTPException) as e:  # reset mid-response, malformed answers
            return Answer(0, error=e)


def _parse(raw: bytes, status: int) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {"error": {"code": f"http_{status}", "message": raw[:500].decode("utf-8", "replace")}}
