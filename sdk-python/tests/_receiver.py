"""A real http.server receiver for the unit tests: records every request (gunzipped, parsed) and
answers with whatever the test's responder returns."""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class Request:
    def __init__(self, method: str, path: str, headers: Dict[str, str], body: Any) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


Reply = Dict[str, Any]  # status, body?, headers?, delay?, hang?
Responder = Callable[[Request, int], Reply]


def accept_all(req: Request, n: int) -> Reply:
    size = len(req.body) if isinstance(req.body, list) else 0
    return {"status": 200, "body": {"accepted": size, "duplicates": 0, "rejected": 0, "errors": []}}


def failure(status: int, code: str) -> Reply:
    return {"status": status, "body": {"error": {"code": code, "message": f"{code} happened", "hint": "do something",
                                                  "details": [{"field": "x", "message": "bad"}]}}}


class Receiver:
    def __init__(self, responder: Responder = accept_all) -> None:
        self.responder = responder
        self.requests: List[Request] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                # JSON bodies are decoded; a file (a drift reference) is kept as its bytes
                is_json = (self.headers.get("Content-Type") or "application/json").startswith("application/json")
                body = (json.loads(raw) if is_json else raw) if raw else None
                req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._lock:
                    receiver.requests.append(req)
                    n = len(receiver.requests)
                reply = receiver.responder(req, n)
                if reply.get("hang"):
                    time.sleep(reply["hang"])
                    self.close_connection = True
                    return
                if reply.get("delay"):
                    time.sleep(reply["delay"])
                out = b"" if reply.get("body") is None else json.dumps(reply["body"]).encode()
                self.send_response(reply["status"])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                for k, v in (reply.get("headers") or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def records(self, path: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [r for q in self.requests if q.path == path and isinstance(q.body, list) for r in q.body]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_until(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def free_port() -> int:
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def collect() -> "tuple[list, list, dict]":
    errors: list = []
    drops: list = []
    opts: Dict[str, Optional[Callable[..., None]]] = {
        "on_error": errors.append,
        "on_drop": lambda kind, records, reason: drops.append((kind, records, reason)),
    }
    return errors, drops, opts
