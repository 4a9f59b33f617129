"""Shared browser fixtures for the end-to-end tests (widget, staff review app).

The browser is Debian's ``chromium`` (installed by ``make browser``), driven by Playwright
for Python. Playwright never downloads a browser here: we point it at /usr/bin/chromium.
Screenshots and other test output go to ``tests/artifacts/`` (gitignored).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

CHROMIUM_PATH = os.environ.get("WEGWIJS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "artifacts"
AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# Viewports used by the tests: a common small phone and an ordinary laptop screen.
PHONE_VIEWPORT = {"width": 375, "height": 667}
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in the
# main thread while it is active, which breaks asyncio.run() in tests that run later.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Chromium per test module."""
    if not (os.path.exists(CHROMIUM_PATH) or shutil.which(CHROMIUM_PATH)):
        pytest.fail(f"{CHROMIUM_PATH} is missing: run `make browser` (installs Debian's chromium).")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture()
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (own cookies and sessionStorage) per test, in Dutch."""
    ctx = browser.new_context(locale="nl-NL", viewport=DESKTOP_VIEWPORT)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def axe() -> "Callable[[Page, Optional[str]], list[dict]]":
    """``axe(page, selector=None)`` runs axe-core on the page and returns the violations."""
    return run_axe


def run_axe(page: Page, context_selector: Optional[str] = None) -> list[dict]:
    """Inject the vendored axe-core into the page and return its violations (WCAG 2.1 A/AA)."""
    # page.evaluate runs through the DevTools protocol, so a strict CSP on the page
    # (no inline script) does not block the injection, unlike add_script_tag.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        """async (selector) => {
            const target = selector ? document.querySelector(selector) : document;
            const res = await axe.run(target, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            });
            return res.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        context_selector,
    )
    return result
