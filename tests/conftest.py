"""Shared test fixtures: a real action server and a real Rasa server with the trained model.

The servers start once per test session on free ports, with a fresh SQLite tracker store in a
temporary folder, so tests never touch a developer's running assistant or its conversations.
`make test` trains models/wegwijs.tar.gz before pytest runs. Helpers live in tests/servers.py.
"""
from __future__ import annotations

import secrets
import subprocess
from typing import Iterator

import pytest

from tests.servers import ROOT, VENV_BIN, RasaServer, free_port, server_env, start_rasa, stop, wait_for


@pytest.fixture(scope="session")
def action_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"],
            cwd=ROOT, env=server_env(), stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def rasa_server(action_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    process, server = start_rasa(tmp_path_factory.mktemp("rasa"), action_server_url)
    try:
        yield server
    finally:
        stop(process)


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> str:
    """A fresh conversation id per test."""
    return f"test-{request.node.name[:60]}-{secrets.token_hex(4)}"
