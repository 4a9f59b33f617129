"""Review app against real SQLite and real PostgreSQL, with data written by the real redacting tracker store."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
import yaml
from starlette.routing import Mount
from starlette.testclient import TestClient

from review import auth
from review.app import create_app
from review.config import Settings, make_engine
from review.schema import audit_log, conversations, corrections, create_review_tables, events, search
from tests.review_support import (
    ROOT, STAFF_PASSWORD, bot, csrf_from, database, login, slot, store_conversation, tracker_store, user,
)

NOW = time.time()
DAY = 86400.0
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PII = {
    "email": "petra.jansen@gmail.com", "phone": "06-12345678", "bsn": "725763863",
    "iban": "NL91ABNA0417164300", "street": "Kerkstraat 12", "name": "Daan",
}


@dataclass
class Env:
    url: str
    engine: sa.engine.Engine
    client: TestClient
    settings: Settings


def scenario() -> dict[str, tuple[float, list[dict]]]:
    """Conversations with known properties; the tests check the app finds exactly these."""
    return {
        "conv-fallback": (NOW - 2 * DAY, [
            user("Hoe zit het met de blokfluitles?", "nlu_fallback", 0.31),
            bot("Dat weet ik niet zeker. Bedoelt u een van deze vragen?", "action_clarify"),
        ]),
        "conv-handoff": (NOW - 3 * DAY, [
            user("Ik wil een medewerker spreken", "human_handoff", 0.97),
            bot("U kunt met deze mensen praten: bel 0800-5010.", "utter_handoff"),
        ]),
        "conv-negative": (NOW - 4 * DAY, [
            user("Wat is een TLV?", "faq", 0.88, retrieval_key="faq/tlv_wat"),
            bot("Een TLV is een toelaatbaarheidsverklaring.", "utter_faq"),
            user("/feedback_negative", "feedback_negative", 1.0, metadata={"feedback_for": "msg-1"}),
        ]),
        "conv-pii": (NOW - 5 * DAY, [
            user(f"Mijn zoon heet {PII['name']}, mail {PII['email']} of bel {PII['phone']}", "greet", 0.52,
                 entities=[{"entity": "person", "value": PII["name"], "start": 15, "end": 19}]),
            bot("Hallo! Wat wilt u weten?", "utter_greet"),
            user(f"BSN {PII['bsn']}, rekening {PII['iban']}, wij wonen op de {PII['street']} in Leiden", "faq", 0.93,
                 retrieval_key="faq/zorgplicht"),
            slot("school_place", "Leiden"),
            slot("partnership_code", "PO 28-01"),
            slot("child_name", PII["name"]),
            bot("Leiden valt onder PO 28-01.", "action_partnership_lookup"),
        ]),
        "conv-xss": (NOW - 6 * DAY, [
            user(XSS, "chitchat", 0.95, retrieval_key="chitchat/hoe_gaat_het"),
            bot("Ik ben er om te helpen.", "utter_chitchat"),
        ]),
        "conv-zorgplicht": (NOW - 1 * DAY, [
            user("Geldt de zorgplicht ook als de school vol zit?", "faq", 0.91, retrieval_key="faq/zorgplicht"),
            bot("Ja, de school moet dan wel meezoeken.", "utter_faq"),
            user("/feedback_positive", "feedback_positive", 1.0, metadata={"feedback_for": "msg-2"}),
        ]),
        "conv-old": (NOW - 120 * DAY, [
            user("Oude vraag over leerplicht", "faq", 0.9, retrieval_key="faq/leerplicht"),
            bot("Leerplicht geldt vanaf 5 jaar.", "utter_faq"),
        ]),
    }


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    tmp = tmp_path_factory.mktemp(f"review-{request.param}")
    with database(request.param, tmp) as url:
        store = tracker_store(url)
        for sender_id, (start, turns) in scenario().items():
            store_conversation(store, sender_id, turns, start)
        store.engine.dispose()
        engine = make_engine(url)
        create_review_tables(engine)
        with engine.begin() as conn:
            auth.create_user(conn, "staff", STAFF_PASSWORD)
        settings = Settings(database_url=url, secret=b"test-secret", max_failures=5)
        client = TestClient(create_app(settings, engine), base_url="https://testserver")
        yield Env(url, engine, client, settings)
        client.close()
        engine.dispose()


@pytest.fixture()
def staff(env: Env) -> Iterator[TestClient]:
    """A logged-in client (own cookie jar)."""
    client = TestClient(env.client.app, base_url="https://testserver")
    assert login(client).status_code == 303
    yield client
    client.close()


def page_urls(app) -> list[tuple[str, str]]:
    urls = []
    for route in app.routes:
        if isinstance(route, Mount) or route.path == "/login":
            continue
        path = route.path.replace("{sender_id:path}", "conv-pii")
        for method in sorted(route.methods - {"HEAD"}):
            urls.append((method, path))
    return urls


# --- privacy: the database holds no personal data ----------------------------------------

def test_tracker_store_wrote_no_personal_data(env: Env) -> None:
    with env.engine.connect() as conn:
        stored = " ".join(row[0] for row in conn.execute(sa.select(events.c.data)))
        summaries = " ".join(r.first_text for r in conn.execute(sa.select(conversations)))
        summaries += " ".join(r.search_text for r in conn.execute(sa.select(search)))
    assert "[naam]" in stored and "[e-mail]" in stored and "[BSN]" in stored and "[IBAN]" in stored and "[adres]" in stored
    for value in PII.values():
        assert value not in stored, value
        assert value.lower() not in summaries.lower(), value
    assert "[naam]" in summaries
    assert "12345678" not in stored
    # What the partnership lookup needs is still there.
    assert '"Leiden"' in stored and "PO 28-01" in stored
    # The organisation's own service number in a bot answer is not personal data.
    assert "0800-5010" in stored


# --- login, sessions, CSRF -------------------------------------------------------------

def test_every_page_requires_login(env: Env) -> None:
    anonymous = TestClient(env.client.app, base_url="https://testserver")
    urls = page_urls(env.client.app)
    assert len(urls) >= 11
    for method, path in urls:
        response = anonymous.request(method, path, follow_redirects=False)
        assert response.status_code in (303, 401), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login")
        assert "conv-pii" not in response.text and "Leiden" not in response.text


def test_session_cookie_flags_and_logout(env: Env) -> None:
    client = TestClient(env.client.app, base_url="https://testserver")
    response = login(client)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    assert cookie.startswith("__Host-")
    assert client.get("/").status_code == 200
    stolen = dict(client.cookies)
    page = client.get("/")
    assert client.post("/logout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False).status_code == 303
    # The old cookie no longer opens anything: the session is gone server-side.
    replay = TestClient(env.client.app, base_url="https://testserver", cookies=stolen)
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_and_throttling(env: Env) -> None:
    # Own client address: throttling also counts per address, and other tests share the default one.
    client = TestClient(env.client.app, base_url="https://testserver", client=("192.0.2.7", 50000))
    with env.engine.begin() as conn:
        auth.create_user(conn, "throttled", STAFF_PASSWORD)
    for _ in range(5):
        assert login(client, "throttled", "wrong password!!").status_code == 401
    # Even the right password is refused while throttled, and the address is blocked for other names too.
    assert login(client, "throttled", STAFF_PASSWORD).status_code == 429
    assert login(client, "staff", STAFF_PASSWORD).status_code == 429
    # Another address can still log in as another user.
    other = TestClient(env.client.app, base_url="https://testserver", client=("192.0.2.8", 50000))
    assert login(other, "staff", STAFF_PASSWORD).status_code == 303


def test_csrf_is_rejected(env: Env, staff: TestClient) -> None:
    before = conversation_row(env, "conv-handoff")
    for data in ({}, {"csrf_token": "forged"}):
        assert staff.post("/conversations/conv-handoff/review", data={**data, "reviewed": "1", "note": "x"}).status_code == 403
        assert staff.post("/conversations/conv-handoff/delete", data={**data, "confirm": "verwijderen"}).status_code == 403
        assert staff.post("/logout", data=data).status_code == 403
    assert conversation_row(env, "conv-handoff") == before
    # A valid token from another site's page (Origin header) is refused too.
    token = csrf_from(staff.get("/").text)
    response = staff.post("/conversations/conv-handoff/review", data={"csrf_token": token, "reviewed": "1"},
                          headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    # Login form without the double-submit cookie.
    fresh = TestClient(env.client.app, base_url="https://testserver")
    assert fresh.post("/login", data={"username": "staff", "password": STAFF_PASSWORD, "csrf_token": "x"}).status_code == 403


def conversation_row(env: Env, sender_id: str) -> dict | None:
    with env.engine.connect() as conn:
        row = conn.execute(sa.select(conversations).where(conversations.c.sender_id == sender_id)).mappings().first()
        return dict(row) if row else None


# --- XSS -----------------------------------------------------------------------------------

def test_parent_xss_is_inert(env: Env, staff: TestClient) -> None:
    for url in ("/conversations/conv-xss", "/?q=script"):
        response = staff.get(url)
        assert response.status_code == 200
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
        assert "&lt;script&gt;alert" in response.text
        assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none': no script at all
        assert "default-src 'none'" in response.headers["content-security-policy"]


# --- list and filters --------------------------------------------------------------------

def listed(client: TestClient, query: str) -> set[str]:
    html = client.get(f"/?{query}").text
    import re
    return set(re.findall(r'href="/conversations/([^"#/]+)"', html))


def test_list_filters(env: Env, staff: TestClient) -> None:
    everything = set(scenario())
    assert listed(staff, "") == everything
    assert listed(staff, "flag=fallback") == {"conv-fallback"}
    assert listed(staff, "flag=handoff") == {"conv-handoff"}
    assert listed(staff, "flag=negative") == {"conv-negative"}
    # Low confidence: the fallback message (0.31) and the PII greeting (0.52) are under 0.6.
    assert listed(staff, "flag=low") == {"conv-fallback", "conv-pii"}
    assert listed(staff, "needs_review=1") == {"conv-fallback", "conv-handoff", "conv-negative", "conv-pii"}
    assert listed(staff, "intent=faq/zorgplicht") == {"conv-pii", "conv-zorgplicht"}
    assert listed(staff, "intent=faq") == {"conv-pii", "conv-zorgplicht", "conv-negative", "conv-old"}
    assert listed(staff, "q=ZORGPLICHT") == {"conv-zorgplicht"}
    assert listed(staff, "q=100%25") == set()  # LIKE wildcards are escaped
    day = lambda offset: time.strftime("%Y-%m-%d", time.gmtime(NOW - offset * DAY))  # noqa: E731
    assert listed(staff, f"date_from={day(2)}") == {"conv-fallback", "conv-zorgplicht"}
    assert listed(staff, f"date_from={day(200)}&date_to={day(100)}") == {"conv-old"}


def test_reviewed_tags_note_and_filter(env: Env, staff: TestClient) -> None:
    token = csrf_from(staff.get("/conversations/conv-fallback").text)
    response = staff.post("/conversations/conv-fallback/review",
                          data={"csrf_token": token, "reviewed": "1", "tags": "muziek, Onbekend", "note": "Nieuwe FAQ?"},
                          follow_redirects=False)
    assert response.status_code == 303
    row = conversation_row(env, "conv-fallback")
    assert row["reviewed"] and row["reviewed_by"] == "staff" and row["tags"] == "muziek, onbekend" and row["note"] == "Nieuwe FAQ?"
    assert "conv-fallback" in listed(staff, "reviewed=yes")
    assert "conv-fallback" not in listed(staff, "reviewed=no")
    assert "Nieuwe FAQ?" in staff.get("/conversations/conv-fallback").text


# --- transcript ---------------------------------------------------------------------------

def test_transcript_shows_nlu_slots_and_feedback(env: Env, staff: TestClient) -> None:
    html = staff.get("/conversations/conv-pii").text
    assert "Mijn zoon heet [naam], mail [e-mail] of bel [telefoonnummer]" in html
    assert "faq/zorgplicht" in html and "0.93" in html and "0.52" in html
    assert "person = [naam]" in html
    assert "partnership_code" in html and "PO 28-01" in html and "Leiden valt onder PO 28-01." in html
    assert "reactie: negatief" in staff.get("/conversations/conv-negative").text
    assert staff.get("/conversations/does-not-exist").status_code == 404


# --- corrections and export ------------------------------------------------------------------

def user_event_id(env: Env, sender_id: str, index: int = 0) -> int:
    with env.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.select(events.c.id).where(
            events.c.sender_id == sender_id, events.c.type_name == "user").order_by(events.c.id))]
    return ids[index]


def test_correction_and_nlu_export(env: Env, staff: TestClient, tmp_path: Path) -> None:
    page = staff.get("/conversations/conv-fallback").text
    event_id = user_event_id(env, "conv-fallback")
    response = staff.post("/conversations/conv-fallback/corrections",
                          data={"csrf_token": csrf_from(page), "event_id": event_id, "intent": "something_else"},
                          follow_redirects=False)
    assert response.status_code == 303
    # A correction to an intent that does not exist is refused.
    bad = staff.post("/conversations/conv-pii/corrections",
                     data={"csrf_token": csrf_from(page), "event_id": user_event_id(env, "conv-pii"), "intent": "made_up"})
    assert bad.status_code == 400
    pii_id = user_event_id(env, "conv-pii")
    assert staff.post("/conversations/conv-pii/corrections",
                      data={"csrf_token": csrf_from(page), "event_id": pii_id, "intent": "greet"}).status_code == 200
    assert "gecorrigeerd naar" in staff.get("/conversations/conv-fallback").text

    exported = staff.get("/corrections/export.yml")
    assert exported.status_code == 200
    document = yaml.safe_load(exported.text)
    examples = {item["intent"]: item["examples"] for item in document["nlu"]}
    assert "- Hoe zit het met de blokfluitles?" in examples["something_else"]
    # Placeholders become fictional values, never real ones, and no "[...]" entity syntax.
    assert "Sam" in examples["greet"] and "[" not in exported.text.split("nlu:")[1]
    for value in PII.values():
        assert value not in exported.text
    (tmp_path / "review_corrections.yml").write_text(exported.text, encoding="utf-8")

    story = staff.get("/conversations/conv-fallback/story.yml")
    steps = yaml.safe_load(story.text)["stories"][0]["steps"]
    assert steps[0] == {"user": "Hoe zit het met de blokfluitles?", "intent": "something_else"}
    assert {"action": "action_clarify"} in steps

    with env.engine.connect() as conn:
        actions = [r.action for r in conn.execute(sa.select(audit_log.c.action))]
    assert {"view", "correct", "export_nlu", "export_story", "view_list", "login"} <= set(actions)


@pytest.mark.integration
def test_exported_nlu_passes_rasa_data_validate(env: Env, staff: TestClient, tmp_path: Path) -> None:
    if not env.url.startswith("sqlite"):
        pytest.skip("the export is the same text for both databases; validate once")
    page = staff.get("/conversations/conv-xss").text
    staff.post("/conversations/conv-xss/corrections",
               data={"csrf_token": csrf_from(page), "event_id": user_event_id(env, "conv-xss"), "intent": "out_of_scope"})
    exported = staff.get("/corrections/export.yml").text
    project = tmp_path / "project"
    project.mkdir()
    for name in ("domain.yml", "config.yml"):
        (project / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run(["cp", "-r", str(ROOT / "data"), str(project / "data")], check=True)
    (project / "data" / "nlu" ).mkdir(exist_ok=True)
    (project / "data" / "nlu" / "review_corrections.yml").write_text(exported, encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate", "--fail-on-warnings",
         "--domain", "domain.yml", "--data", "data", "--config", "config.yml"],
        cwd=project, capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


# --- dashboard ---------------------------------------------------------------------------------

def test_dashboard(env: Env, staff: TestClient) -> None:
    html = staff.get("/dashboard").text
    # 6 conversations in the last 30 days (conv-old is 120 days back); one lookup of PO2801.
    assert "<strong>6</strong> gesprekken" in html
    assert "PO2801" in html and "faq/zorgplicht" in html
    assert "<rect" in html


# --- erasure and retention ---------------------------------------------------------------------

def count_events(env: Env, sender_id: str) -> int:
    with env.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(events).where(events.c.sender_id == sender_id)).scalar_one()


def test_erase_from_app_really_deletes(env: Env, staff: TestClient) -> None:
    assert count_events(env, "conv-handoff") > 0
    page = staff.get("/conversations/conv-handoff").text
    refused = staff.post("/conversations/conv-handoff/delete", data={"csrf_token": csrf_from(page), "confirm": "ja"})
    assert refused.status_code == 400 and count_events(env, "conv-handoff") > 0
    response = staff.post("/conversations/conv-handoff/delete",
                          data={"csrf_token": csrf_from(page), "confirm": "verwijderen"}, follow_redirects=False)
    assert response.status_code == 303
    assert count_events(env, "conv-handoff") == 0
    assert conversation_row(env, "conv-handoff") is None
    assert staff.get("/conversations/conv-handoff").status_code == 404
    with env.engine.connect() as conn:
        deleted = conn.execute(sa.select(audit_log).where(audit_log.c.action == "delete")).mappings().all()
    assert any(r["sender_id"] == "conv-handoff" and r["username"] == "staff" for r in deleted)


def test_purge_command_deletes_only_expired(env: Env) -> None:
    assert count_events(env, "conv-old") > 0
    # Seed a correction on the old conversation: it must go with it.
    with env.engine.begin() as conn:
        conn.execute(corrections.insert().values(event_id=10**9, sender_id="conv-old", text="x", corrected_intent="faq",
                                                 created_by="t", created_at=NOW))
    result = subprocess.run(
        [sys.executable, "-m", "review", "purge", "--older-than-days", "90"], cwd=ROOT, capture_output=True, text=True,
        env={**__import__("os").environ, "WEGWIJS_TRACKER_STORE_URL": env.url, "WEGWIJS_REVIEW_SECRET": "t",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "1 gesprekken" in result.stdout
    assert count_events(env, "conv-old") == 0 and conversation_row(env, "conv-old") is None
    with env.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(corrections).where(corrections.c.sender_id == "conv-old")).scalar_one() == 0
    assert count_events(env, "conv-zorgplicht") > 0 and count_events(env, "conv-xss") > 0


def test_create_user_command(env: Env) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "review", "create-user", "nieuwe.medewerker", "--password-stdin"], cwd=ROOT,
        input="een lang wachtwoord 42\n", capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "WEGWIJS_TRACKER_STORE_URL": env.url, "WEGWIJS_REVIEW_SECRET": "t",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    client = TestClient(env.client.app, base_url="https://testserver")
    assert login(client, "nieuwe.medewerker", "een lang wachtwoord 42").status_code == 303
    short = subprocess.run(
        [sys.executable, "-m", "review", "create-user", "kort", "--password-stdin"], cwd=ROOT, input="kort\n",
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "WEGWIJS_TRACKER_STORE_URL": env.url, "WEGWIJS_REVIEW_SECRET": "t",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    assert short.returncode == 1


def test_rebuild_matches_incremental_summaries(env: Env) -> None:
    from review.indexer import rebuild

    with env.engine.connect() as conn:
        before = {r["sender_id"]: dict(r) for r in conn.execute(sa.select(conversations)).mappings()}
    rebuild(env.engine)
    with env.engine.connect() as conn:
        after = {r["sender_id"]: dict(r) for r in conn.execute(sa.select(conversations)).mappings()}
    assert after.keys() == before.keys()
    for sender_id, row in before.items():
        assert after[sender_id] == row, sender_id


def test_login_redirect_stays_on_site(env: Env) -> None:
    for target, expected in (("//evil.example/x", "/"), ("/\\evil.example", "/"), ("https://evil.example", "/"),
                             ("/conversations/conv-xss", "/conversations/conv-xss")):
        client = TestClient(env.client.app, base_url="https://testserver", client=("192.0.2.50", 1))
        page = client.get("/login")
        response = client.post("/login", data={"username": "staff", "password": STAFF_PASSWORD,
                                               "csrf_token": csrf_from(page.text), "next": target}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == expected, target


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_summary_failure_never_loses_events(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        store = tracker_store(url)
        with store.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE review_search"))  # the summary update will fail
        store_conversation(store, "kept", [user("Mijn zoon heet Daan", "greet", 0.9)], NOW)
        with store.engine.connect() as conn:
            texts = [json.loads(r[0]).get("text") for r in conn.execute(
                sa.select(events.c.data).where(events.c.sender_id == "kept"))]
        store.engine.dispose()
        assert "Mijn zoon heet [naam]" in texts
        # `python -m review reindex` repairs the summaries.
        engine = make_engine(url)
        from review.indexer import ensure_schema, rebuild
        ensure_schema(engine)
        assert rebuild(engine) == 1
        engine.dispose()
