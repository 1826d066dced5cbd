"""Integration tests: the Python SDK against the real Vigil server (started as a subprocess)."""

from __future__ import annotations

import datetime as dt
import unittest

from _receiver import collect
from _server import VigilServer, server_available

from vigil_sdk import VigilApiError, VigilClient

WHY_NOT = server_available()


def model_spec(model_id: str) -> dict:
    return {"id": model_id, "name": f"Python SDK {model_id}", "task": "binary", "owner_team": "sdk",
            "schema": {"features": [{"name": "x", "type": "numeric", "min": 0, "max": 10000},
                                    {"name": "plan", "type": "categorical", "categories": ["free", "pro"]}],
                       "segments": ["country"], "classes": ["yes", "no"]}}


@unittest.skipIf(WHY_NOT is not None, f"the Vigil server cannot be started here: {WHY_NOT}")
class AgainstRealServer(unittest.TestCase):
    server: VigilServer

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = VigilServer()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()

    def client(self, **kw) -> "tuple[VigilClient, list, list]":
        errors, drops, cb = collect()
        opts = {"handle_exit": False, **cb, **kw}
        c = VigilClient(self.server.url, kw.pop("token", self.server.token), **{k: v for k, v in opts.items() if k != "token"})
        self.addCleanup(c.close, 10)
        return c, errors, drops

    def test_drift_reference_from_a_file(self) -> None:
        import os
        import tempfile
        c, _, _ = self.client()
        c.create_model(model_spec("py-ref"))
        c.create_version("py-ref", {"version": "1"})
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "train.csv")
            with open(path, "w") as f:
                f.write("x,plan,other\n" + "".join(f"{i},{'pro' if i % 3 else 'free'},0\n" for i in range(300)))
            r = c.upload_reference("py-ref", "1", path)
            self.assertEqual((r["rows"], r["ignored_columns"]), (300, ["other"]))
            with open(path, "w") as f:
                f.write("x,plan\n1,free\nten,pro\n")
            with self.assertRaises(VigilApiError) as cm:
                c.upload_reference("py-ref", "1", path)
        self.assertEqual(cm.exception.status, 400)
        self.assertEqual(cm.exception.details[0]["field"], "x")
        self.assertEqual([x["version"] for x in c.list_references("py-ref")], ["1"])

    def test_registry(self) -> None:
        c, _, _ = self.client()
        self.assertEqual(c.health()["status"], "ok")
        self.assertEqual(c.create_model(model_spec("py-registry"))["id"], "py-registry")
        with self.assertRaises(VigilApiError) as cm:
            c.create_model(model_spec("py-registry"))
        self.assertEqual(cm.exception.status, 409)
        self.assertIn("py-registry", [m["id"] for m in c.list_models()])
        self.assertEqual(c.update_model("py-registry", {"tags": ["py"]})["tags"], ["py"])
        with self.assertRaises(VigilApiError) as cm:
            c.get_model("py-no-such-model")
        self.assertEqual(cm.exception.status, 404)
        c.create_version("py-registry", {"version": "1", "validation_metrics": {"accuracy": 0.9}})
        self.assertEqual([v["version"] for v in c.list_versions("py-registry")], ["1"])
        d = c.create_deployment("py-registry", {"version": "1", "environment": "production",
                                                "started_at": dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)})
        self.assertEqual(c.update_deployment("py-registry", d["id"], {"outcome": "succeeded",
                                                                      "ended_at": dt.datetime.now(dt.timezone.utc)})["outcome"], "succeeded")
        self.assertEqual([x["id"] for x in c.list_deployments("py-registry")], [d["id"]])

    def test_predictions_and_labels_arrive_and_duplicates_do_not_double_count(self) -> None:
        c, errors, drops = self.client()
        c.create_model(model_spec("py-flow"))
        t0 = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        for i in range(2000):
            c.log_prediction({"id": f"flow-{i}", "model": "py-flow", "version": "1", "ts": t0 + dt.timedelta(seconds=i),
                              "features": {"x": i, "plan": "pro" if i % 2 else "free"}, "prediction": "yes" if i % 3 else "no",
                              "score": (i % 100) / 100, "segment": {"country": "de" if i % 2 else "fr"}})
            c.log_label({"prediction_id": f"flow-{i}", "model": "py-flow", "label": "yes" if i % 2 else "no"})
        self.assertTrue(c.flush(60))
        self.assertEqual(errors, [])
        self.assertEqual(drops, [])
        self.assertEqual(c.stats(), {"sent": 4000, "accepted": 4000, "duplicates": 0, "rejected": 0, "dropped": 0,
                                     "retries": 0, "buffered": 0})
        items = self.server.get("/api/v1/predictions?model=py-flow&limit=5000")["items"]
        self.assertEqual(len(items), 2000)
        p = next(x for x in items if x["id"] == "flow-1234")
        self.assertEqual(p["features"], {"x": 1234, "plan": "free"})
        self.assertEqual(p["segment"], {"country": "fr"})
        self.assertEqual(len(self.server.get("/api/v1/labels?model=py-flow&limit=5000")["items"]), 2000)

        again, _, _ = self.client(batch_size=300)
        for i in range(2000):
            again.log_prediction({"id": f"flow-{i}", "model": "py-flow", "version": "1", "ts": t0 + dt.timedelta(seconds=i),
                                  "features": {"x": i, "plan": "free"}, "prediction": "yes"})
        self.assertTrue(again.close(60))
        self.assertEqual((again.stats()["duplicates"], again.stats()["accepted"]), (2000, 0))
        self.assertEqual(len(self.server.get("/api/v1/predictions?model=py-flow&limit=5000")["items"]), 2000)

    def test_nan_features_are_reported_not_crashed(self) -> None:
        c, errors, drops = self.client()
        c.create_model(model_spec("py-nan"))
        c.log_prediction({"id": "ok-1", "model": "py-nan", "version": "1", "features": {"x": 1.5, "plan": "pro"}, "prediction": "yes"})
        c.log_prediction({"id": "nan-1", "model": "py-nan", "version": "1", "features": {"x": float("nan"), "plan": "pro"}, "prediction": "yes"})
        c.log_prediction({"id": "inf-1", "model": "py-nan", "version": "1", "features": {"x": float("inf"), "plan": "pro"}, "prediction": "yes"})
        self.assertTrue(c.close(30))
        s = c.stats()
        self.assertEqual((s["accepted"], s["rejected"], s["dropped"]), (1, 2, 0))
        self.assertEqual(drops, [])
        err = next(e for e in errors if e.code == "records_rejected")
        self.assertEqual(err.status, 207)
        kinds = {e["id"]: [f"{r['field']}:{r['kind']}" for r in e["reasons"]] for e in err.errors}
        self.assertEqual(kinds, {"nan-1": ["features.x:nan_or_infinity"], "inf-1": ["features.x:nan_or_infinity"]})
        self.assertEqual([p["id"] for p in self.server.get("/api/v1/predictions?model=py-nan&limit=10")["items"]], ["ok-1"])

    def test_other_kinds_are_accepted(self) -> None:
        c, errors, _ = self.client()
        c.create_model(model_spec("py-kinds"))
        now = dt.datetime.now(dt.timezone.utc)
        c.log_metric({"name": "gpu.utilization", "labels": {"host": "gpu-1"}, "value": 0.7})
        c.log_log({"level": "error", "model": "py-kinds", "message": "timeout", "error_class": "TimeoutError"})
        c.log_pipeline_run({"pipeline": "features", "run_id": "run-1", "status": "succeeded",
                            "started_at": now - dt.timedelta(minutes=5), "ended_at": now, "rows_in": 10, "rows_out": 9})
        c.log_training_run({"run_id": "train-1", "model": "py-kinds", "status": "succeeded", "started_at": now - dt.timedelta(hours=1),
                            "ended_at": now, "params": {"lr": 0.1}, "metrics": {"loss": [[0, 0.9], [1, 0.4]]},
                            "dataset_sizes": {"train": 800}})
        self.assertTrue(c.close(30))
        self.assertEqual([e.message for e in errors], [])
        self.assertEqual(c.stats()["accepted"], 4)

    def test_wrong_token(self) -> None:
        c, errors, drops = self.client(token="not-the-right-token-at-all")
        c.log_metric({"name": "cpu", "value": 1})
        c.close(30)
        self.assertEqual([(d[0], d[2]) for d in drops], [("metrics", "rejected")])
        self.assertEqual((errors[0].code, errors[0].status), ("batch_rejected", 401))
        with self.assertRaises(VigilApiError) as cm:
            c.list_models()
        self.assertEqual(cm.exception.status, 401)


if __name__ == "__main__":
    unittest.main()
