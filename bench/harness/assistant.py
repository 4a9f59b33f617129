"""Start, find and measure the assistant processes (Rasa server + action server).

The benchmark talks to a running assistant. When none answers at the given URL it starts
one (action server + `rasa run --enable-api --auth-token`) on free ports with its own
SQLite tracker store, and stops it afterwards. Memory is read from /proc/<pid>/status.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status < 500
    except (urllib.error.URLError, OSError):
        return False


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in kB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(inode)
    return inodes


def pid_listening_on(port: int) -> Optional[int]:
    """PID of the process that listens on a local TCP port (None if not visible to us)."""
    inodes = {f"socket:[{i}]" for i in _listening_inodes(port)}
    if not inodes:
        return None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(entry.name)
        except OSError:
            continue
    return None


@dataclass
class StartedAssistant:
    """An action server and a Rasa server started by the benchmark."""

    url: str
    token: str
    rasa: subprocess.Popen
    actions: subprocess.Popen
    startup_seconds: float
    logs: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process.poll() is None:
                process.terminate()
        for process in (self.rasa, self.actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_assistant(model: Path, workdir: Path, token: str, rasa_port: int = 0, actions_port: int = 0,
                    timeout: float = 300.0) -> StartedAssistant:
    rasa_port = rasa_port or free_port()
    actions_port = actions_port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               ACTIONS_PORT=str(actions_port),
               WEGWIJS_TRACKER_STORE_URL=f"sqlite:///{workdir / 'tracker.db'}")
    env.pop("WEGWIJS_LOCK_STORE_URL", None)  # one server: the in-memory lock store is right
    endpoints = workdir / "endpoints.yml"
    subprocess.run([str(VENV_BIN / "python"), "scripts/render_endpoints.py", "endpoints.yml", str(endpoints)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    started = time.monotonic()
    actions = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(actions_port)],
        cwd=ROOT, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--port", str(rasa_port), "--enable-api",
         "--auth-token", token, "--endpoints", str(endpoints), "--credentials", "credentials.yml"],
        cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )
    assistant = StartedAssistant(f"http://127.0.0.1:{rasa_port}", token, rasa, actions, 0.0, [actions_log, rasa_log])
    deadline = started + timeout
    # Rasa loads the model before it starts listening: "/" answering means ready to chat.
    while not (answers(assistant.url + "/") and answers(f"http://127.0.0.1:{actions_port}/health")):
        if rasa.poll() is not None or actions.poll() is not None or time.monotonic() > deadline:
            assistant.stop()
            tail = "\n".join(rasa_log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"the assistant did not start (logs in {workdir}):\n{tail}")
        time.sleep(1)
    assistant.startup_seconds = round(time.monotonic() - started, 1)
    return assistant


def train_model(out_dir: Path) -> tuple[Path, float]:
    """`rasa train` (NLU + dialogue) into out_dir; returns the model and the wall time in seconds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "--out", str(out_dir), "--fixed-model-name", "wegwijs-bench", "--quiet"],
        # No shared training cache: a cold, complete training is the figure to report.
        cwd=ROOT, check=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_MAX_CACHE_SIZE="0"), stdout=sys.stderr,
    )
    return out_dir / "wegwijs-bench.tar.gz", round(time.monotonic() - started, 1)
