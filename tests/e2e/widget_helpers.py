"""Helpers for the widget browser tests: the demo page server and page queries."""
from __future__ import annotations

import importlib.util
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent.parent
# The lead's rasa_server fixture allows these origins (tests/conftest.py TEST_SITE_ORIGINS).
DEMO_HOST = "127.0.0.1"
DEMO_PORT = 18000


def _load_serve_module() -> Any:
    spec = importlib.util.spec_from_file_location("wegwijs_widget_serve", ROOT / "widget" / "serve.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def demo_server(rasa_url: str, port: int = DEMO_PORT) -> Iterator[str]:
    """Serve widget/demo with widget/serve.py (the real server, real CSP) in a thread."""
    server = _load_serve_module().make_server(DEMO_HOST, port, rasa_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{DEMO_HOST}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


DEEP_ACTIVE_ELEMENT = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el) return null;
  return {tag: el.tagName.toLowerCase(), cls: el.className || '', text: (el.textContent || '').trim(),
          label: el.getAttribute('aria-label') || '', id: el.id || ''};
}"""

# Visible text of the messages in the log, without the screen-reader-only prefixes.
MESSAGES = """() => {
  const root = document.getElementById('wegwijs-widget').shadowRoot;
  return [...root.querySelectorAll('.log .msg')].map(m => {
    const bubble = m.querySelector('.bubble').cloneNode(true);
    bubble.querySelectorAll('.sr-only').forEach(s => s.remove());
    // Blocks and line breaks read as spaces, as a person sees them.
    bubble.querySelectorAll('p, li, br').forEach(b => b.after(' '));
    return {sender: m.classList.contains('user') ? 'user' : 'bot',
            text: bubble.textContent.replace(/\\s+/g, ' ').trim()};
  });
}"""


def normalise(text: str) -> str:
    return " ".join(text.split())


def tracker_events(db: Path, sender_id: str) -> list[dict[str, Any]]:
    """The events of one conversation, read straight from the SQL tracker store."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT type_name, intent_name, action_name, timestamp, data FROM events "
            "WHERE sender_id = ? ORDER BY id",
            (sender_id,),
        ).fetchall()
    return [
        {"type": r[0], "intent": r[1], "action": r[2], "timestamp": r[3], "data": r[4]} for r in rows
    ]
