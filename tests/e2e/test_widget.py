"""The website widget in a real browser (Debian chromium) against the real assistant.

The demo page is served by widget/serve.py with its strict CSP; the widget talks to a
real Rasa server (tests/conftest.py `rasa_server`, trained model, real action server,
fresh SQLite tracker store) over Socket.IO.

To run these tests against an assistant that is already running (while developing), set
WEGWIJS_E2E_RASA_URL (its --cors/WEGWIJS_ALLOWED_ORIGINS must allow
http://127.0.0.1:18000) and WEGWIJS_E2E_TRACKER_DB (its SQLite tracker file).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect
from widget_helpers import DEEP_ACTIVE_ELEMENT, MESSAGES, demo_server, normalise, tracker_events

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}


@dataclass
class ChatServer:
    url: str
    tracker_db: Path

    def rest_answer(self, text: str, sender: str) -> list[str]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        response.raise_for_status()
        return [m["text"] for m in response.json() if m.get("text")]


@pytest.fixture(scope="session")
def chat_server(request: pytest.FixtureRequest) -> ChatServer:
    if os.environ.get("WEGWIJS_E2E_RASA_URL"):
        return ChatServer(os.environ["WEGWIJS_E2E_RASA_URL"].rstrip("/"), Path(os.environ["WEGWIJS_E2E_TRACKER_DB"]))
    server = request.getfixturevalue("rasa_server")
    return ChatServer(server.url, Path(server.tracker_db))


@pytest.fixture(scope="session")
def demo_url(chat_server: ChatServer) -> Iterator[str]:
    with demo_server(chat_server.url) as url:
        yield url


@pytest.fixture(scope="session")
def metrics(artifacts_dir: Path) -> Iterator[dict]:
    """Numbers measured by the tests, written to tests/artifacts/widget_metrics.json."""
    values: dict = {}
    yield values
    (artifacts_dir / "widget_metrics.json").write_text(json.dumps(values, indent=2))


class PageProblems:
    """Collects CSP violations, console errors and uncaught exceptions of a page."""

    def __init__(self, page: Page) -> None:
        self.items: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.items.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.items.append(f"pageerror: {exc}"))


def new_page(browser: Browser, viewport: dict, **options) -> tuple[BrowserContext, Page, PageProblems]:
    context = browser.new_context(viewport=viewport, locale="nl-NL", **options)
    page = context.new_page()
    return context, page, PageProblems(page)


def messages(page: Page) -> list[dict]:
    return page.evaluate(MESSAGES)


def bot_messages(page: Page) -> list[str]:
    return [m["text"] for m in messages(page) if m["sender"] == "bot"]


def bot_count(page: Page) -> int:
    return page.locator(".log .msg.bot").count()


def new_answer(page: Page, before: int, timeout_s: float = 30) -> list[str]:
    """Waits for the bot's reply after `before` bot messages (it may take several messages
    and ends when no more arrive for a moment) and returns its texts."""
    deadline = time.monotonic() + timeout_s
    stable_since, last = None, before
    while time.monotonic() < deadline:
        count = bot_count(page)
        if count != last:
            stable_since, last = time.monotonic(), count
        elif count > before and time.monotonic() - stable_since > 0.8:
            return bot_messages(page)[before:]
        page.wait_for_timeout(100)
    raise AssertionError(f"no complete answer after {timeout_s} s")


def tab_to(page: Page, predicate, max_tabs: int = 25) -> dict:
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        active = page.evaluate(DEEP_ACTIVE_ELEMENT)
        if active and predicate(active):
            return active
    raise AssertionError("element not reachable with the Tab key")


def session_id(page: Page) -> str:
    return page.evaluate("() => sessionStorage.getItem('wegwijs.session')")


def test_parent_journey_by_keyboard(
    browser: Browser, demo_url: str, chat_server: ChatServer, axe, artifacts_dir: Path, metrics: dict
) -> None:
    context, page, problems = new_page(browser, DESKTOP)
    page.goto(demo_url)
    launcher = page.locator(".launcher")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert axe(page) == [], "axe violations on the page with the closed widget"

    # Open the widget with the keyboard only.
    active = tab_to(page, lambda a: "launcher" in a["cls"])
    assert active["tag"] == "button"
    # A real button whose accessible name (from the accessibility tree) is Dutch.
    expect(page.get_by_role("button", name="Vraag het Wegwijs")).to_be_focused()
    # Visible focus: a solid ring of at least 2 px on the keyboard-focused launcher.
    outline = launcher.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert outline[0] == "solid" and outline[1] >= 2
    page.keyboard.press("Enter")
    expect(page.locator(".panel")).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    # First open: the privacy notice is shown and has the focus; confirming it moves on to the question field.
    expect(page.locator(".notice")).to_be_visible()
    assert page.evaluate(DEEP_ACTIVE_ELEMENT)["text"] == "Begrepen"
    violations = axe(page)
    assert violations == [], json.dumps(violations, indent=2)
    page.keyboard.press("Enter")
    expect(page.locator(".notice")).to_be_hidden()
    assert page.evaluate(DEEP_ACTIVE_ELEMENT)["id"] == "ww-input"

    # The greeting (sent as /greet, not shown as a bubble) arrives with its buttons.
    greeting = new_answer(page, 0)
    assert greeting and {m["sender"] for m in messages(page)} == {"bot"}
    expect(page.locator(".log .choices button").first).to_be_visible()
    greeting_buttons = page.locator(".log .choices button").all_inner_texts()
    assert len(greeting_buttons) >= 2

    # Ask a question; measure in the browser from Enter to the first answer on screen.
    page.evaluate("""() => {
      const root = document.getElementById('wegwijs-widget').shadowRoot;
      const log = root.querySelector('.log');
      window.__answerAt = null;
      root.querySelector('#ww-input').addEventListener('keydown', e => {
        if (e.key === 'Enter') { window.__sentAt = performance.now(); window.__answerAt = null; }
      }, {capture: true});
      new MutationObserver(records => {
        for (const r of records) for (const n of r.addedNodes)
          if (n.classList && n.classList.contains('bot') && window.__sentAt && !window.__answerAt)
            window.__answerAt = performance.now();
      }).observe(log, {childList: true});
    }""")
    question = "Wat is een toelaatbaarheidsverklaring?"
    page.keyboard.type(question)
    before = bot_count(page)
    page.keyboard.press("Enter")
    answer = new_answer(page, before)
    first_answer_ms = page.evaluate("() => window.__answerAt - window.__sentAt")
    metrics["first_answer_ms"] = round(first_answer_ms, 1)
    print(f"\nwidget: first answer visible {first_answer_ms:.0f} ms after sending (goal < 1000 ms)")

    assert messages(page)[before] == {"sender": "user", "text": question}
    # The widget shows exactly what the assistant answers over REST for the same question.
    expected = chat_server.rest_answer(question, sender=f"e2e-rest-{time.time_ns()}")
    assert expected, "the assistant gave no answer over REST"
    assert normalise(" ".join(expected)) == " ".join(answer)

    # The greeting buttons stayed visible while the conversation went on; use one by keyboard.
    buttons = page.locator(".log .choices button")
    expect(buttons.first).to_be_visible()
    title = buttons.first.inner_text()
    buttons.first.focus()
    shown_before = len(messages(page))
    before = bot_count(page)
    page.keyboard.press("Enter")
    assert new_answer(page, before)
    assert messages(page)[shown_before] == {"sender": "user", "text": title}
    expect(page.locator(".log .msg.bot").first.locator(".choices")).to_have_count(0)
    assert page.evaluate(DEEP_ACTIVE_ELEMENT)["id"] == "ww-input"

    # Reload: the same conversation, with its history, continues.
    before = messages(page)
    session_before = session_id(page)
    page.reload()
    expect(page.locator(".panel")).to_be_visible()
    expect(page.locator(".log .msg")).to_have_count(len(before))
    assert messages(page) == before
    assert session_id(page) == session_before

    # 👍 on the last answer reaches the tracker, linked to that answer; no bubble for it.
    # Pin the answer by index: a lazy `.last` would move to the assistant's thank-you reply to the
    # feedback as soon as that arrives, and the check below would look at the wrong bubble.
    answered_index = bot_count(page) - 1
    last_answer = page.locator(".log .msg.bot").nth(answered_index)
    thumbs_up = last_answer.locator(".feedback button[data-feedback='positive']")
    thumbs_up.focus()
    page.keyboard.press("Enter")
    expect(thumbs_up).to_have_attribute("aria-pressed", "true")
    assert new_answer(page, answered_index + 1)
    total_bot = bot_count(page)
    assert not any(m["text"].startswith("/") for m in messages(page))
    events = tracker_events(chat_server.tracker_db, session_before)
    feedback = [e for e in events if e["type"] == "user" and e["intent"] == "feedback_positive"]
    assert len(feedback) == 1
    feedback_for = json.loads(feedback[0]["data"])["metadata"]["feedback_for"]
    bot_times = [e["timestamp"] for e in events if e["type"] == "bot"]
    answered = [t for t in bot_times if abs(t - float(feedback_for)) < 1e-6]
    assert answered, "feedback_for does not point at a bot message in the tracker"
    answer_event = next(e for e in events if e["type"] == "bot" and e["timestamp"] == answered[0])
    assert normalise(json.loads(answer_event["data"])["text"]) == normalise(before[-1]["text"])

    # After another reload the given feedback is still shown.
    page.reload()
    expect(page.locator(".log .msg.bot")).to_have_count(total_bot)
    expect(page.locator(".log .msg.bot").nth(answered_index).locator("[data-feedback='positive']")).to_have_attribute(
        "aria-pressed", "true"
    )

    violations = axe(page)
    assert violations == [], json.dumps(violations, indent=2)
    page.screenshot(path=str(artifacts_dir / "widget-desktop.png"))

    # Escape closes the panel and gives the focus back to the launcher.
    page.locator("#ww-input").focus()
    page.keyboard.press("Escape")
    expect(page.locator(".panel")).to_be_hidden()
    assert "launcher" in page.evaluate(DEEP_ACTIVE_ELEMENT)["cls"]
    assert problems.items == []
    context.close()


def test_phone_screen_restart_and_zoom(browser: Browser, demo_url: str, axe, artifacts_dir: Path) -> None:
    context, page, problems = new_page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(demo_url)
    page.locator(".launcher").tap()
    page.locator(".notice button").tap()
    new_answer(page, 0)
    page.locator("#ww-input").fill("Wat is de zorgplicht?")
    before = bot_count(page)
    page.locator(".composer button").tap()
    assert new_answer(page, before)

    # The panel fills the phone screen, nothing sticks out sideways.
    box = page.locator(".panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("#ww-input")).to_be_in_viewport()
    violations = axe(page)
    assert violations == [], json.dumps(violations, indent=2)
    page.screenshot(path=str(artifacts_dir / "widget-phone.png"))

    # Restart: the log is cleared and the assistant starts a new conversation in the same session.
    session_before = session_id(page)
    page.locator(".restart").tap()
    expect(page.locator(".log .msg.user")).to_have_count(0)
    restart_reply = new_answer(page, 0)
    assert session_id(page) == session_before
    page.reload()
    expect(page.locator(".log .msg")).to_have_count(len(restart_reply))
    assert bot_messages(page) == restart_reply
    context.close()

    # 200% zoom on a 1280 px screen is a 640 px wide viewport: everything stays reachable.
    context, page, zoom_problems = new_page(browser, {"width": 640, "height": 400})
    page.goto(demo_url)
    page.locator(".launcher").click()
    for selector in [".close", ".restart", ".notice button", "#ww-input", ".composer button"]:
        locator = page.locator(selector)
        locator.scroll_into_view_if_needed()
        expect(locator).to_be_in_viewport()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 640
    assert problems.items == [] and zoom_problems.items == []
    context.close()


def test_reduced_motion_stops_the_typing_animation(browser: Browser, demo_url: str) -> None:
    for motion, expected in [("no-preference", "ww-blink"), ("reduce", "none")]:
        context, page, _ = new_page(browser, DESKTOP, reduced_motion=motion)
        page.goto(demo_url)
        page.locator(".launcher").click()
        name = page.locator(".typing .dots span").first.evaluate("el => getComputedStyle(el).animationName")
        assert name == expected, motion
        context.close()


def test_host_page_styles_and_widget_styles_stay_apart(browser: Browser, demo_url: str) -> None:
    context, page, problems = new_page(browser, DESKTOP)
    page.goto(demo_url)
    page.locator(".launcher").click()
    new_answer(page, 0)
    host_font_before = page.locator("main p").first.evaluate("el => getComputedStyle(el).fontFamily")
    # A hostile host stylesheet (added via CSSOM, which the page's CSP allows).
    page.evaluate("""() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync('* { color: rgb(255, 0, 0) !important; font-family: serif !important; } '
        + 'button { background: rgb(255, 0, 255) !important; } p { margin: 40px !important; }');
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }""")
    bubble = page.locator(".log .msg.bot .bubble p").first
    style = bubble.evaluate("el => { const s = getComputedStyle(el); return [s.color, s.fontFamily, s.marginTop]; }")
    assert style[0] != "rgb(255, 0, 0)" and style[1] != "serif" and style[2] != "40px"
    launcher_bg = page.locator(".launcher").evaluate("el => getComputedStyle(el).backgroundColor")
    assert launcher_bg != "rgb(255, 0, 255)"
    # And the widget's own styles (e.g. its .bubble/.panel rules) do not reach the host page.
    assert host_font_before.startswith("Georgia")
    assert problems.items == []
    context.close()


def test_serve_sends_a_strict_csp(demo_url: str, chat_server: ChatServer) -> None:
    response = requests.get(demo_url, timeout=10)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert chat_server.url.replace("http://", "ws://") in directives["connect-src"]
    nonce = directives["style-src"].split("'nonce-")[1].rstrip("'")
    assert f'data-nonce="{nonce}"' in response.text
    # A new nonce per response.
    assert requests.get(demo_url, timeout=10).headers["Content-Security-Policy"] != csp



def test_dropped_connection_continues_the_same_conversation(browser: Browser, demo_url: str) -> None:
    context, page, problems = new_page(browser, DESKTOP)
    page.goto(demo_url)
    page.locator(".launcher").click()
    page.locator(".notice button").click()
    new_answer(page, 0)
    page.locator("#ww-input").fill("Wat is passend onderwijs?")
    page.keyboard.press("Enter")
    new_answer(page, 1)
    before = messages(page)
    session_before = session_id(page)

    # Cut the transport under the widget (as a flaky mobile network does) and type meanwhile.
    page.evaluate("() => window.WegwijsWidget.connection.socket.io.engine.close()")
    page.locator("#ww-input").fill("Wat is de zorgplicht?")
    page.keyboard.press("Enter")
    # socket.io reconnects, the channel sends the history, then the queued question goes out.
    assert new_answer(page, len([m for m in before if m["sender"] == "bot"]))
    after = messages(page)
    assert after[: len(before)] == before
    assert after[len(before)] == {"sender": "user", "text": "Wat is de zorgplicht?"}
    assert session_id(page) == session_before
    expect(page.locator(".typing")).to_be_hidden()
    assert [p for p in problems.items if "WebSocket" not in p] == []
    context.close()


def test_style_fallback_uses_the_nonce_under_the_strict_csp(browser: Browser, demo_url: str) -> None:
    """Browsers without constructable stylesheets get a <style nonce>; the CSP accepts it."""
    context, page, problems = new_page(browser, DESKTOP)
    page.add_init_script("delete Document.prototype.adoptedStyleSheets; delete ShadowRoot.prototype.adoptedStyleSheets;")
    page.goto(demo_url)
    launcher = page.locator(".launcher")
    expect(launcher).to_be_visible()
    style = page.evaluate("""() => {
      const root = document.getElementById('wegwijs-widget').shadowRoot;
      const el = root.querySelector('style');
      return el && {nonce: el.nonce, fixed: getComputedStyle(root.querySelector('.root')).position};
    }""")
    assert style is not None and style["nonce"], "no <style nonce> fallback"
    # The styles were applied (not blocked by the CSP): the widget is positioned and coloured.
    assert style["fixed"] == "fixed"
    assert launcher.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(29, 79, 145)"
    assert problems.items == []
    # Without the nonce the same <style> would be refused: the CSP really is strict.
    refused = page.evaluate("""() => new Promise(resolve => {
      document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), {once: true});
      const s = document.createElement('style'); s.textContent = 'body{color:red}'; document.head.append(s);
      setTimeout(() => resolve(null), 2000);
    })""")
    assert refused and refused.startswith("style-src")
    context.close()


def test_works_over_http_polling_when_websockets_are_blocked(browser: Browser, demo_url: str) -> None:
    context, page, problems = new_page(browser, DESKTOP)
    # A WebSocket that fails like one a proxy refuses: error, then close 1006, never open.
    page.add_init_script("""
      window.__blockedSockets = [];
      window.WebSocket = class BlockedWebSocket {
        constructor(url) {
          window.__blockedSockets.push(url);
          this.readyState = 0;
          setTimeout(() => {
            this.readyState = 3;
            if (this.onerror) this.onerror(new Event('error'));
            if (this.onclose) this.onclose({code: 1006, reason: '', wasClean: false});
          }, 20);
        }
        send() {}
        close() {}
      };
    """)
    page.goto(demo_url)
    page.locator(".launcher").click()
    page.locator(".notice button").click()
    assert new_answer(page, 0), "no greeting over polling"
    page.locator("#ww-input").fill("Wat is passend onderwijs?")
    page.keyboard.press("Enter")
    assert new_answer(page, 1)
    assert page.evaluate("window.__blockedSockets.length") >= 1, "the widget did not try a WebSocket first"
    # CORS answered once per response (a doubled Access-Control-Allow-Origin would be refused).
    assert [p for p in problems.items if "WebSocket" not in p] == []
    context.close()
