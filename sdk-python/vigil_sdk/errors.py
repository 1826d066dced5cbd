"""Errors raised by registry calls and handed to ``on_error`` for background problems."""

from __future__ import annotations

from typing import Any, List, Optional


class VigilApiError(Exception):
    """A registry call that did not succeed.

    ``status`` is the HTTP status, or 0 when no answer came (``code`` is then
    ``network_error`` or ``timeout``).

    Example::

        try:
            client.create_model(spec)
        except VigilApiError as err:
            if err.status != 409:
                raise
    """

    def __init__(self, status: int, code: str, message: str, hint: Optional[str] = None,
                 details: Optional[List[dict]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.details = details or []

    def __repr__(self) -> str:
        return f"VigilApiError(status={self.status}, code={self.code!r}, message={self.message!r})"


class VigilSdkError(Exception):
    """A problem sending buffered records, handed to ``on_error`` (logging calls never raise).

    ``code`` is one of ``records_rejected`` (HTTP 207: the server stored the batch but refused
    some records, see ``errors`` and ``records``), ``batch_rejected`` (400/401/403/404: the batch
    was dropped), ``retries_exhausted`` (429/5xx/network errors outlasted ``max_retries``),
    ``record_too_large`` (413 for a single record), ``buffer_full``, ``unserializable`` and
    ``client_closed``.

    Example::

        def on_error(err):
            stats.incr(f"vigil.sdk.{err.code}", err.record_count)

        client = VigilClient(url, token, on_error=on_error)
    """

    def __init__(self, code: str, kind: str, message: str, status: int = 0, record_count: int = 0,
                 errors: Optional[List[dict]] = None, records: Optional[List[Any]] = None,
                 api_error: Optional[VigilApiError] = None) -> None:
        super().__init__(message)
        self.code = code
        self.kind = kind
        self.message = message
        self.status = status
        self.record_count = record_count
        self.errors = errors or []
        self.records = records or []
        self.api_error = api_error

    def __repr__(self) -> str:
        return f"VigilSdkError(code={self.code!r}, kind={self.kind!r}, message={self.message!r})"
