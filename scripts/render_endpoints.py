"""Write var/endpoints.yml: endpoints.yml with overrides from the environment.

Rasa reads its endpoints from one YAML file. For local use that file is endpoints.yml;
these variables change it without editing a tracked file:

  WEGWIJS_ACTIONS_URL        action server webhook (default http://localhost:$ACTIONS_PORT/webhook)
  WEGWIJS_TRACKER_STORE_URL  SQLAlchemy URL, e.g. postgresql://user:pw@host:5432/wegwijs
                             or sqlite:///var/tracker.db
  WEGWIJS_LOCK_STORE_URL     redis://host:6379/1 for a Redis lock store (several replicas)

Usage: python scripts/render_endpoints.py [source.yml] [target.yml]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent


def tracker_store_from_url(url: str, base: dict) -> dict:
    """Translate an SQLAlchemy-style URL into Rasa's SQL tracker store keys."""
    parsed = urlparse(url)
    dialect = parsed.scheme.split("+")[0]
    store = {k: v for k, v in base.items() if k not in {"dialect", "url", "db", "port", "username", "password"}}
    store.setdefault("type", "SQL")
    store["dialect"] = dialect
    if dialect == "sqlite":
        # sqlite:///relative/path.db -> "relative/path.db"; sqlite:////abs/path.db -> "/abs/path.db"
        store["db"] = unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path)
        return store
    store["url"] = parsed.hostname or "localhost"
    if parsed.port:
        store["port"] = parsed.port
    store["db"] = parsed.path.lstrip("/") or "rasa"
    if parsed.username:
        store["username"] = unquote(parsed.username)
    if parsed.password:
        store["password"] = unquote(parsed.password)
    return store


def lock_store_from_url(url: str) -> dict:
    parsed = urlparse(url)
    store = {"type": "redis", "url": parsed.hostname or "localhost", "port": parsed.port or 6379}
    if parsed.path.strip("/"):
        store["db"] = int(parsed.path.strip("/"))
    if parsed.password:
        store["password"] = unquote(parsed.password)
    return store


def render(source: Path, env: os._Environ | dict) -> dict:
    endpoints = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    actions_url = env.get("WEGWIJS_ACTIONS_URL")
    if not actions_url and env.get("ACTIONS_PORT"):
        actions_url = f"http://localhost:{env['ACTIONS_PORT']}/webhook"
    if actions_url:
        endpoints.setdefault("action_endpoint", {})["url"] = actions_url
    if env.get("WEGWIJS_TRACKER_STORE_URL"):
        endpoints["tracker_store"] = tracker_store_from_url(
            env["WEGWIJS_TRACKER_STORE_URL"], endpoints.get("tracker_store") or {}
        )
    if env.get("WEGWIJS_LOCK_STORE_URL"):
        endpoints["lock_store"] = lock_store_from_url(env["WEGWIJS_LOCK_STORE_URL"])
    return endpoints


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "endpoints.yml"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "var" / "endpoints.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(render(source, os.environ), sort_keys=False), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
