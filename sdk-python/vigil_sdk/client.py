"""The Vigil client: buffered event logging and the model registry."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import urllib.parse
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from ._batcher import Batcher
from ._encode import encode, now_rfc3339
from ._http import Transport, api_error_from, backoff_delay
from .errors import VigilApiError, VigilSdkError

log = logging.getLogger("vigil_sdk")

WARN_EVERY = 10.0
REGISTRY_RETRIES = 3
Record = Mapping[str, Any]

# strong references: a client nobody holds any more may still have records to flush at exit
_clients: "set[VigilClient]" = set()


@atexit.register
def _flush_all_at_exit() -> None:
    for c in list(_clients):
        try:
            c.close(timeout=c.shutdown_timeout)
        except Exception:  # noqa: BLE001 - never break interpreter shutdown
            pass


def _warner() -> Callable[[VigilSdkError], None]:
    """Rate-limited warnings: a monitoring SDK must not flood the logs of the service it watches."""
    state = {"last": 0.0, "suppressed": 0}
    lock = threading.Lock()

    def warn(err: VigilSdkError) -> None:
        with lock:
            now = time.monotonic()
            if now - state["last"] < WARN_EVERY and state["last"] > 0:
                state["suppressed"] += 1
                return
            more = f" ({state['suppressed']} similar messages suppressed)" if state["suppressed"] else ""
            state["last"] = now
            state["suppressed"] = 0
        log.warning("%s: %s%s", err.code, err.message, more)

    return warn


def _positive(name: str, value: float, minimum: float = 1) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= minimum:
        raise ValueError(f"VigilClient: {name} must be a number >= {minimum}, got {value!r}")
    return value


def _with(record: Record, **defaults: Any) -> Dict[str, Any]:
    # a non-mapping record is kept as it is so that _enqueue reports it instead of sending it
    if not isinstance(record, Mapping):
        return {"\0invalid": record}
    out = dict(record)
    for k, v in defaults.items():
        if out.get(k) is None:
            out[k] = v() if callable(v) else v
    return out


def _seg(s: str) -> str:
    return urllib.parse.quote(str(s), safe="")


class VigilClient:
    """Sends predictions, labels, metrics, logs, pipeline and training runs to a Vigil server.

    Logging methods return at once and never raise for network reasons: records are queued in a
    bounded buffer and a daemon thread sends them in batches (every ``flush_interval`` seconds, or
    as soon as ``batch_size`` of a kind are queued), retrying 429 / 5xx / network errors with
    exponential back-off and full jitter and splitting a batch in two on 413. Re-sending is safe:
    the server de-duplicates by record id. Thread-safe. Buffered records are flushed at
    interpreter exit (``atexit``) and when a ``with`` block ends.

    Example::

        from vigil_sdk import VigilClient

        with VigilClient("http://127.0.0.1:8470", token) as vigil:
            pid = vigil.log_prediction({"model": "churn", "version": "3",
                                        "features": {"age": 41}, "prediction": "yes", "score": 0.81})
            vigil.log_label({"prediction_id": pid, "model": "churn", "label": "no"})
    """

    def __init__(self, url: str, token: str, batch_size: int = 500, flush_interval: float = 1.0,
                 max_buffer_size: int = 100_000, max_retries: int = 8, gzip: bool = True, timeout: float = 10.0,
                 on_error: Optional[Callable[[VigilSdkError], None]] = None,
                 on_drop: Optional[Callable[[str, List[Any], str], None]] = None,
                 max_batch_bytes: int = 4 * 1024 * 1024, retry_base: float = 0.2, retry_max_delay: float = 30.0,
                 shutdown_timeout: float = 10.0, handle_exit: bool = True) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError(f"VigilClient: url must be an http(s) URL, got {url!r}")
        if not isinstance(token, str) or not token:
            raise ValueError("VigilClient: token is required")
        self.shutdown_timeout = _positive("shutdown_timeout", shutdown_timeout, 0)
        self._retry_base = _positive("retry_base", retry_base, 0)
        self._retry_max_delay = _positive("retry_max_delay", retry_max_delay, 0)
        self._transport = Transport(url, token, _positive("timeout", timeout, 0.001), bool(gzip))
        report = on_error or _warner()

        def safe_error(err: VigilSdkError) -> None:
            try:
                report(err)
            except Exception:  # noqa: BLE001 - a throwing callback must not kill the sender thread
                log.exception("vigil_sdk on_error callback raised")

        def safe_drop(kind: str, records: Callable[[], List[Any]], reason: str) -> None:
            if on_drop is None:
                return
            try:
                on_drop(kind, records(), reason)
            except Exception:  # noqa: BLE001 - as above
                log.exception("vigil_sdk on_drop callback raised")

        self._batcher = Batcher(
            self._transport,
            batch_size=int(_positive("batch_size", batch_size)),
            max_batch_bytes=int(_positive("max_batch_bytes", max_batch_bytes)),
            max_buffer_size=int(_positive("max_buffer_size", max_buffer_size)),
            max_retries=int(_positive("max_retries", max_retries, 0)),
            flush_interval=_positive("flush_interval", flush_interval, 0.001),
            retry_base=self._retry_base,
            retry_max_delay=self._retry_max_delay,
            on_error=safe_error,
            on_drop=safe_drop,
        )
        self._closed = False
        self._close_lock = threading.Lock()
        if handle_exit:
            _clients.add(self)

    # -- logging ---------------------------------------------------------------------------------

    def log_prediction(self, prediction: Record) -> str:
        """Queues a prediction; returns its id (a UUID is generated when ``id`` is missing).

        Example::

            pid = client.log_prediction({"model": "churn", "version": "3", "features": {"age": 41},
                                         "prediction": "yes", "score": 0.81})
        """
        rec = _with(prediction, id=lambda: str(uuid.uuid4()), ts=now_rfc3339)
        self._enqueue("predictions", rec)
        return str(rec.get("id", ""))

    def log_label(self, label: Record) -> None:
        """Queues the ground truth for an earlier prediction: ``{"prediction_id", "model", "label"}``."""
        self._enqueue("labels", _with(label, ts=now_rfc3339))

    def log_metric(self, sample: Record) -> None:
        """Queues a metric sample: ``{"name": "gpu.utilization", "labels": {"host": "a"}, "value": 0.7}``."""
        self._enqueue("metrics", _with(sample, ts=now_rfc3339))

    def log_log(self, event: Record) -> str:
        """Queues a log event (``level``, ``message``, optional ``model``, ``error_class``); returns its id."""
        rec = _with(event, id=lambda: str(uuid.uuid4()), ts=now_rfc3339)
        self._enqueue("logs", rec)
        return str(rec.get("id", ""))

    def log_pipeline_run(self, run: Record) -> None:
        """Queues a pipeline run event; ``started_at`` defaults to now."""
        self._enqueue("pipeline-runs", _with(run, started_at=now_rfc3339))

    def log_training_run(self, run: Record) -> None:
        """Queues a training run event (``metrics={"loss": [[step, value], ...]}``); ``started_at`` defaults to now."""
        self._enqueue("training-runs", _with(run, started_at=now_rfc3339))

    def _enqueue(self, kind: str, rec: Dict[str, Any]) -> None:
        if self._closed:
            self._batcher.discard(kind, [rec], "closed", "client_closed", f"{kind} logged after close() were dropped")
            return
        if "\0invalid" in rec:
            bad = rec["\0invalid"]
            self._batcher.discard(kind, [bad], "unserializable", "unserializable",
                                  f"a {kind} record must be a mapping, got {type(bad).__name__}; it was dropped")
            return
        line = encode(rec)
        if line is None:
            self._batcher.discard(kind, [rec], "unserializable", "unserializable",
                                  f"a {kind} record could not be encoded as JSON and was dropped")
            return
        self._batcher.add(kind, line)

    # -- lifecycle -------------------------------------------------------------------------------

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything buffered now; blocks until acknowledged or given up.

        Returns False when ``timeout`` (seconds) passed first; the rest keeps being sent in the
        background. Never raises.
        """
        return self._batcher.flush(timeout)

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flushes and stops the sender thread. Later records are dropped (reason ``closed``)."""
        with self._close_lock:
            if self._closed:
                return not self._batcher.busy
            self._closed = True
        _clients.discard(self)
        return self._batcher.stop(timeout)

    def stats(self) -> Dict[str, int]:
        """Counters: sent, accepted, duplicates, rejected, dropped, retries, buffered."""
        return self._batcher.stats()

    def __enter__(self) -> "VigilClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- registry --------------------------------------------------------------------------------

    def create_model(self, spec: Record) -> Dict[str, Any]:
        """Registers a model; raises ``VigilApiError`` with status 409 when the id exists."""
        return self._call("POST", "/api/v1/models", spec)

    def get_model(self, model_id: str) -> Dict[str, Any]:
        return self._call("GET", f"/api/v1/models/{_seg(model_id)}")

    def list_models(self) -> List[Dict[str, Any]]:
        return _items(self._call("GET", "/api/v1/models"))

    def update_model(self, model_id: str, patch: Record) -> Dict[str, Any]:
        return self._call("PATCH", f"/api/v1/models/{_seg(model_id)}", patch)

    def create_version(self, model_id: str, version: Record) -> Dict[str, Any]:
        """Example: ``client.create_version("churn", {"version": "3", "validation_metrics": {"accuracy": 0.91}})``."""
        return self._call("POST", f"/api/v1/models/{_seg(model_id)}/versions", version)

    def list_versions(self, model_id: str) -> List[Dict[str, Any]]:
        return _items(self._call("GET", f"/api/v1/models/{_seg(model_id)}/versions"))

    def create_deployment(self, model_id: str, deployment: Record) -> Dict[str, Any]:
        """Example: ``client.create_deployment("churn", {"version": "3", "environment": "production"})``."""
        return self._call("POST", f"/api/v1/models/{_seg(model_id)}/deployments", deployment)

    def update_deployment(self, model_id: str, deployment_id: str, patch: Record) -> Dict[str, Any]:
        return self._call("PATCH", f"/api/v1/models/{_seg(model_id)}/deployments/{_seg(deployment_id)}", patch)

    def list_deployments(self, model_id: str) -> List[Dict[str, Any]]:
        return _items(self._call("GET", f"/api/v1/models/{_seg(model_id)}/deployments"))

    def upload_reference(self, model_id: str, version: str, source: Union[str, "os.PathLike[str]", bytes],
                         format: Optional[str] = None, name: Optional[str] = None) -> Dict[str, Any]:
        """Sets the drift reference of a model version from a training or validation file: a path
        to a .csv (with a header row) or .parquet file, streamed from disk, or the file's bytes
        (then ``format`` is required). Replaces the version's earlier reference. Not retried.

        Example: ``client.upload_reference("churn", "3", "train.parquet")``.
        """
        if isinstance(source, bytes):
            if format not in ("csv", "parquet"):
                raise ValueError("format must be 'csv' or 'parquet' when the reference is given as bytes")
            fmt, size, label = format, len(source), name or f"{format} upload"
        else:
            p = os.fspath(source)
            guess = "parquet" if p.lower().endswith((".parquet", ".pq")) else "csv" if p.lower().endswith((".csv", ".tsv", ".txt")) else None
            fmt = format or guess
            if fmt not in ("csv", "parquet"):
                raise ValueError(f"cannot tell the format of {p}: name it .csv or .parquet, or pass format=")
            size, label = os.path.getsize(p), name or os.path.basename(p)
        query = urllib.parse.urlencode({"format": fmt, "name": label})
        path = f"/api/v1/models/{_seg(model_id)}/versions/{_seg(version)}/reference?{query}"
        content_type = "text/csv" if fmt == "csv" else "application/vnd.apache.parquet"
        if isinstance(source, bytes):
            a = self._transport.request("POST", path, source, True, content_type, size)
        else:
            with open(os.fspath(source), "rb") as f:
                a = self._transport.request("POST", path, f, True, content_type, size)
        if 200 <= a.status < 300:
            return a.body
        raise api_error_from(a, f"POST {path}")

    def reference_from_window(self, model_id: str, version: str, from_: Any, to: Any,
                              only_version: Optional[str] = None, segments: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """Sets the drift reference of a model version from a window of stored predictions.

        Example: ``client.reference_from_window("churn", "3", "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z")``.
        """
        body: Dict[str, Any] = {"from": from_, "to": to}
        if only_version is not None:
            body["version"] = only_version
        if segments:
            body["segments"] = segments
        return self._call("POST", f"/api/v1/models/{_seg(model_id)}/versions/{_seg(version)}/reference/window", body)

    def list_references(self, model_id: str) -> List[Dict[str, Any]]:
        """The drift references of a model, newest first."""
        return self._call("GET", f"/api/v1/models/{_seg(model_id)}/references")["references"]

    def health(self) -> Dict[str, Any]:
        """Unauthenticated liveness check; raises ``VigilApiError`` when the server is not healthy."""
        return self._call("GET", "/api/v1/health", auth=False)

    def _call(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        """One registry request. Reads and patches are retried like ingestion; creations only after
        429 / 503, when the server said it did not process them."""
        data = None
        if body is not None:
            line = encode(body)
            if line is None:
                raise VigilApiError(0, "unserializable", f"{method} {path}: the body could not be encoded as JSON")
            data = line.encode("utf-8")
        attempt = 0
        while True:
            a = self._transport.request(method, path, data, auth)
            if 200 <= a.status < 300:
                return a.body
            if method == "POST":
                retryable = a.status in (429, 503)
            else:
                retryable = a.status == 0 or a.status == 429 or a.status >= 500
            if not retryable or attempt >= REGISTRY_RETRIES:
                raise api_error_from(a, f"{method} {path}")
            time.sleep(max(backoff_delay(attempt, self._retry_base, self._retry_max_delay), a.retry_after or 0.0))
            attempt += 1


def _items(body: Any) -> List[Dict[str, Any]]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return body["items"]
    raise VigilApiError(200, "unexpected_response", "the server answered a list request without an items array")
