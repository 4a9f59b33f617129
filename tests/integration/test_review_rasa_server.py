"""The real Rasa server (repo endpoints.yml tracker type, trained model) stores no personal data."""
from __future__ import annotations

import sqlite3

import pytest
from starlette.testclient import TestClient

from review import auth
from review.app import create_app
from review.config import Settings, make_engine
from tests.review_support import STAFF_PASSWORD, login

pytestmark = pytest.mark.integration

PII = ["Daan", "06-12345678", "12345678", "petra.jansen@example.nl", "725763863", "NL91ABNA0417164300",
       "NL91", "Kerkstraat 12"]
MESSAGES = [
    "Hallo, mijn zoon heet Daan. Mijn nummer is 06-12345678 en mijn mail petra.jansen@example.nl",
    "Zijn BSN is 725763863 en ons IBAN NL91ABNA0417164300. Wij wonen op de Kerkstraat 12 in Leiden.",
    "Welk samenwerkingsverband hoort bij postcode 2312?",
]


def test_rasa_server_with_redacting_store_keeps_no_pii(rasa_server, sender: str) -> None:
    for text in MESSAGES:
        rasa_server.send(text, sender)
    rasa_server.send("/feedback_negative", sender, metadata={"feedback_for": "bot-msg-1"})

    with sqlite3.connect(rasa_server.tracker_db) as db:
        stored = [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]
        summary = db.execute("SELECT n_user, n_feedback_neg, first_text FROM review_conversations WHERE sender_id = ?",
                             (sender,)).fetchone()
        search_text = db.execute("SELECT search_text FROM review_search WHERE sender_id = ?", (sender,)).fetchone()[0]
    everything = "\n".join(stored) + summary[2] + search_text
    assert len(stored) > 10
    for value in PII:
        assert value not in everything, value
    assert "[naam]" in everything and "[telefoonnummer]" in everything and "[e-mail]" in everything
    assert "[BSN]" in everything and "[IBAN]" in everything and "[adres]" in everything
    # The place and PC4 the partnership lookup needs are kept.
    assert "Leiden" in everything and "2312" in everything
    assert summary[0] == 4 and summary[1] == 1

    # Rasa's own API now serves the redacted tracker too (it reads back from the store).
    tracker_text = str(rasa_server.tracker(sender))
    for value in PII:
        assert value not in tracker_text, value

    # And the review app on that database shows the conversation.
    engine = make_engine(f"sqlite:///{rasa_server.tracker_db}")
    with engine.begin() as conn:
        auth.create_user(conn, "staff", STAFF_PASSWORD)
    client = TestClient(create_app(Settings(database_url=str(engine.url), secret=b"t"), engine),
                        base_url="https://testserver")
    assert login(client).status_code == 303
    page = client.get(f"/conversations/{sender}")
    assert page.status_code == 200 and "[telefoonnummer]" in page.text
    assert sender in client.get("/?flag=negative").text
    client.close()
    engine.dispose()
