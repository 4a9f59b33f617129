"""History that the widget's Socket.IO channel sends on reconnect (rasa_ext/socketio_channel.py)."""
from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SessionStarted, UserUttered

from rasa_ext.socketio_channel import (
    allowed_origins_from_env,
    conversation_history,
    is_valid_session_id,
    origin_allowed,
)

BUTTONS = [{"title": "Wat is een TLV?", "payload": "Wat is een TLV?"}, {"title": "Iets anders", "payload": "/something_else"}]


def user(text: str, ts: float, intent: str = "faq", metadata: dict | None = None) -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 1.0}, timestamp=ts, metadata=metadata)


def bot(text: str, ts: float, buttons: list | None = None) -> BotUttered:
    return BotUttered(text, data={"buttons": buttons} if buttons else {}, timestamp=ts)


def test_history_has_user_and_bot_messages_with_timestamps_and_hides_control_messages() -> None:
    events = [
        SessionStarted(timestamp=1.0),
        ActionExecuted("action_listen", timestamp=1.1),
        user("/greet", 2.0, intent="greet"),
        bot("Hallo!", 2.1, BUTTONS),
        user("Wat is passend onderwijs?", 3.0),
        bot("Passend onderwijs betekent…", 3.1),
    ]
    history = conversation_history(events)
    assert [(m["sender"], m["text"]) for m in history] == [
        ("bot", "Hallo!"),
        ("user", "Wat is passend onderwijs?"),
        ("bot", "Passend onderwijs betekent…"),
    ]
    assert [m["timestamp"] for m in history] == [2.1, 3.0, 3.1]
    # Unused buttons stay; the greeting (a reply to a control message) gets no feedback buttons.
    assert history[0]["buttons"] == BUTTONS
    assert history[0]["feedback_allowed"] is False
    assert history[2]["feedback_allowed"] is True


def test_used_buttons_disappear_and_the_button_title_is_shown() -> None:
    events = [
        bot("Hallo!", 1.0, BUTTONS),
        user("/something_else", 2.0, intent="something_else", metadata={"button_title": "Iets anders"}),
        bot("Stelt u uw vraag anders.", 2.1),
    ]
    history = conversation_history(events)
    assert history[0]["buttons"] == []
    assert history[1] == {"sender": "user", "text": "Iets anders", "timestamp": 2.0}


def test_feedback_is_hidden_and_marks_the_answer_it_was_given_on() -> None:
    events = [
        user("Wat is een TLV?", 1.0),
        bot("Een TLV is…", 1.5),
        user("Wat is zorgplicht?", 2.0),
        bot("Zorgplicht betekent…", 2.5),
        user("/feedback_negative", 3.0, intent="feedback_negative", metadata={"feedback_for": 1.5}),
        bot("Jammer dat dit antwoord u niet hielp.", 3.1),
    ]
    history = conversation_history(events)
    assert [m["text"] for m in history if m["sender"] == "user"] == ["Wat is een TLV?", "Wat is zorgplicht?"]
    assert history[1]["feedback"] == "negative"
    assert "feedback" not in history[3]
    assert history[-1]["feedback_allowed"] is False


def test_restart_keeps_only_its_own_reply_and_a_new_session_starts_empty() -> None:
    before_restart = [user("Wat is een TLV?", 1.0), bot("Een TLV is…", 1.5)]
    restart = [
        user("/restart_conversation", 2.0, intent="restart_conversation"),
        bot("We beginnen opnieuw.", 2.1),
        Restarted(timestamp=2.2),
        SessionStarted(timestamp=2.3),
    ]
    history = conversation_history(before_restart + restart)
    assert [(m["sender"], m["text"]) for m in history] == [("bot", "We beginnen opnieuw.")]
    expired = before_restart + [SessionStarted(timestamp=5000.0), ActionExecuted("action_listen", timestamp=5000.1)]
    assert conversation_history(expired) == []


def test_only_session_ids_this_channel_creates_are_accepted() -> None:
    assert is_valid_session_id("0123456789abcdef0123456789abcdef")
    for bad in ["demo", "", None, 42, "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef0"]:
        assert not is_valid_session_id(bad), bad


def test_origins_come_from_the_environment_and_never_allow_everyone() -> None:
    origins = allowed_origins_from_env({"WEGWIJS_ALLOWED_ORIGINS": "https://a.nl  http://localhost:8000/ *"})
    assert origins == ["https://a.nl", "http://localhost:8000"]
    assert origin_allowed({"HTTP_ORIGIN": "https://a.nl"}, origins)
    assert not origin_allowed({"HTTP_ORIGIN": "https://evil.example"}, origins)
    assert origin_allowed({}, origins)  # no Origin header: not a browser, CORS does not apply
    # Nothing configured: only the server's own origin.
    assert allowed_origins_from_env({}) is None
    same = {"HTTP_ORIGIN": "http://bot.example:5005", "HTTP_HOST": "bot.example:5005", "wsgi.url_scheme": "http"}
    assert origin_allowed(same, None)
    assert not origin_allowed({**same, "HTTP_ORIGIN": "http://other.example"}, None)
