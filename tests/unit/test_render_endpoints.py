import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from render_endpoints import render  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_keep_the_embedded_sqlite_store():
    endpoints = render(ROOT / "endpoints.yml", {})
    assert endpoints["tracker_store"]["dialect"] == "sqlite"
    assert "lock_store" not in endpoints


def test_postgres_url_and_redis_lock_store_from_environment():
    env = {
        "WEGWIJS_TRACKER_STORE_URL": "postgresql://rasa:p%40ss@db.local:5433/wegwijs",
        "WEGWIJS_LOCK_STORE_URL": "redis://127.0.0.1:6379/2",
        "ACTIONS_PORT": "6055",
    }
    endpoints = render(ROOT / "endpoints.yml", env)
    store = endpoints["tracker_store"]
    assert (store["dialect"], store["url"], store["port"], store["db"]) == ("postgresql", "db.local", 5433, "wegwijs")
    assert (store["username"], store["password"]) == ("rasa", "p@ss")
    # The configured tracker store class (e.g. the redacting one) is kept.
    assert store["type"] == render(ROOT / "endpoints.yml", {})["tracker_store"]["type"]
    assert endpoints["lock_store"] == {"type": "redis", "url": "127.0.0.1", "port": 6379, "db": 2}
    assert endpoints["action_endpoint"]["url"] == "http://localhost:6055/webhook"


def test_sqlite_url_paths():
    assert render(ROOT / "endpoints.yml", {"WEGWIJS_TRACKER_STORE_URL": "sqlite:////tmp/x.db"})["tracker_store"]["db"] == "/tmp/x.db"
    assert render(ROOT / "endpoints.yml", {"WEGWIJS_TRACKER_STORE_URL": "sqlite:///var/t.db"})["tracker_store"]["db"] == "var/t.db"
