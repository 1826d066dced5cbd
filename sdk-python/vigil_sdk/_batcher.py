"""Per-kind bounded queues and one daemon sender thread: batching, retries, 413 split."""

from __future__ import annotations

import collections
import json
import os
import threading
import time
import weakref
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

from ._http import RETRYABLE, Answer, Transport, api_error_from, backoff_delay
from .errors import VigilSdkError

KINDS = ("predictions", "labels", "metrics", "logs", "pipeline-runs", "training-runs")
MAX_RETRY_AFTER = 300.0

Entry = Tuple[int, str]  # (arrival order across kinds, the record as JSON)
OnDrop = Callable[[str, Callable[[], List[Any]], str], None]


_instances: "weakref.WeakSet[Batcher]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for b in list(_instances):
        b._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _has_record_verdicts(body: Any) -> bool:
    return (isinstance(body, dict) and isinstance(body.get("rejected"), int) and body["rejected"] > 0
            and isinstance(body.get("errors"), list))


def parse_line(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return line


class Batcher:
    """Thread-safe. ``add`` never blocks on the network; one daemon thread sends."""

    def __init__(self, transport: Transport, *, batch_size: int, max_batch_bytes: int, max_buffer_size: int,
                 max_retries: int, flush_interval: float, retry_base: float, retry_max_delay: float,
                 on_error: Callable[[VigilSdkError], None], on_drop: OnDrop) -> None:
        self._t = transport
        self._batch_size = batch_size
        self._max_batch_bytes = max_batch_bytes
        self._max_buffer = max_buffer_size
        self._max_retries = max_retries
        self._interval = flush_interval
        self._retry_base = retry_base
        self._retry_max_delay = retry_max_delay
        self._on_error = on_error
        self._on_drop = on_drop
        self._cond = threading.Condition()
        self._queues: Dict[str, Deque[Entry]] = {k: collections.deque() for k in KINDS}
        self._seq = 0
        self._queued = 0
        self._in_flight = 0
        self._target = 0  # entries up to this seq are due now, whatever the batch size
        self._sending_from: Optional[int] = None
        self._stopping = False
        self._overflow_reported = False
        self._wakeup = threading.Event()  # cuts a back-off sleep short when closing with a timeout
        self.counters = {"sent": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "dropped": 0, "retries": 0}
        self._thread: Optional[threading.Thread] = None
        _instances.add(self)
        self._start()

    # -- producer side -------------------------------------------------------------------------

    def add(self, kind: str, line: str) -> None:
        dropped = None
        with self._cond:
            self._ensure_worker()
            if self._queued >= self._max_buffer:
                dropped = self._drop_oldest()
            self._seq += 1
            q = self._queues[kind]
            q.append((self._seq, line))
            self._queued += 1
            if len(q) >= self._batch_size:
                self._cond.notify_all()
        if dropped is not None:
            # callbacks run outside the lock: a callback taking its own lock must not deadlock with log_*
            self._report_overflow(*dropped)

    def discard(self, kind: str, records: List[Any], reason: str, code: str, message: str) -> None:
        with self._cond:
            self.counters["dropped"] += len(records)
        self._on_drop(kind, lambda: records, reason)
        self._on_error(VigilSdkError(code, kind, message, record_count=len(records)))

    def stats(self) -> Dict[str, int]:
        with self._cond:
            return {**self.counters, "buffered": self._queued + self._in_flight}

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._queued + self._in_flight > 0

    def flush(self, timeout: Optional[float]) -> bool:
        """Sends everything queued now; True when all of it was acknowledged or given up in time."""
        if threading.current_thread() is self._thread:
            return False  # called from an on_error / on_drop callback: waiting for ourselves would never end
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._ensure_worker()
            target = self._seq
            self._target = max(self._target, target)
            self._cond.notify_all()
            while not self._settled(target):
                if self._thread is None or not self._thread.is_alive():
                    return False
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining if remaining is not None else 0.5)
            return True

    def stop(self, timeout: Optional[float]) -> bool:
        done = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._wakeup.set()
        return done

    # -- sender side ---------------------------------------------------------------------------

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="vigil-sdk-sender", daemon=True)
        self._thread.start()

    def _after_fork(self) -> None:
        # the child has the queue but not the thread, and maybe a lock held by a thread that is gone;
        # an in-flight batch may be sent twice, which the server de-duplicates by id
        self._cond = threading.Condition()
        self._wakeup = threading.Event()
        self._in_flight = 0
        self._sending_from = None
        self._thread = None

    def _ensure_worker(self) -> None:
        if self._thread is None and not self._stopping:
            self._start()

    def _settled(self, target: int) -> bool:
        for q in self._queues.values():
            if q and q[0][0] <= target:
                return False
        return self._sending_from is None or self._sending_from > target

    def _due_kind(self) -> Optional[str]:
        for kind, q in self._queues.items():
            if q and (len(q) >= self._batch_size or q[0][0] <= self._target):
                return kind
        return None

    def _run(self) -> None:
        next_tick = time.monotonic() + self._interval
        while True:
            with self._cond:
                while True:
                    now = time.monotonic()
                    if now >= next_tick:
                        self._target = self._seq
                        next_tick = now + self._interval
                    kind = self._due_kind()
                    if kind is not None or self._stopping:
                        break
                    self._cond.wait(max(0.0, next_tick - now))
                if kind is None:
                    return
                batch = self._take(kind)
                self._queued -= len(batch)
                self._in_flight += len(batch)
                self._sending_from = batch[0][0]
            lines = [e[1] for e in batch]
            try:
                self._send(kind, lines)
            except Exception as e:  # noqa: BLE001 - a bug guard: one batch must not stall the queue
                self._give_up(kind, lines, "rejected", "batch_rejected", Answer(0, error=e))
            finally:
                with self._cond:
                    self._in_flight -= len(batch)
                    self._sending_from = None
                    self._cond.notify_all()

    def _take(self, kind: str) -> List[Entry]:
        q = self._queues[kind]
        out: List[Entry] = []
        size = 0
        while q and len(out) < self._batch_size:
            size += len(q[0][1]) + 1
            if out and size > self._max_batch_bytes:
                break
            out.append(q.popleft())
        return out

    def _drop_oldest(self) -> Optional[Tuple[str, str, bool]]:
        """Drops the oldest queued record of any kind; the caller holds the lock and reports it."""
        oldest = None
        for kind, q in self._queues.items():
            if q and (oldest is None or q[0][0] < self._queues[oldest][0][0]):
                oldest = kind
        if oldest is None:
            return None
        _, line = self._queues[oldest].popleft()
        self._queued -= 1
        self.counters["dropped"] += 1
        self._cond.notify_all()
        first = not self._overflow_reported
        self._overflow_reported = True
        return oldest, line, first

    def _report_overflow(self, kind: str, line: str, first: bool) -> None:
        self._on_drop(kind, lambda: [parse_line(line)], "buffer_full")
        if first:
            self._on_error(VigilSdkError("buffer_full", kind, f"buffer full ({self._max_buffer} records): dropping the "
                                         "oldest records until the server catches up", record_count=1))

    def _send(self, kind: str, lines: List[str]) -> None:
        body = ("[" + ",".join(lines) + "]").encode("utf-8")
        attempt = 0
        while True:
            a = self._t.request("POST", f"/api/v1/{kind}", body)
            if 200 <= a.status < 300:
                self._acknowledge(kind, lines, a)
                return
            if a.status == 413:
                if len(lines) == 1:
                    self._give_up(kind, lines, "too_large", "record_too_large", a)
                    return
                mid = len(lines) // 2
                self._send(kind, lines[:mid])
                self._send(kind, lines[mid:])
                return
            if a.status not in RETRYABLE:
                # 400 "every record refused" and 404 "unknown model" still judge each record:
                # count those as rejected, not dropped
                if _has_record_verdicts(a.body):
                    self._acknowledge(kind, lines, a)
                else:
                    self._give_up(kind, lines, "rejected", "batch_rejected", a)
                return
            if attempt >= self._max_retries or (self._stopping and self._wakeup.is_set()):
                self._give_up(kind, lines, "retries_exhausted", "retries_exhausted", a)
                return
            with self._cond:
                self.counters["retries"] += 1
            delay = backoff_delay(attempt, self._retry_base, self._retry_max_delay)
            delay = max(delay, min(a.retry_after or 0.0, MAX_RETRY_AFTER))
            self._wakeup.wait(delay)
            attempt += 1

    def _acknowledge(self, kind: str, lines: List[str], a: Answer) -> None:
        r = a.body if isinstance(a.body, dict) else {}
        rejected = r.get("rejected") if isinstance(r.get("rejected"), int) else 0
        duplicates = r.get("duplicates") if isinstance(r.get("duplicates"), int) else 0
        accepted = r.get("accepted") if isinstance(r.get("accepted"), int) else len(lines) - rejected - duplicates
        with self._cond:
            c = self.counters
            c["sent"] += len(lines)
            c["accepted"] += accepted
            c["duplicates"] += duplicates
            c["rejected"] += rejected
            self._overflow_reported = False
        if rejected == 0:
            return
        errors = r.get("errors") if isinstance(r.get("errors"), list) else []
        records = [parse_line(lines[e["index"]]) for e in errors
                   if isinstance(e, dict) and isinstance(e.get("index"), int) and 0 <= e["index"] < len(lines)]
        why = ""
        if errors and isinstance(errors[0], dict) and errors[0].get("reasons"):
            f = errors[0]["reasons"][0]
            why = (f" (first: record {errors[0].get('index')} {f.get('field')}: {f.get('kind')}, "
                   f"expected {f.get('expected')}, got {f.get('got')})")
        self._on_error(VigilSdkError("records_rejected", kind, f"server refused {rejected} of {len(lines)} {kind}{why}",
                                     status=a.status, record_count=rejected, errors=errors, records=records,
                                     api_error=api_error_from(a, f"POST /api/v1/{kind}") if a.status >= 400 else None))

    def _give_up(self, kind: str, lines: List[str], reason: str, code: str, a: Answer) -> None:
        with self._cond:
            self.counters["dropped"] += len(lines)
        self._on_drop(kind, lambda: [parse_line(x) for x in lines], reason)
        api_error = api_error_from(a, f"POST /api/v1/{kind}")
        what = {"retries_exhausted": f"gave up after {self._max_retries} retries",
                "too_large": "a single record is over the server body limit"}.get(reason, "server refused the batch")
        self._on_error(VigilSdkError(code, kind, f"dropped {len(lines)} {kind}: {what}: {api_error.message}",
                                     status=a.status, record_count=len(lines), api_error=api_error))
