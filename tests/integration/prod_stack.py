"""Helpers for the production tests: start scripts/prod_up.sh on free ports with its own
PostgreSQL database and Redis DB, talk to it, break parts of it, and stop it.

Also the restart commands for the machine's shared PostgreSQL and Redis (other developers'
tests use them too, so each restart is as short as the service allows, and the service is
always started again, also when the test fails).
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

import psycopg2
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
PY = str(Path(sys.executable))
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Redis DB numbers 5-9 belong to the production issue; 6 is for its tests.
TEST_REDIS_DB = 6
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]
ALLOWED_ORIGIN = "https://school.example.nl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> bool:
    try:
        psycopg2.connect(dbname="postgres", connect_timeout=3, **PG).close()
        return True
    except psycopg2.Error:
        return False


def redis_available() -> bool:
    try:
        return bool(redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=3).ping())
    except redis.RedisError:
        return False


def _admin(sql: str) -> None:
    conn = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


@dataclass
class ProdStack:
    run_dir: Path
    public_url: str
    replica_ports: list[int]
    action_ports: list[int]
    token: str
    database: str
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.replica_ports[index]}"

    def post(self, text: str, sender: str, base: Optional[str] = None, timeout: float = 60) -> requests.Response:
        return requests.post(f"{base or self.public_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=timeout)

    def say(self, text: str, sender: str, base: Optional[str] = None) -> list[dict[str, Any]]:
        """One turn; fails on anything but 200 with at least one bot message.

        Like a well-behaved client, it waits and retries when the proxy's per-client rate
        limit answers 429 (the tests send from one address, faster than a parent types).
        """
        response = self.post(text, sender, base)
        for attempt in range(10):
            if response.status_code != 429:
                break
            time.sleep(0.5 * (attempt + 1))
            response = self.post(text, sender, base)
        assert response.status_code == 200, f"{response.status_code}: {response.text[:300]}"
        messages = response.json()
        if not messages:
            raise AssertionError(f"no answer to {text!r} (silence); last events: {self.last_events(sender)}")
        return messages

    def last_events(self, sender: str, count: int = 6) -> list[str]:
        """Short summary of the newest events, to explain a failure."""
        try:
            events = self.tracker(sender)["events"][-count:]
        except requests.RequestException as error:
            return [f"tracker unavailable: {error}"]
        return [f"{e.get('event')}:{e.get('name') or (e.get('parse_data') or {}).get('intent', {}).get('name') or (e.get('text') or '')[:40]}"
                for e in events]

    def tracker(self, sender: str, replica: int = 0) -> dict[str, Any]:
        response = requests.get(f"{self.replica_url(replica)}/conversations/{sender}/tracker",
                                params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def pid(self, name: str) -> int:
        return int((self.run_dir / "pids" / f"{name}.pid").read_text())

    def access_log(self) -> str:
        return (self.run_dir / "logs" / "nginx-access.log").read_text()

    def start_action_server(self, index: int) -> None:
        """(Re)start action server `index` the way prod_up.sh does."""
        port = self.action_ports[index]
        log = (self.run_dir / "logs" / f"actions-{port}.log").open("a")
        process = subprocess.Popen([PY, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
                                   cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        (self.run_dir / "pids" / f"actions-{port}.pid").write_text(str(process.pid))
        wait_until(lambda: _get_ok(f"http://127.0.0.1:{port}/health"), 120, f"action server {port}")

    def stop_process(self, name: str, sig: int = 15) -> None:
        pid = self.pid(name)
        os.kill(pid, sig)
        wait_until(lambda: not _alive(pid), 30, f"{name} to stop")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of ours stays a zombie until reaped; count that as stopped.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _get_ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise TimeoutError(f"waited {timeout} s for {what}")


@contextmanager
def production_stack(replicas: int = 2, **settings: str) -> Iterator[ProdStack]:
    """Start the real production stack (scripts/prod_up.sh) on free ports; always stop it.

    Logs stay in /tmp/wegwijs-prodtest-* after the run (pytest's tmp folders are pruned
    while other sessions run, and the logs are what explains a failure).
    """
    tmp = Path(tempfile.mkdtemp(prefix="wegwijs-prodtest-"))
    database = f"wegwijs_prod_test_{secrets.token_hex(4)}"
    replica_ports = [free_port() for _ in range(replicas)]
    action_ports = [free_port() for _ in range(replicas)]
    public = f"127.0.0.1:{free_port()}"
    token = secrets.token_hex(16)
    env = dict(os.environ)
    env.update({
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(ROOT),
        "WEGWIJS_PROD_DIR": str(tmp),
        "WEGWIJS_ENV_FILE": str(ROOT / "deploy" / "production.env.example"),
        "WEGWIJS_PUBLIC_LISTEN": public,
        "WEGWIJS_REPLICA_PORTS": " ".join(map(str, replica_ports)),
        "WEGWIJS_ACTION_PORTS": " ".join(map(str, action_ports)),
        "WEGWIJS_RASA_TOKEN": token,
        "WEGWIJS_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "WEGWIJS_TRACKER_STORE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
        "WEGWIJS_LOCK_STORE_URL": f"redis://127.0.0.1:6379/{TEST_REDIS_DB}",
        "WEGWIJS_ACTION_TIMEOUT": "3",
        "SQL_POOL_SIZE": "5",
        "SQL_MAX_OVERFLOW": "5",
    })
    env.update(settings)
    try:
        result = subprocess.run([str(ROOT / "scripts" / "prod_up.sh")], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            raise RuntimeError(f"prod_up.sh failed (logs in {tmp}/logs):\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        yield ProdStack(tmp, f"http://{public}", replica_ports, action_ports, token, database, env)
    finally:
        subprocess.run([str(ROOT / "scripts" / "prod_down.sh")], cwd=ROOT, env=env, capture_output=True, timeout=120)
        try:
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except psycopg2.Error:
            pass


def restart_postgres() -> float:
    """Restart the shared PostgreSQL cluster; returns the seconds it was unavailable."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    start = time.monotonic()
    try:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                       check=True, capture_output=True, timeout=120)
    finally:
        if not postgres_available():
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                           capture_output=True, timeout=120)
        wait_until(postgres_available, 60, "PostgreSQL to accept connections")
    return time.monotonic() - start


def restart_redis() -> float:
    """Stop the shared Redis (no save) and start it again; returns the seconds it was down."""
    start = time.monotonic()
    try:
        subprocess.run(["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "shutdown", "nosave"],
                       capture_output=True, timeout=30)
        wait_until(lambda: not redis_available(), 15, "Redis to stop")
    finally:
        if not redis_available():
            subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
        wait_until(redis_available, 30, "Redis to answer")
    return time.monotonic() - start


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [event.get("text") for event in tracker["events"] if event.get("event") == "user"]


def assert_tracker_valid(tracker: dict[str, Any]) -> None:
    """Every user turn is followed by at least one bot message before the next user turn,
    and event timestamps never go back in time."""
    events = tracker["events"]
    stamps = [event["timestamp"] for event in events if "timestamp" in event]
    assert stamps == sorted(stamps), "events are not in time order"
    turns: list[list[str]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event.get("event"))
    unanswered = [i for i, turn in enumerate(turns) if "bot" not in turn]
    assert not unanswered, f"user turns without a bot answer: {unanswered}"
