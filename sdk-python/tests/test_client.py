"""Unit tests of the Python SDK against a real http.server receiver."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
import textwrap
import threading
import time
import unittest
from pathlib import Path

from _receiver import Receiver, accept_all, collect, failure, wait_until

from vigil_sdk import VigilClient
from vigil_sdk._encode import encode

SDK_ROOT = Path(__file__).resolve().parents[1]


def pred(i: int) -> dict:
    return {"id": f"p-{i}", "model": "m", "version": "1", "ts": 1_800_000_000_000 + i, "features": {"x": i},
            "prediction": "yes"}


class Base(unittest.TestCase):
    responder = staticmethod(accept_all)

    def setUp(self) -> None:
        self.r = Receiver(type(self).responder)
        self.addCleanup(self.r.close)
        self.errors, self.drops, self.cb = collect()

    def client(self, **kw) -> VigilClient:
        opts = dict(token="test-token-0123456789", flush_interval=60.0, retry_base=0.005, retry_max_delay=0.02,
                    handle_exit=False, **self.cb)
        opts.update(kw)
        c = VigilClient(kw.pop("url", self.r.url), **{k: v for k, v in opts.items() if k != "url"})
        self.addCleanup(c.close, 5)
        return c


class Batching(Base):
    def test_full_batches_go_at_once_the_rest_on_flush(self) -> None:
        c = self.client(batch_size=3)
        for i in range(7):
            c.log_prediction(pred(i))
        self.assertTrue(c.flush(5))
        self.assertEqual(sorted(len(q.body) for q in self.r.requests), [1, 3, 3])
        self.assertEqual([p["id"] for p in self.r.records("/api/v1/predictions")], [f"p-{i}" for i in range(7)])
        self.assertEqual(c.stats(), {"sent": 7, "accepted": 7, "duplicates": 0, "rejected": 0, "dropped": 0,
                                     "retries": 0, "buffered": 0})

    def test_interval_sends_partial_batches(self) -> None:
        c = self.client(flush_interval=0.02)
        c.log_metric({"name": "cpu", "value": 1.0})
        self.assertTrue(wait_until(lambda: len(self.r.requests) == 1))

    def test_kinds_endpoints_auth_json_and_gzip(self) -> None:
        c = self.client()
        for i in range(50):
            c.log_prediction(pred(i))
        c.log_label({"prediction_id": "p-1", "model": "m", "label": "no"})
        c.log_metric({"name": "cpu", "labels": {"host": "a"}, "value": 1})
        c.log_log({"level": "error", "message": "boom"})
        c.log_pipeline_run({"pipeline": "etl", "run_id": "r1", "status": "running"})
        c.log_training_run({"run_id": "t1", "model": "m", "status": "running", "metrics": {"loss": [[0, 1.0]]}})
        c.flush(5)
        self.assertEqual(sorted(q.path for q in self.r.requests),
                         ["/api/v1/labels", "/api/v1/logs", "/api/v1/metrics", "/api/v1/pipeline-runs",
                          "/api/v1/predictions", "/api/v1/training-runs"])
        for q in self.r.requests:
            self.assertEqual(q.method, "POST")
            self.assertEqual(q.headers["authorization"], "Bearer test-token-0123456789")
            self.assertEqual(q.headers["content-type"], "application/json")
        by_path = {q.path: q for q in self.r.requests}
        self.assertEqual(by_path["/api/v1/predictions"].headers.get("content-encoding"), "gzip")
        self.assertIsNone(by_path["/api/v1/metrics"].headers.get("content-encoding"))

    def test_gzip_off(self) -> None:
        c = self.client(gzip=False)
        for i in range(50):
            c.log_prediction(pred(i))
        c.flush(5)
        self.assertIsNone(self.r.requests[0].headers.get("content-encoding"))

    def test_fills_ts_and_ids_converts_datetimes_and_non_finite_floats(self) -> None:
        c = self.client()
        before = time.time()
        pid = c.log_prediction({"model": "m", "version": "1", "prediction": 1,
                                "features": {"a": float("nan"), "b": math.inf, "c": -math.inf, "d": 2.5},
                                "feature_ts": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))})
        lid = c.log_log({"level": "info", "message": "hi"})
        c.log_label({"prediction_id": pid, "model": "m", "label": True, "ts": dt.datetime(2026, 1, 3)})
        c.log_pipeline_run({"pipeline": "etl", "run_id": "r", "status": "succeeded",
                            "ended_at": dt.datetime(2026, 1, 4, tzinfo=dt.timezone.utc)})
        c.flush(5)
        p = self.r.records("/api/v1/predictions")[0]
        self.assertEqual(p["id"], pid)
        self.assertRegex(pid, r"^[0-9a-f-]{36}$")
        self.assertRegex(p["ts"], r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
        ts = dt.datetime.fromisoformat(p["ts"].replace("Z", "+00:00")).timestamp()
        self.assertGreaterEqual(ts, before - 1)
        self.assertEqual(p["features"], {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": 2.5})
        self.assertEqual(p["feature_ts"], "2026-01-02T02:04:05.000Z")
        self.assertEqual(self.r.records("/api/v1/logs")[0]["id"], lid)
        self.assertEqual(self.r.records("/api/v1/labels")[0]["ts"], "2026-01-03T00:00:00.000Z")  # naive = UTC
        run = self.r.records("/api/v1/pipeline-runs")[0]
        self.assertEqual(run["ended_at"], "2026-01-04T00:00:00.000Z")
        self.assertIsInstance(run["started_at"], str)

    def test_record_is_a_snapshot(self) -> None:
        c = self.client()
        p = pred(1)
        c.log_prediction(p)
        p["features"]["x"] = 999
        c.flush(5)
        self.assertEqual(self.r.records("/api/v1/predictions")[0]["features"], {"x": 1})

    def test_unencodable_and_non_mapping_records_are_dropped_and_reported(self) -> None:
        c = self.client()
        circular: dict = {"x": 1}
        circular["self"] = circular
        c.log_prediction({**pred(1), "features": circular})
        c.log_prediction({**pred(2), "features": {"x": object()}})
        c.log_metric(["not", "a", "dict"])  # type: ignore[arg-type]
        c.log_prediction(pred(3))
        c.flush(5)
        self.assertEqual([p["id"] for p in self.r.records("/api/v1/predictions")], ["p-3"])
        self.assertEqual([d[2] for d in self.drops], ["unserializable"] * 3)
        self.assertEqual(c.stats()["dropped"], 3)
        self.assertEqual(self.errors[0].code, "unserializable")

    def test_thread_safe_under_concurrent_logging(self) -> None:
        c = self.client(batch_size=100)

        def work(t: int) -> None:
            for i in range(500):
                c.log_prediction({**pred(i), "id": f"t{t}-{i}"})

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(c.flush(10))
        ids = [p["id"] for p in self.r.records("/api/v1/predictions")]
        self.assertEqual(len(ids), 4000)
        self.assertEqual(len(set(ids)), 4000)
        self.assertEqual(c.stats()["accepted"], 4000)

    def test_numpy_like_scalars_are_encoded(self) -> None:
        class FakeScalar:
            def item(self) -> float:
                return float("nan")

        self.assertEqual(encode({"a": FakeScalar(), "b": (1, 2)}), '{"a":"NaN","b":[1,2]}')


class SlowServer(Base):
    delay = 0.3

    @staticmethod
    def responder(req, n):  # type: ignore[override]
        reply = accept_all(req, n)
        reply["delay"] = SlowServer.delay
        return reply

    def test_flush_waits_for_the_ack_and_gives_up_waiting_at_timeout(self) -> None:
        c = self.client()
        c.log_prediction(pred(1))
        self.assertTrue(c.flush())
        self.assertEqual(c.stats()["accepted"], 1)
        SlowServer.delay = 1.5
        self.addCleanup(setattr, SlowServer, "delay", 0.3)
        c.log_prediction(pred(2))
        self.assertFalse(c.flush(timeout=0.05))
        self.assertEqual(c.stats()["buffered"], 1)
        self.assertTrue(c.close())
        self.assertEqual(c.stats()["accepted"], 2)


class Lifecycle(Base):
    def test_close_is_idempotent_and_later_records_are_dropped(self) -> None:
        c = self.client()
        c.log_prediction(pred(1))
        self.assertTrue(c.close())
        self.assertTrue(c.close())
        self.assertEqual(len(self.r.records("/api/v1/predictions")), 1)
        c.log_prediction(pred(2))
        self.assertEqual(self.drops[0][2], "closed")
        self.assertEqual(self.drops[0][1][0]["id"], "p-2")
        self.assertEqual(self.errors[0].code, "client_closed")

    def test_context_manager_flushes(self) -> None:
        with VigilClient(self.r.url, "tok", flush_interval=60, handle_exit=False) as c:
            c.log_metric({"name": "cpu", "value": 1})
        self.assertEqual(len(self.r.records("/api/v1/metrics")), 1)

    def test_bad_options_are_refused_with_their_name(self) -> None:
        with self.assertRaisesRegex(ValueError, "url must be an http"):
            VigilClient("localhost:8470", "t")
        with self.assertRaisesRegex(ValueError, "token is required"):
            VigilClient("http://x", "")
        with self.assertRaisesRegex(ValueError, "batch_size must be a number >= 1"):
            VigilClient("http://x", "t", batch_size=0)

    def test_throwing_callbacks_do_not_break_sending(self) -> None:
        def boom(*_a) -> None:
            raise RuntimeError("user bug")

        self.r.responder = lambda req, n: failure(400, "bad_request") if n == 1 else accept_all(req, n)
        c = VigilClient(self.r.url, "tok", flush_interval=60, handle_exit=False, on_error=boom, on_drop=boom)
        self.addCleanup(c.close, 5)
        with self.assertLogs("vigil_sdk", level="ERROR"):
            c.log_prediction(pred(1))
            c.flush(5)
        c.log_prediction(pred(2))
        c.flush(5)
        self.assertEqual(c.stats()["accepted"], 1)
        self.assertEqual(c.stats()["dropped"], 1)

    def test_flush_from_a_callback_returns_instead_of_deadlocking(self) -> None:
        self.r.responder = lambda req, n: failure(400, "bad_request")
        results = []
        holder = {}
        c = VigilClient(self.r.url, "tok", flush_interval=60, handle_exit=False,
                        on_error=lambda err: results.append(holder["c"].flush(1)))
        holder["c"] = c
        self.addCleanup(c.close, 5)
        c.log_prediction(pred(1))
        self.assertTrue(c.flush(5))
        self.assertEqual(results, [False])

    def test_default_on_error_warns_through_logging(self) -> None:
        self.r.responder = lambda req, n: failure(400, "bad_request")
        c = VigilClient(self.r.url, "tok", flush_interval=60, handle_exit=False)
        with self.assertLogs("vigil_sdk", level="WARNING") as logs:
            c.log_prediction(pred(1))
            c.close(5)
        self.assertIn("batch_rejected", logs.output[0])

    def _run_child(self, body: str, timeout: float = 30) -> subprocess.CompletedProcess:
        code = f"import sys; sys.path.insert(0, {str(SDK_ROOT)!r})\nfrom vigil_sdk import VigilClient\n" + textwrap.dedent(body)
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)

    def test_atexit_flushes_buffered_records_with_retries(self) -> None:
        self.r.responder = lambda req, n: failure(503, "unavailable") if n <= 2 else accept_all(req, n)
        res = self._run_child(f"""
            c = VigilClient({self.r.url!r}, "tok", flush_interval=600, retry_base=0.05)
            for i in range(3):
                c.log_prediction({{"id": f"p{{i}}", "model": "m", "version": "1", "features": {{}}, "prediction": "a"}})
        """)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertEqual(len(self.r.requests), 3)
        self.assertEqual([p["id"] for p in self.r.requests[2].body], ["p0", "p1", "p2"])

    def test_idle_client_does_not_keep_the_interpreter_alive(self) -> None:
        res = self._run_child("""
            c = VigilClient("http://127.0.0.1:1", "tok", flush_interval=0.01)
            print("done", c.stats()["buffered"])
        """, timeout=20)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("done 0", res.stdout)

    @unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
    def test_child_after_fork_gets_a_sender(self) -> None:
        res = self._run_child(f"""
            import os
            c = VigilClient({self.r.url!r}, "tok", flush_interval=600)
            c.flush()
            pid = os.fork()
            if pid == 0:
                c.log_metric({{"name": "child", "value": 1}})
                ok = c.flush(10)
                os._exit(0 if ok else 3)
            _, status = os.waitpid(pid, 0)
            print("child", os.waitstatus_to_exitcode(status))
        """)
        self.assertIn("child 0", res.stdout, res.stderr)
        self.assertEqual([m["name"] for m in self.r.records("/api/v1/metrics")], ["child"])


if __name__ == "__main__":
    unittest.main()
