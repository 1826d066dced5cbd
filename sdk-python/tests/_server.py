"""Starts the real Vigil server (``vigil serve``) as a subprocess for the integration tests."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional

from _receiver import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
MAIN = REPO_ROOT / "packages" / "cli" / "src" / "main.ts"


def server_available() -> Optional[str]:
    """None when the server can be started here, else why not."""
    if not MAIN.exists():
        return f"{MAIN} does not exist"
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (REPO_ROOT / "node_modules" / "tsx").exists():
        return "node_modules/tsx is missing (run npm ci)"
    return None


class VigilServer:
    def __init__(self, env: Optional[Dict[str, str]] = None, ready_timeout: float = 30.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = "py-int-admin-" + secrets.token_hex(8)
        self.data_dir = tempfile.mkdtemp(prefix="vigil-py-int-")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            ["node", "--import", "tsx", "packages/cli/src/main.ts", "serve"], cwd=REPO_ROOT,
            env={**os.environ, "VIGIL_PORT": str(self.port), "VIGIL_HOST": "127.0.0.1", "VIGIL_DATA_DIR": self.data_dir,
                 "VIGIL_ADMIN_TOKEN": self.token, "VIGIL_LOG_LEVEL": "warn", **(env or {})},
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_timeout
        while True:
            if self.proc.poll() is not None:
                out = self._output()
                self._cleanup()
                raise RuntimeError(f"vigil serve exited with {self.proc.returncode} before it was ready:\n{out}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1) as res:
                    if res.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.proc.kill()
                out = self._output()
                self._cleanup()
                raise RuntimeError(f"vigil serve did not answer /api/v1/health within {ready_timeout} s:\n{out}")
            time.sleep(0.2)

    def get(self, path: str) -> Any:
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            return json.loads(res.read())

    def _output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-4000:]

    def _cleanup(self) -> None:
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._cleanup()
