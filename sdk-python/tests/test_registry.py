"""Registry calls of the Python SDK against a real http.server receiver."""

from __future__ import annotations

import datetime as dt
import unittest

from _receiver import free_port
from test_client import Base

from vigil_sdk import VigilApiError, VigilClient


class Registry(Base):
    def test_routes_auth_and_bodies(self) -> None:
        def respond(req, n):
            if req.method == "GET" and req.path.endswith(("/versions", "/deployments")) or req.path == "/api/v1/models" and req.method == "GET":
                return {"status": 200, "body": {"items": [{"path": req.path}]}}
            return {"status": 201 if req.method == "POST" else 200, "body": {"ok": req.path}}

        self.r.responder = respond
        c = VigilClient(self.r.url + "/", "tok-0123456789abcdef", handle_exit=False)
        self.addCleanup(c.close)
        model = {"id": "churn", "name": "Churn", "task": "binary", "schema": {"features": [{"name": "age", "type": "numeric"}]}}
        self.assertEqual(c.create_model(model), {"ok": "/api/v1/models"})
        c.get_model("churn")
        self.assertEqual(c.list_models(), [{"path": "/api/v1/models"}])
        c.update_model("churn", {"tags": ["a"]})
        c.create_version("churn", {"version": "1", "validation_metrics": {"accuracy": 0.9}})
        c.list_versions("churn")
        c.create_deployment("churn", {"version": "1", "environment": "production",
                                      "started_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)})
        c.update_deployment("churn", "d 1", {"outcome": "succeeded"})
        c.list_deployments("churn")
        self.assertEqual([f"{q.method} {q.path}" for q in self.r.requests], [
            "POST /api/v1/models", "GET /api/v1/models/churn", "GET /api/v1/models", "PATCH /api/v1/models/churn",
            "POST /api/v1/models/churn/versions", "GET /api/v1/models/churn/versions",
            "POST /api/v1/models/churn/deployments", "PATCH /api/v1/models/churn/deployments/d%201",
            "GET /api/v1/models/churn/deployments"])
        for q in self.r.requests:
            self.assertEqual(q.headers["authorization"], "Bearer tok-0123456789abcdef")
        self.assertEqual(self.r.requests[0].body, model)
        self.assertEqual(self.r.requests[6].body["started_at"], "2026-01-01T00:00:00.000Z")

    def test_drift_references(self) -> None:
        import os
        import tempfile
        self.r.responder = lambda req, n: {"status": 200 if req.method == "GET" else 201,
                                           "body": {"references": [{"version": "1"}]} if req.method == "GET" else {"rows": 2}}
        c = VigilClient(self.r.url, "tok", handle_exit=False)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "train set.csv")
            with open(path, "wb") as f:
                f.write(b"age,country\n31,de\n42,fr\n")
            self.assertEqual(c.upload_reference("churn", "1", path), {"rows": 2})
        c.upload_reference("churn", "2", b"PAR1", format="parquet", name="x.parquet")
        with self.assertRaises(ValueError):
            c.upload_reference("churn", "2", b"age\n1\n")
        c.reference_from_window("churn", "3", "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z", only_version="3", segments={"region": "eu"})
        self.assertEqual(c.list_references("churn"), [{"version": "1"}])
        up, pq, win, ls = self.r.requests
        self.assertEqual(up.path, "/api/v1/models/churn/versions/1/reference?format=csv&name=train+set.csv")
        self.assertEqual((up.headers["content-type"], up.body), ("text/csv", b"age,country\n31,de\n42,fr\n"))
        self.assertEqual((pq.headers["content-type"], pq.body), ("application/vnd.apache.parquet", b"PAR1"))
        self.assertEqual(win.body, {"from": "2026-11-01T00:00:00Z", "to": "2026-11-08T00:00:00Z", "version": "3", "segments": {"region": "eu"}})
        self.assertEqual(ls.path, "/api/v1/models/churn/references")

    def test_errors_raise_vigil_api_error(self) -> None:
        self.r.responder = lambda req, n: {"status": 409, "body": {"error": {
            "code": "conflict", "message": "model churn exists", "hint": "use PATCH", "details": [{"field": "id", "message": "taken"}]}}}
        c = VigilClient(self.r.url, "tok", handle_exit=False)
        with self.assertRaises(VigilApiError) as cm:
            c.create_model({"id": "churn"})
        e = cm.exception
        self.assertEqual((e.status, e.code, e.hint), (409, "conflict", "use PATCH"))
        self.assertIn("model churn exists", str(e))
        self.assertEqual(e.details, [{"field": "id", "message": "taken"}])

    def test_reads_retry_5xx_creations_do_not(self) -> None:
        oops = {"status": 500, "body": {"error": {"code": "internal", "message": "oops"}}}
        self.r.responder = lambda req, n: oops if req.method == "POST" or n <= 2 else {"status": 200, "body": {"id": "churn"}}
        c = VigilClient(self.r.url, "tok", handle_exit=False, retry_base=0.001, retry_max_delay=0.005)
        self.assertEqual(c.get_model("churn"), {"id": "churn"})
        self.assertEqual(len(self.r.requests), 3)
        with self.assertRaises(VigilApiError) as cm:
            c.create_version("churn", {"version": "2"})
        self.assertEqual(cm.exception.status, 500)
        self.assertEqual(len(self.r.requests), 4)

    def test_health_sends_no_auth(self) -> None:
        self.r.responder = lambda req, n: {"status": 200, "body": {"status": "ok"}}
        c = VigilClient(self.r.url, "tok", handle_exit=False)
        self.assertEqual(c.health(), {"status": "ok"})
        self.assertNotIn("authorization", self.r.requests[0].headers)

    def test_unreachable_server(self) -> None:
        c = VigilClient(f"http://127.0.0.1:{free_port()}", "tok", handle_exit=False, retry_base=0.001, retry_max_delay=0.002)
        with self.assertRaises(VigilApiError) as cm:
            c.list_models()
        self.assertEqual((cm.exception.status, cm.exception.code), (0, "network_error"))


if __name__ == "__main__":
    unittest.main()
