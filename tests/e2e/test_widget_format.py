"""Safe formatting of bot text (widget/src/format.js), run in the real browser.

The module source is evaluated as is (its `export` keywords removed) in a blank page,
and the DOM it builds is inspected: bot text must never become HTML.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

FORMAT_JS = Path(__file__).resolve().parents[2] / "widget" / "src" / "format.js"

RENDER = """([source, text]) => {
  const module = new Function(source.replace(/^export /gm, '') + '; return {formatMessage, safeHref};')();
  window.__xss = 0;
  const box = document.createElement('div');
  box.append(module.formatMessage(document, text, {newWindow: '(nieuw venster)'}));
  document.body.replaceChildren(box);
  const links = [...box.querySelectorAll('a')].map(a => ({href: a.getAttribute('href'), target: a.target, rel: a.rel,
                                                           text: a.firstChild.textContent}));
  return {html: box.innerHTML, text: box.textContent, tags: [...box.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
          links};
}"""


@pytest.fixture()
def render(page: Page):
    source = FORMAT_JS.read_text(encoding="utf-8")
    page.goto("about:blank")

    def _render(text: str) -> dict:
        return page.evaluate(RENDER, [source, text])

    return _render


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="window.__xss=1">',
        "<script>window.__xss=1</script>",
        '<a href="javascript:window.__xss=1">klik</a>',
        "[klik](javascript:window.__xss=1)",
        "[klik](data:text/html,<script>window.__xss=1</script>)",
        '<svg onload="window.__xss=1">',
    ],
)
def test_markup_in_bot_text_stays_text(render, page: Page, payload: str) -> None:
    result = render(f"Hallo {payload} daar")
    assert set(result["tags"]) <= {"p", "br", "strong", "a", "span", "ul", "ol", "li"}
    assert not any(tag in result["tags"] for tag in ["img", "script", "svg"])
    assert all(link["href"].startswith(("http://", "https://")) for link in result["links"])
    assert "Hallo" in result["text"]
    page.wait_for_timeout(50)
    assert page.evaluate("window.__xss") == 0


def test_paragraphs_lists_bold_and_safe_links(render) -> None:
    text = (
        "Eerste alinea met **nadruk**.\n\n"
        "- punt een\n- punt twee\n\n"
        "1. stap een\n2. stap twee\n\n"
        "Lees [de uitleg](https://www.passendonderwijs.nl/) of kijk op https://www.oudersonderwijs.nl.\n"
        "Mail naar vraag@oudersonderwijs.nl."
    )
    result = render(text)
    assert result["tags"].count("p") == 2
    assert result["tags"].count("ul") == 1 and result["tags"].count("ol") == 1 and result["tags"].count("li") == 4
    assert "strong" in result["tags"] and "br" in result["tags"]
    assert [(link["href"], link["text"]) for link in result["links"]] == [
        ("https://www.passendonderwijs.nl/", "de uitleg"),
        # The sentence-ending dot is not part of the link.
        ("https://www.oudersonderwijs.nl/", "https://www.oudersonderwijs.nl"),
    ]
    for link in result["links"]:
        assert link["target"] == "_blank"
        assert set(link["rel"].split()) >= {"noopener", "noreferrer"}
    # e-mail addresses are not turned into links (only http(s) is allowed)
    assert "vraag@oudersonderwijs.nl" in result["text"]
