"""Time from pressing Enter in the widget to the first answer on screen, in Chromium.

Needs a running assistant whose allowed origins include the demo page, e.g.

    WEGWIJS_ALLOWED_ORIGINS="http://127.0.0.1:18000" make run        # (other terminal)
    .venv/bin/python bench/widget_first_answer.py --rasa-url http://localhost:5005

Serves widget/demo with widget/serve.py on --port, asks --rounds questions in fresh
conversations and prints the median and the slowest time. Goal: under 1 s.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Wat is passend onderwijs?",
    "Wat is een toelaatbaarheidsverklaring?",
    "Wat is de zorgplicht?",
    "Mijn kind zit thuis, wat nu?",
    "Hallo",
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

MEASURE = """(question) => new Promise((resolve, reject) => {
  const root = document.getElementById('wegwijs-widget').shadowRoot;
  const log = root.querySelector('.log');
  const input = root.querySelector('#ww-input');
  let sentAt = 0;
  new MutationObserver((records, observer) => {
    for (const r of records) for (const n of r.addedNodes)
      if (sentAt && n.classList && n.classList.contains('bot')) { observer.disconnect(); resolve(performance.now() - sentAt); }
  }).observe(log, {childList: true});
  input.value = question;
  sentAt = performance.now();
  root.querySelector('.composer button').click();
  setTimeout(() => reject(new Error('no answer in 30 s')), 30000);
})"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    parser.add_argument("--port", type=int, default=18000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    spec = importlib.util.spec_from_file_location("serve", ROOT / "widget" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)  # type: ignore[union-attr]
    server = serve.make_server("127.0.0.1", args.port, args.rasa_url)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    times: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for i in range(args.rounds):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{args.port}/")
            page.locator(".launcher").click()
            page.locator(".log .msg.bot").first.wait_for()  # greeting: connection is up
            time.sleep(0.3)
            times.append(page.evaluate(MEASURE, QUESTIONS[i % len(QUESTIONS)]))
            context.close()
        browser.close()
    server.shutdown()
    result = {
        "rounds": len(times),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "goal_ms": 1000,
    }
    print(json.dumps(result))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "widget_first_answer.json").write_text(json.dumps({**result, "times_ms": times}, indent=2))


if __name__ == "__main__":
    main()
