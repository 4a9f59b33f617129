"""The review web app (Starlette + Jinja2). Every page needs a logged-in staff member.

Security in short: server-side sessions in an HttpOnly, SameSite=Strict (and Secure) cookie;
a CSRF token on every form (per session; the login form uses a double-submit cookie);
Jinja2 autoescaping and a strict Content-Security-Policy (no inline script), so text a
parent typed is shown as text; every view, export, change and deletion is audited.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import quote, urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review import audit, auth, export, queries, retention
from review.annotations import CorrectionError, annotate, correct_intent
from review.config import Settings, load_settings, make_engine
from review.indexer import ensure_schema

HERE = Path(__file__).resolve().parent
LOGIN_CSRF_COOKIE = "wegwijs_login_csrf"
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own forms.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds the headers above to every response (pure ASGI, cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


def _fmt_time(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


class ReviewApp:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.cookie_name = "__Host-wegwijs_review" if settings.cookie_secure else "wegwijs_review"
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"], default=True),
        )
        self.templates.filters.update(time=_fmt_time, pct=_fmt_pct)
        self._intents: list[str] | None = None

    # --- helpers -------------------------------------------------------------------------
    def intents(self) -> list[str]:
        if self._intents is None:
            self._intents = export.project_intents(self.settings.project_dir)
        return self._intents

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status_code)

    def set_cookie(self, response: Response, key: str, value: str, max_age: int | None) -> None:
        response.set_cookie(key, value, max_age=max_age, path="/", httponly=True,
                            secure=self.settings.cookie_secure, samesite="strict")

    def staff(self, request: Request) -> auth.StaffSession | None:
        with self.engine.begin() as conn:
            return auth.load_session(conn, self.settings, request.cookies.get(self.cookie_name))

    @staticmethod
    def same_origin(request: Request) -> bool:
        """Extra CSRF layer: a browser's Origin/Referer on a POST must be this site."""
        origin = request.headers.get("origin") or request.headers.get("referer")
        if not origin or origin == "null":
            return origin is None  # non-browser clients send neither; a "null" origin is refused
        parsed = urlparse(origin)
        return parsed.netloc == request.headers.get("host", "")

    # --- decorators ----------------------------------------------------------------------
    def page(self, handler: Callable[..., Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """Login required; on POST also a valid CSRF token."""

        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            staff = self.staff(request)
            if staff is None:
                if request.method == "GET":
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
                return PlainTextResponse("Niet ingelogd.", status_code=401)
            form = None
            if request.method == "POST":
                form = await request.form()
                token = str(form.get("csrf_token", ""))
                if not self.same_origin(request) or not hmac.compare_digest(token, staff.csrf_token):
                    return PlainTextResponse("Ongeldig formulier (CSRF). Laad de pagina opnieuw.", status_code=403)
            return await handler(request, staff, form)

        return endpoint

    # --- login / logout ------------------------------------------------------------------
    async def login_page(self, request: Request) -> Response:
        if request.method == "GET":
            return self.login_form(request)
        form = await request.form()
        cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie_token or not hmac.compare_digest(str(form.get("csrf_token", "")), cookie_token) \
                or not self.same_origin(request):
            return PlainTextResponse("Ongeldig formulier (CSRF). Laad de pagina opnieuw.", status_code=403)
        username = str(form.get("username", ""))[:80]
        client = request.client.host if request.client else "unknown"
        # One transaction that always commits, so failed attempts count for throttling.
        with self.engine.begin() as conn:
            try:
                user_id = auth.authenticate(conn, self.settings, username, str(form.get("password", "")), client)
            except auth.AuthError as error:
                audit.record(conn, username or "?", "login_failed", None, f"client {client}")
                failure: auth.AuthError | None = error
            else:
                failure = None
                token = auth.start_session(conn, self.settings, user_id)
                audit.record(conn, username, "login")
        if failure is not None:
            return self.login_form(request, str(failure), status_code=429 if isinstance(failure, auth.Throttled) else 401)
        target = str(form.get("next", "/"))
        # Only paths on this site: "//host" and "/\\host" would leave it.
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = "/"
        response = RedirectResponse(target, status_code=303)
        self.set_cookie(response, self.cookie_name, token, int(self.settings.session_hours * 3600))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    def login_form(self, request: Request, error: str = "", status_code: int = 200) -> Response:
        token = secrets.token_urlsafe(32)
        response = self.render("login.html", status_code=status_code, error=error, csrf_token=token,
                               next=request.query_params.get("next", "/"))
        self.set_cookie(response, LOGIN_CSRF_COOKIE, token, 3600)
        return response

    async def logout(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        with self.engine.begin() as conn:
            auth.end_session(conn, self.settings, request.cookies.get(self.cookie_name))
            audit.record(conn, staff.username, "logout")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(self.cookie_name, path="/", secure=self.settings.cookie_secure, httponly=True, samesite="strict")
        return response

    # --- pages ---------------------------------------------------------------------------
    async def conversation_list(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        filters = queries.Filters.from_query(request.query_params)
        with self.engine.begin() as conn:
            rows, total = queries.list_conversations(conn, filters, self.settings.low_confidence)
            audit.record(conn, staff.username, "view_list", None, filters.query_string())
        capped = total > queries.COUNT_CAP
        pages = filters.page + (len(rows) == queries.PAGE_SIZE) if capped else max(1, -(-total // queries.PAGE_SIZE))
        return self.render("list.html", staff=staff, rows=rows, total=total, filters=filters, pages=pages,
                           capped=capped, cap=queries.COUNT_CAP,
                           intents=self.intents(), low=self.settings.low_confidence)

    async def conversation_page(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        sender_id = request.path_params["sender_id"]
        with self.engine.begin() as conn:
            found = queries.conversation(conn, sender_id)
            if found is None:
                return self.render("error.html", status_code=404, staff=staff, message="Dit gesprek bestaat niet (meer).")
            audit.record(conn, staff.username, "view", sender_id)
        return self.render("conversation.html", staff=staff, sender_id=sender_id, intents=self.intents(),
                           low=self.settings.low_confidence, saved=request.query_params.get("saved", ""), **found)

    async def review_conversation(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        sender_id = request.path_params["sender_id"]
        with self.engine.begin() as conn:
            annotate(conn, sender_id, staff.username, form.get("reviewed") == "1",
                     str(form.get("tags", "")), str(form.get("note", "")))
            audit.record(conn, staff.username, "annotate", sender_id, "reviewed" if form.get("reviewed") == "1" else "")
        return RedirectResponse(f"/conversations/{quote(sender_id, safe='')}?saved=review", status_code=303)

    async def correct(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        sender_id = request.path_params["sender_id"]
        try:
            event_id = int(str(form.get("event_id", "")))
            with self.engine.begin() as conn:
                correct_intent(conn, sender_id, event_id, str(form.get("intent", "")), staff.username, self.intents())
                audit.record(conn, staff.username, "correct", sender_id, f"event {event_id} -> {form.get('intent')}")
        except (ValueError, CorrectionError) as error:
            return self.render("error.html", status_code=400, staff=staff, message=str(error) or "Ongeldige invoer.")
        return RedirectResponse(f"/conversations/{quote(sender_id, safe='')}?saved=correction#e{event_id}", status_code=303)

    async def delete(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        sender_id = request.path_params["sender_id"]
        if form.get("confirm") != "verwijderen":
            return self.render("error.html", status_code=400, staff=staff,
                               message="Typ 'verwijderen' om te bevestigen dat dit gesprek weg moet.")
        retention.erase(self.engine, sender_id, staff.username)
        return RedirectResponse("/?deleted=1", status_code=303)

    async def story(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        sender_id = request.path_params["sender_id"]
        with self.engine.begin() as conn:
            text = export.test_story_yaml(conn, sender_id)
            audit.record(conn, staff.username, "export_story", sender_id)
        return PlainTextResponse(text, media_type="application/x-yaml", headers={
            "content-disposition": 'attachment; filename="test_story_review.yml"'})

    async def corrections_page(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        from review.schema import corrections
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            rows = [dict(r) for r in conn.execute(sa.select(corrections).order_by(corrections.c.id.desc()).limit(500)).mappings()]
            audit.record(conn, staff.username, "view_corrections")
        return self.render("corrections.html", staff=staff, rows=rows)

    async def export_nlu(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        with self.engine.begin() as conn:
            text, count = export.nlu_yaml(conn, self.settings.project_dir)
            audit.record(conn, staff.username, "export_nlu", None, f"{count} examples")
        return PlainTextResponse(text, media_type="application/x-yaml", headers={
            "content-disposition": 'attachment; filename="review_corrections.yml"'})

    async def dashboard(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        try:
            days = max(1, min(int(request.query_params.get("days", 30)), 365))
        except ValueError:
            days = 30
        with self.engine.begin() as conn:
            figures = queries.dashboard(conn, days)
            audit.record(conn, staff.username, "view_dashboard")
        peak = max([n for _, n in figures["per_day"]] + [1])
        return self.render("dashboard.html", staff=staff, d=figures, peak=peak)

    async def audit_page(self, request: Request, staff: auth.StaffSession, form: Any) -> Response:
        with self.engine.begin() as conn:
            rows = audit.recent(conn, 300)
            audit.record(conn, staff.username, "view_audit")
        return self.render("audit.html", staff=staff, rows=rows)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Starlette:
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)
    ensure_schema(engine)
    review = ReviewApp(settings, engine)
    page = review.page
    routes = [
        Route("/login", review.login_page, methods=["GET", "POST"]),
        Route("/logout", page(review.logout), methods=["POST"]),
        Route("/", page(review.conversation_list)),
        Route("/dashboard", page(review.dashboard)),
        Route("/corrections", page(review.corrections_page)),
        Route("/corrections/export.yml", page(review.export_nlu)),
        Route("/audit", page(review.audit_page)),
        Route("/conversations/{sender_id:path}/story.yml", page(review.story)),
        Route("/conversations/{sender_id:path}/review", page(review.review_conversation), methods=["POST"]),
        Route("/conversations/{sender_id:path}/corrections", page(review.correct), methods=["POST"]),
        Route("/conversations/{sender_id:path}/delete", page(review.delete), methods=["POST"]),
        Route("/conversations/{sender_id:path}", page(review.conversation_page)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.review = review
    app.add_middleware(SecurityHeaders)
    return app
