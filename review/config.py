"""Settings from the environment (see docs/privacy.md and `python -m review --help`).

WEGWIJS_TRACKER_STORE_URL   SQLAlchemy URL of the tracker store (default sqlite:///var/tracker.db)
WEGWIJS_REVIEW_SECRET       key for session tokens; generated into var/review_secret when missing
WEGWIJS_RETENTION_DAYS      days a conversation is kept after its last message (default 90)
WEGWIJS_LOW_CONFIDENCE      intent confidence under which a message "needs review" (default 0.6)
WEGWIJS_REVIEW_INSECURE_COOKIE=1  drop the Secure cookie flag (only for plain-HTTP test set-ups)
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/tracker.db"
SECRET_FILE = ROOT / "var" / "review_secret"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret: bytes
    retention_days: int = 90
    low_confidence: float = 0.6
    cookie_secure: bool = True
    session_hours: float = 8.0
    # Login throttling: at most this many failures per user name or client in the window.
    max_failures: int = 5
    failure_window_seconds: int = 15 * 60
    project_dir: Path = ROOT


def absolute_sqlite(url: str, base: Path = ROOT) -> str:
    """sqlite:///var/tracker.db is relative to the repository, like Rasa started from there."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return f"sqlite:///{(base / url[len('sqlite:///'):]).resolve()}"
    return url


def load_secret(env: Mapping[str, str], secret_file: Path = SECRET_FILE) -> bytes:
    if env.get("WEGWIJS_REVIEW_SECRET"):
        return env["WEGWIJS_REVIEW_SECRET"].encode()
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        # Created with owner-only rights; var/ is gitignored, so it is never committed.
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return secret_file.read_text().strip().encode()


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    return Settings(
        database_url=absolute_sqlite(env.get("WEGWIJS_TRACKER_STORE_URL") or DEFAULT_DATABASE_URL),
        secret=load_secret(env),
        retention_days=int(env.get("WEGWIJS_RETENTION_DAYS") or 90),
        low_confidence=float(env.get("WEGWIJS_LOW_CONFIDENCE") or 0.6),
        cookie_secure=env.get("WEGWIJS_REVIEW_INSECURE_COOKIE", "") not in ("1", "true", "yes"),
    )


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Rasa writes to the same file: wait for its lock instead of failing.
        return sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, future=False)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
