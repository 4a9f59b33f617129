"""Benchmark: review list page at 100,000 conversations / 2,000,000 events in PostgreSQL.

1. Creates database `wegwijs_review_bench` and fills Rasa's `events` table with generated,
   already-redacted conversations (COPY, in batches).
2. Builds the review summary tables with the real indexer (`review.indexer.rebuild`).
3. Starts the real review app (uvicorn) and times the list page over HTTP, with and
   without filters (after a warm-up), logged in like a staff member.
4. Writes bench/results/review_bench.json and prints a table. Goal: p95 < 300 ms.

    .venv/bin/python bench/review_bench.py [--conversations 100000] [--events 2000000]
        [--requests 40] [--port 8301] [--keep] [--reuse]

--reuse skips generation when the database already holds the data; --keep leaves it.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from review import auth  # noqa: E402
from review.indexer import ensure_schema, rebuild  # noqa: E402

ADMIN_URL = os.environ.get("WEGWIJS_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "wegwijs_review_bench"
DB_URL = ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"
RESULTS = ROOT / "bench" / "results"

INTENTS = [("faq", k) for k in ("zorgplicht", "tlv_wat", "leerplicht", "thuiszitten", "ondersteuningsplan",
                                "sbo", "so", "po_vo_overstap", "jeugdhulp", "geschillen")] + \
          [("greet", None), ("goodbye", None), ("ask_partnership", None), ("human_handoff", None),
           ("nlu_fallback", None), ("feedback_negative", None), ("feedback_positive", None), ("affirm", None)]
WEIGHTS = [8] * 10 + [10, 5, 8, 1, 3, 1, 2, 3]
BASE_WORDS = ("school zorgplicht kind extra ondersteuning toelaatbaarheidsverklaring leerplicht thuiszitten "
              "samenwerkingsverband groep basisschool speciaal onderwijs jeugdhulp dyslexie autisme gesprek "
              "intern begeleider mentor plaatsing wachtlijst vervoer Leiden Utrecht [naam] [telefoonnummer]").split()


def vocabulary() -> list[str]:
    """Words parents use: the project's own NLU examples (a realistic spread for text search)."""
    import re

    words: list[str] = []
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("- ") and not line.startswith("- intent"):
                words += [w for w in re.findall(r"[a-zà-ÿ]{3,}", line[2:].lower())]
    return words + BASE_WORDS * 20 if len(words) > 1000 else BASE_WORDS


WORDS = vocabulary()
CODES = ["PO2801", "VO2803", "PO2707", "VO2708", "PO2001", "PO2101"]


