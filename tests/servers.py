"""Helpers to start a real action server and a real Rasa server with the trained model in tests.

The servers start once per test session on free ports, with a fresh SQLite tracker store in a
temporary folder, so tests never touch a developer's running assistant or its conversations.
`make test` trains models/wegwijs.tar.gz before pytest runs.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "wegwijs.tar.gz"
# Origins of the demo page the browser tests serve (see tests/e2e/).
TEST_SITE_ORIGINS = "http://127.0.0.1:18000 http://localhost:18000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=str(ROOT),
        WEGWIJS_ALLOWED_ORIGINS=TEST_SITE_ORIGINS,
    )
    env.update(extra)
    return env


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {timeout} s\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class RasaServer:
    """A running Rasa server for tests."""

    url: str
    tracker_db: Path
    endpoints: Path
    token: str
    log: Path

    def send(self, text: str, sender: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Send one message over the REST channel and return the bot's messages."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> dict[str, Any]:
        """NLU result for a text (HTTP API, token protected)."""
        response = requests.post(f"{self.url}/model/parse", params={"token": self.token}, json={"text": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()


def start_rasa(
    tmp: Path, actions_url: str, tracker_store_url: str | None = None, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, RasaServer]:
    """Start `rasa run` with the trained model; the caller stops the process."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does this) before the integration tests")
    port = free_port()
    token = secrets.token_hex(16)
    tracker_db = tmp / "tracker.db"
    env = server_env(
        WEGWIJS_ACTIONS_URL=actions_url,
        WEGWIJS_TRACKER_STORE_URL=tracker_store_url or f"sqlite:///{tracker_db}",
        **(extra_env or {}),
    )
    endpoints = tmp / "endpoints.yml"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_endpoints.py"), str(ROOT / "endpoints.yml"), str(endpoints)],
        check=True, env=env, cwd=ROOT, capture_output=True,
    )
    log = tmp / "rasa.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(port),
                "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
                "--enable-api", "--auth-token", token, "--cors", *TEST_SITE_ORIGINS.split(),
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    server = RasaServer(f"http://127.0.0.1:{port}", tracker_db, endpoints, token, log)
    try:
        wait_for(f"{server.url}/status?token={token}", process, log)
    except Exception:
        stop(process)
        raise
    return process, server
