"""Serve the widget demo page with a strict Content-Security-Policy.

    .venv/bin/python widget/serve.py --port 8000 --rasa-url http://localhost:5005

Routes: ``/`` (demo page), ``/privacy.html``, ``/demo.css`` and ``/wegwijs-widget.js``
(the built bundle from widget/dist). The CSP allows no inline script or style at all:
the widget's styles are a constructable stylesheet, and the optional fallback
``<style>`` needs the per-response nonce that this server puts on the script tag.
Standard library only.
"""
from __future__ import annotations

import argparse
import html
import logging
import secrets
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

WIDGET_DIR = Path(__file__).resolve().parent
FILES = {
    "/": (WIDGET_DIR / "demo" / "index.html", "text/html; charset=utf-8"),
    "/index.html": (WIDGET_DIR / "demo" / "index.html", "text/html; charset=utf-8"),
    "/privacy.html": (WIDGET_DIR / "demo" / "privacy.html", "text/html; charset=utf-8"),
    "/demo.css": (WIDGET_DIR / "demo" / "demo.css", "text/css; charset=utf-8"),
    "/wegwijs-widget.js": (WIDGET_DIR / "dist" / "wegwijs-widget.js", "text/javascript; charset=utf-8"),
}

logger = logging.getLogger("wegwijs.widget.serve")


def rasa_origins(rasa_url: str) -> list[str]:
    """The http(s) and ws(s) origins of the Rasa server, for CSP connect-src."""
    parts = urlsplit(rasa_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"--rasa-url must be an http(s) URL, got {rasa_url!r}")
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{ws_scheme}://{parts.netloc}"]


def content_security_policy(rasa_url: str, nonce: str) -> str:
    connect = " ".join(["'self'", *rasa_origins(rasa_url)])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            f"connect-src {connect}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            # No HTML-string sinks (innerHTML, document.write) may be used at all.
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
        ]
    )


class DemoHandler(BaseHTTPRequestHandler):
    server_version = "WegwijsDemo"
    sys_version = ""

    def __init__(self, *args, rasa_url: str, **kwargs) -> None:
        self.rasa_url = rasa_url
        super().__init__(*args, **kwargs)

    def do_HEAD(self) -> None:  # noqa: N802 (http.server naming)
        self._serve(send_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/favicon.ico":  # browsers ask for it; answer "no content" instead of a 404
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon", "", send_body)
            return
        if path not in FILES:
            self._send(HTTPStatus.NOT_FOUND, b"Niet gevonden", "text/plain; charset=utf-8", "", send_body)
            return
        file, content_type = FILES[path]
        if not file.exists():
            self._send(HTTPStatus.NOT_FOUND, b"Niet gevonden", "text/plain; charset=utf-8", "", send_body)
            return
        nonce = secrets.token_urlsafe(16)
        body = file.read_bytes()
        if content_type.startswith("text/html"):
            text = body.decode("utf-8")
            text = text.replace("{{RASA_URL}}", html.escape(self.rasa_url, quote=True))
            text = text.replace("{{NONCE}}", nonce)
            body = text.encode("utf-8")
        self._send(HTTPStatus.OK, body, content_type, nonce, send_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, nonce: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url, nonce or "none"))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        logger.info("%s %s", self.address_string(), format % args)


def make_server(host: str, port: int, rasa_url: str) -> ThreadingHTTPServer:
    rasa_origins(rasa_url)  # fail early on a bad URL
    server = ThreadingHTTPServer((host, port), partial(DemoHandler, rasa_url=rasa_url.rstrip("/")))
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Wegwijs widget demo page.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005", help="URL of the Rasa server")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = make_server(args.host, args.port, args.rasa_url)
    print(f"Widget demo: http://localhost:{args.port}/ (Rasa at {args.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