def tsv(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def generate(conversations: int, total_events: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    engine = sa.create_engine(DB_URL)
    now = time.time()
    per_conv = total_events / conversations
    raw = engine.raw_connection()
    written = 0
    started = time.perf_counter()
    try:
        cur = raw.cursor()
        buffer = io.StringIO()
        event_id = 0
        for c in range(conversations):
            sender = f"bench-{c:06d}-{rng.getrandbits(32):08x}"
            ts = now - rng.uniform(0, 85) * 86400
            budget = max(6, int(rng.gauss(per_conv, 4)))
            if c == conversations - 1:
                budget = max(6, total_events - written)
            rows = [("action", None, "action_session_start", {"event": "action", "name": "action_session_start"}),
                    ("session_started", None, None, {"event": "session_started"}),
                    ("action", None, "action_listen", {"event": "action", "name": "action_listen"})]
            while len(rows) < budget:
                intent, key = rng.choices(INTENTS, WEIGHTS)[0]
                confidence = round(rng.uniform(0.3, 0.6) if intent == "nlu_fallback" else rng.betavariate(8, 1.5), 3)
                text = " ".join(rng.choices(WORDS, k=rng.randint(3, 12)))
                parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
                if key:
                    parse["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{key}"}}}
                rows.append(("user", intent, None, {"event": "user", "text": text, "parse_data": parse}))
                if intent == "ask_partnership":
                    rows.append(("slot", None, None, {"event": "slot", "name": "partnership_code", "value": rng.choice(CODES)}))
                action = "utter_faq" if key else f"utter_{intent}"
                rows.append(("action", None, action, {"event": "action", "name": action}))
                rows.append(("bot", None, None, {"event": "bot", "text": "Een antwoord van Wegwijs in gewone taal."}))
                rows.append(("action", None, "action_listen", {"event": "action", "name": "action_listen"}))
            for type_name, intent, action, data in rows[:budget]:
                event_id += 1
                ts += rng.uniform(2, 40)
                data["timestamp"] = ts
                buffer.write(f"{event_id}\t{sender}\t{type_name}\t{ts}\t{intent or chr(92) + 'N'}\t"
                             f"{action or chr(92) + 'N'}\t{tsv(json.dumps(data, ensure_ascii=False))}\n")
            written += min(len(rows), budget)
            if buffer.tell() > 32 * 1024 * 1024 or c == conversations - 1:
                buffer.seek(0)
                cur.copy_expert("COPY events (id, sender_id, type_name, timestamp, intent_name, action_name, data) "
                                "FROM STDIN", buffer)
                raw.commit()
                buffer = io.StringIO()
        cur.execute(f"SELECT setval(pg_get_serial_sequence('events', 'id'), {event_id})")
        cur.execute("ANALYZE events")
        raw.commit()
    finally:
        raw.close()
    print(f"generated {conversations} conversations, {written} events in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    timings: dict[str, float] = {}
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DB_NAME}).first()
        if exists and not args.reuse:
            conn.execute(sa.text(f'DROP DATABASE "{DB_NAME}"'))
            exists = None
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{DB_NAME}"'))
    engine = sa.create_engine(DB_URL)
    ensure_schema(engine)
    with engine.connect() as conn:
        n_events = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    if n_events == 0:
        t = time.perf_counter()
        generate(args.conversations, args.events)
        timings["generate_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        n_conv = rebuild(engine)
        timings["rebuild_summaries_s"] = round(time.perf_counter() - t, 1)
        print(f"summaries for {n_conv} conversations in {timings['rebuild_summaries_s']} s")
    # Fresh statistics and visibility map, as autovacuum would leave them on a live system.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    with engine.connect() as conn:
        n_events = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        n_conv = conn.execute(sa.text("SELECT count(*) FROM review_conversations")).scalar_one()
    with engine.begin() as conn:
        auth.create_user(conn, "bench", "bench password 123")
        conn.execute(sa.text("DELETE FROM review_login_attempts"))

    env = {**os.environ, "WEGWIJS_TRACKER_STORE_URL": DB_URL, "WEGWIJS_REVIEW_SECRET": "bench",
           "WEGWIJS_REVIEW_INSECURE_COOKIE": "1", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "review", "serve", "--port", str(args.port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/login", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        session = requests.Session()
        page = session.get(f"{base}/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = session.post(f"{base}/login", data={"username": "bench", "password": "bench password 123",
                                                        "csrf_token": token, "next": "/"}, allow_redirects=False)
        assert response.status_code == 303, response.status_code
        day = lambda d: time.strftime("%Y-%m-%d", time.gmtime(time.time() - d * 86400))  # noqa: E731
        scenarios = {
            "no filter": "",
            "needs review": "needs_review=1",
            "fallback": "flag=fallback",
            "low confidence": "flag=low",
            "negative feedback": "flag=negative",
            "handoff": "flag=handoff",
            "intent faq/zorgplicht": "intent=faq/zorgplicht",
            "intent faq (all)": "intent=faq",
            "text search common 'school'": "q=school",
            "text search 'dyslexie'": "q=dyslexie",
            "text search phrase 'wachtlijst vervoer'": "q=wachtlijst+vervoer",
            "text search no match": "q=blokfluitles",
            "not reviewed": "reviewed=no",
            "date range 7 days": f"date_from={day(7)}&date_to={day(0)}",
            "all filters": f"date_from={day(30)}&needs_review=1&intent=faq&q=school&reviewed=no",
            "page 200": "page=200",
        }
        results = {}
        for name, query in scenarios.items():
            session.get(f"{base}/?{query}")  # warm-up
            samples = []
            for _ in range(args.requests):
                t = time.perf_counter()
                r = session.get(f"{base}/?{query}")
                samples.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200 and "gesprekken" in r.text
            total = r.text.split('<span id="total">')[1].split("<")[0]
            if "Meer dan" in r.text:
                total = f">{total}"
            results[name] = {"query": query, "matches": total, "p50_ms": round(statistics.median(samples), 1),
                             "p95_ms": round(percentile(samples, 95), 1), "max_ms": round(max(samples), 1)}
            print(f"{name:38s} {total:>7s} matches  p50 {results[name]['p50_ms']:7.1f} ms  p95 {results[name]['p95_ms']:7.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)
    worst = max(r["p95_ms"] for r in results.values())
    report = {"conversations": n_conv, "events": n_events, "requests_per_scenario": args.requests, **timings,
              "worst_p95_ms": worst, "goal_p95_ms": 300, "scenarios": results,
              "machine": f"{os.cpu_count()} CPUs (shared)", "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "review_bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"{n_conv} conversations, {n_events} events; worst p95 {worst} ms (goal < 300 ms)")
    engine.dispose()
    if not args.keep:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{DB_NAME}"'))
    return 0 if worst < 300 else 1


if __name__ == "__main__":
    raise SystemExit(main())
