"""Delivery semantics of the Python SDK: retries, back-off, 413 split, 207, buffer bound."""

from __future__ import annotations

import time
import unittest

from _receiver import accept_all, failure, free_port, wait_until
from test_client import Base, pred

from vigil_sdk import backoff_delay


class Delivery(Base):
    def test_backoff_delay(self) -> None:
        self.assertEqual(backoff_delay(0, 0.2, 30, lambda: 0), 0)
        self.assertAlmostEqual(backoff_delay(0, 0.2, 30, lambda: 0.5), 0.1)
        self.assertAlmostEqual(backoff_delay(3, 0.2, 30, lambda: 0.5), 0.8)
        self.assertAlmostEqual(backoff_delay(1000, 0.2, 30, lambda: 0.5), 15.0)

    def test_retryable_statuses_are_retried_until_success(self) -> None:
        for status in (429, 500, 502, 503, 504):
            with self.subTest(status=status):
                self.r.requests.clear()
                self.r.responder = lambda req, n, s=status: failure(s, "unavailable") if n <= 2 else accept_all(req, n)
                c = self.client()
                for i in range(4):
                    c.log_prediction(pred(i))
                self.assertTrue(c.close(10))
                self.assertEqual([len(q.body) for q in self.r.requests], [4, 4, 4])
                self.assertEqual(c.stats(), {"sent": 4, "accepted": 4, "duplicates": 0, "rejected": 0, "dropped": 0,
                                             "retries": 2, "buffered": 0})
        self.assertEqual(self.errors, [])

    def test_retry_after_is_honoured(self) -> None:
        self.r.responder = lambda req, n: ({**failure(429, "rate_limited"), "headers": {"Retry-After": "1"}} if n == 1
                                           else accept_all(req, n))
        c = self.client()
        c.log_prediction(pred(1))
        t0 = time.monotonic()
        c.close(10)
        self.assertGreaterEqual(time.monotonic() - t0, 0.95)
        self.assertEqual(c.stats()["accepted"], 1)

    def test_gives_up_after_max_retries(self) -> None:
        self.r.responder = lambda req, n: failure(503, "unavailable")
        c = self.client(max_retries=2)
        c.log_prediction(pred(1))
        c.log_prediction(pred(2))
        c.close(10)
        self.assertEqual(len(self.r.requests), 3)
        s = c.stats()
        self.assertEqual((s["dropped"], s["retries"], s["buffered"]), (2, 2, 0))
        self.assertEqual(self.drops[0][2], "retries_exhausted")
        self.assertEqual([p["id"] for p in self.drops[0][1]], ["p-1", "p-2"])
        self.assertEqual(self.errors[0].code, "retries_exhausted")
        self.assertEqual(self.errors[0].status, 503)
        self.assertEqual(self.errors[0].api_error.code, "unavailable")

    def test_network_errors_are_retried_then_dropped(self) -> None:
        c = self.client(url=f"http://127.0.0.1:{free_port()}", max_retries=3)
        c.log_metric({"name": "cpu", "value": 1})
        c.close(10)
        self.assertEqual(c.stats()["retries"], 3)
        self.assertEqual(c.stats()["dropped"], 1)
        self.assertEqual(self.errors[0].api_error.code, "network_error")
        self.assertEqual(self.errors[0].status, 0)

    def test_timeouts_are_retried(self) -> None:
        self.r.responder = lambda req, n: {"status": 200, "hang": 1.0} if n == 1 else accept_all(req, n)
        c = self.client(timeout=0.2)
        c.log_prediction(pred(1))
        self.assertTrue(c.close(10))
        self.assertEqual(c.stats()["retries"], 1)
        self.assertEqual(c.stats()["accepted"], 1)

    def test_client_errors_are_not_retried(self) -> None:
        for status in (400, 401, 403, 404):
            with self.subTest(status=status):
                self.r.requests.clear()
                self.errors.clear()
                self.drops.clear()
                self.r.responder = lambda req, n, s=status: failure(s, "nope")
                c = self.client()
                c.log_prediction(pred(1))
                c.close(10)
                self.assertEqual(len(self.r.requests), 1)
                self.assertEqual(c.stats()["dropped"], 1)
                self.assertEqual(self.drops[0][2], "rejected")
                err = self.errors[0]
                self.assertEqual(err.code, "batch_rejected")
                self.assertEqual(err.api_error.status, status)
                self.assertEqual(err.api_error.hint, "do something")
                self.assertEqual(err.api_error.details, [{"field": "x", "message": "bad"}])

    def test_413_splits_until_it_fits_and_drops_a_lone_huge_record(self) -> None:
        def respond(req, n):
            ids = [p["id"] for p in req.body]
            if "p-huge" in ids or len(ids) > 2:
                return failure(413, "payload_too_large")
            return accept_all(req, n)

        self.r.responder = respond
        c = self.client()
        for i in range(5):
            c.log_prediction(pred(i))
        c.log_prediction({**pred(0), "id": "p-huge"})
        c.close(10)
        delivered = sorted(p["id"] for q in self.r.requests if len(q.body) <= 2 and
                           all(p["id"] != "p-huge" for p in q.body) for p in q.body)
        self.assertEqual(delivered, [f"p-{i}" for i in range(5)])
        s = c.stats()
        self.assertEqual((s["accepted"], s["dropped"], s["retries"]), (5, 1, 0))
        self.assertEqual(self.drops[0][2], "too_large")
        self.assertEqual(self.drops[0][1][0]["id"], "p-huge")
        self.assertEqual(self.errors[0].code, "record_too_large")

    def test_207_counts_and_reports_refused_records(self) -> None:
        def respond(req, n):
            size = len(req.body)
            return {"status": 207, "body": {"accepted": size - 1, "duplicates": 0, "rejected": 1, "errors": [
                {"index": 1, "id": "p-1", "reasons": [{"field": "features.x", "kind": "wrong_type",
                                                        "expected": "number", "got": 'string "a"'}]}]}}

        self.r.responder = respond
        c = self.client()
        for i in range(3):
            c.log_prediction(pred(i))
        c.close(10)
        self.assertEqual(len(self.r.requests), 1)
        self.assertEqual(c.stats(), {"sent": 3, "accepted": 2, "duplicates": 0, "rejected": 1, "dropped": 0,
                                     "retries": 0, "buffered": 0})
        self.assertEqual(self.drops, [])
        err = self.errors[0]
        self.assertEqual(err.code, "records_rejected")
        self.assertEqual(err.errors[0]["reasons"][0]["kind"], "wrong_type")
        self.assertEqual(err.records[0]["id"], "p-1")
        self.assertIn("features.x: wrong_type", err.message)

    def test_400_or_404_judging_each_record_counts_rejected_not_dropped(self) -> None:
        def respond(req, n):
            return {"status": 404, "body": {
                "error": {"code": "not_found", "message": "no record names a registered model", "hint": "register it"},
                "accepted": 0, "duplicates": 0, "rejected": len(req.body),
                "errors": [{"index": i, "id": p["id"], "reasons": [{"field": "model", "kind": "unknown_model",
                                                                     "expected": "a registered model", "got": "m"}]}
                           for i, p in enumerate(req.body)]}}

        self.r.responder = respond
        c = self.client()
        c.log_prediction(pred(1))
        c.log_prediction(pred(2))
        c.close(10)
        self.assertEqual(len(self.r.requests), 1)
        self.assertEqual(c.stats(), {"sent": 2, "accepted": 0, "duplicates": 0, "rejected": 2, "dropped": 0,
                                     "retries": 0, "buffered": 0})
        self.assertEqual(self.drops, [])
        self.assertEqual(self.errors[0].code, "records_rejected")
        self.assertEqual(self.errors[0].status, 404)
        self.assertEqual(self.errors[0].api_error.hint, "register it")
        self.assertEqual(len(self.errors[0].records), 2)

    def test_buffer_is_bounded_oldest_first_across_kinds(self) -> None:
        self.r.responder = lambda req, n: {"status": 200, "delay": 0, "body": {"accepted": len(req.body)}}
        c = self.client(max_buffer_size=4, batch_size=1000)
        c.log_prediction(pred(1))
        c.log_label({"prediction_id": "p-1", "model": "m", "label": "a"})
        c.log_prediction(pred(2))
        c.log_metric({"name": "cpu", "value": 1})
        c.log_prediction(pred(3))
        c.log_prediction(pred(4))
        self.assertEqual(c.stats()["buffered"], 4)
        self.assertEqual(c.stats()["dropped"], 2)
        self.assertEqual([(d[0], d[2]) for d in self.drops], [("predictions", "buffer_full"), ("labels", "buffer_full")])
        self.assertEqual(self.drops[0][1][0]["id"], "p-1")
        self.assertEqual(len([e for e in self.errors if e.code == "buffer_full"]), 1)
        c.close(10)
        self.assertEqual([p["id"] for p in self.r.records("/api/v1/predictions")], ["p-2", "p-3", "p-4"])
        self.assertEqual(self.r.records("/api/v1/labels"), [])

    def test_memory_stays_bounded_while_the_server_is_down(self) -> None:
        self.r.responder = lambda req, n: failure(503, "unavailable")
        c = self.client(max_buffer_size=1000, batch_size=100, max_retries=0, flush_interval=0.005)
        peak = 0
        for i in range(20_000):
            c.log_prediction(pred(i))
            if i % 100 == 0:
                peak = max(peak, c.stats()["buffered"])
        self.assertLessEqual(peak, 1100)
        c.close(30)
        self.assertEqual(c.stats()["dropped"], 20_000)

    def test_close_with_timeout_stops_retrying_a_dead_server(self) -> None:
        self.r.responder = lambda req, n: failure(503, "unavailable")
        c = self.client(retry_base=1.0, retry_max_delay=30.0)
        c.log_prediction(pred(1))
        t0 = time.monotonic()
        self.assertFalse(c.close(timeout=0.3))
        self.assertTrue(wait_until(lambda: c.stats()["buffered"] == 0, 5))
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(c.stats()["dropped"], 1)


if __name__ == "__main__":
    unittest.main()
