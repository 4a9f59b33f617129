"""Staff review app in headless Chromium: log in -> filter -> open transcript -> correct an intent -> export.

The app runs as `python -m review serve` (the real command) on a free port, over a fresh
SQLite tracker store that the real redacting tracker store filled.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests
import sqlalchemy as sa
import yaml
from playwright.sync_api import Page, expect

from review import auth
from review.config import make_engine
from tests.conftest import free_port
from tests.review_support import ROOT, STAFF_PASSWORD, bot, store_conversation, tracker_store, user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def review_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("review-e2e")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    store = tracker_store(url)
    now = time.time()
    store_conversation(store, "ouder-muziek", [
        user("Mag mijn kind muziekles volgen onder schooltijd? Bel me: 0612345678", "nlu_fallback", 0.32),
        bot("Dat weet ik niet zeker.", "action_clarify"),
    ], now - 3600)
    store_conversation(store, "ouder-tlv", [
        user("Wat is een TLV?", "faq", 0.95, retrieval_key="faq/tlv_wat"),
        bot("Een TLV is een toelaatbaarheidsverklaring.", "utter_faq"),
    ], now - 7200)
    store.engine.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        auth.create_user(conn, "medewerker", STAFF_PASSWORD)
    engine.dispose()
    port = free_port()
    log = (tmp / "review.log").open("w")
    env = {**os.environ, "WEGWIJS_TRACKER_STORE_URL": url, "WEGWIJS_REVIEW_SECRET": "e2e", "PYTHONPATH": str(ROOT),
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    # Default settings: Secure cookies. Chromium accepts them on http://localhost (a trustworthy origin).
    process = subprocess.Popen([sys.executable, "-m", "review", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://localhost:{port}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                raise RuntimeError((tmp / "review.log").read_text())
            try:
                if requests.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_login_filter_transcript_correct_export(page: Page, review_url: str, artifacts_dir: Path) -> None:
    page.goto(f"{review_url}/")
    # Not logged in: the login page, not the list.
    expect(page).to_have_url(f"{review_url}/login?next=%2F")
    page.get_by_label("Gebruikersnaam").fill("medewerker")
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Gesprekken")).to_be_visible()
    expect(page.locator("#total")).to_have_text("2")

    # Filter: only conversations the bot did not understand.
    page.get_by_label("Signaal").select_option("fallback")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("1")
    row = page.locator("table.list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("muziekles")
    # The phone number never reached the database.
    expect(row).to_contain_text("[telefoonnummer]")
    expect(page.locator("body")).not_to_contain_text("0612345678")

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Gesprek")).to_be_visible()
    expect(page.locator(".turn.user .intent")).to_have_text("nlu_fallback")
    expect(page.locator(".turn.user .conf")).to_contain_text("0.32")

    page.get_by_label("Juiste intent").select_option("something_else")
    page.get_by_role("button", name="Corrigeer").click()
    expect(page.get_by_role("status")).to_contain_text("correctie is opgeslagen")
    expect(page.locator(".corrected")).to_contain_text("something_else")
    page.screenshot(path=str(artifacts_dir / "review_transcript.png"), full_page=True)

    page.get_by_role("link", name="Correcties").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporteer als Rasa NLU (YAML)").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    document = yaml.safe_load(exported)
    examples = {item["intent"]: item["examples"] for item in document["nlu"]}
    assert "muziekles" in examples["something_else"]
    assert "0612345678" not in exported  # placeholders are replaced by a fictional number
    assert document["version"] == "3.1"

    # Every step above is in the audit log.
    page.get_by_role("link", name="Auditlog").click()
    for action in ("login", "view_list", "view", "correct", "export_nlu"):
        expect(page.locator("table.list")).to_contain_text(action)
