"""Wegwijs benchmark: answer accuracy, latency, throughput, training time and memory.

Talks to a running assistant over HTTP, like the website does:
- accuracy on the dev questions (bench/dev/*.tsv, `question<TAB>expected`): every question in
  a fresh conversation over the REST channel (what the parent sees), plus POST /model/parse
  (intent and response-selector ranking, to explain misses);
- latency p50/p95 and throughput of the REST webhook at 1 and 10 concurrent conversations;
- resident memory of the Rasa server (VmRSS now, VmHWM peak, from /proc/<pid>/status);
- training time: models/.train_seconds (written by `make train`), or measured with --train.

If nothing answers at --url, it starts an action server and `rasa run --enable-api
--auth-token` with --model on free ports (SQLite tracker store in a temp folder) and stops
them at the end. With --train it first trains a fresh model into a temp folder and benchmarks
that one.

    make bench                       # or: .venv/bin/python bench/run_bench.py
    make bench TRAIN=1               # also time a full `rasa train`
    .venv/bin/python bench/run_bench.py --url http://localhost:5005 --token <token>

Writes bench/results/latest.md and bench/results/latest.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.harness import assistant as proc  # noqa: E402
from bench.harness.devset import DevQuestion, load_dev_files  # noqa: E402
from bench.harness.report import markdown_report  # noqa: E402
from bench.harness.scoring import Outcome, ResponseCatalogue, latency_stats, score, summarise  # noqa: E402

WEBHOOK = "/webhooks/rest/webhook"
WARMUP_MESSAGES = ["hallo", "wat is passend onderwijs", "wat is een tlv"]


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[list[dict[str, Any]], float]:
    started = time.perf_counter()
    async with session.post(url + WEBHOOK, json={"sender": sender, "message": text}) as response:
        response.raise_for_status()
        replies = await response.json()
    return replies, (time.perf_counter() - started) * 1000


async def parse(session: aiohttp.ClientSession, url: str, token: str, text: str) -> Optional[dict[str, Any]]:
    async with session.post(url + "/model/parse", params={"token": token} if token else None,
                            json={"text": text}) as response:
        if response.status in (401, 403, 404, 405):
            return None  # server runs without --enable-api or with another token
        response.raise_for_status()
        return await response.json()


async def server_catalogue(url: str, token: str) -> Optional[ResponseCatalogue]:
    """The running model's responses (GET /domain, needs the HTTP API), so replies match exactly."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        async with session.get(url + "/domain", params={"token": token} if token else None,
                               headers={"Accept": "application/json"}) as response:
            if response.status != 200:
                return None
            return ResponseCatalogue.from_domain(await response.json())


def faq_option_questions() -> dict[str, str]:
    """faq/<key> -> the question its "Bedoelt u…?" button sends (resources/faq/*.yml)."""
    from wegwijs.faq_catalog import load_catalog

    try:
        return {f"faq/{key}": entry.question for key, entry in load_catalog().items()}
    except (OSError, KeyError, ValueError):
        return {}


async def measure_accuracy(url: str, token: str, questions: list[DevQuestion], catalogue: ResponseCatalogue,
                           concurrency: int) -> tuple[list[Outcome], bool]:
    """Every question in a fresh conversation; returns the outcomes and whether /model/parse was available."""
    parse_available = True
    options = faq_option_questions()
    semaphore = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(question: DevQuestion) -> Outcome:
            nonlocal parse_available
            async with semaphore:
                parsed = await parse(session, url, token, question.text) if parse_available else None
                if parsed is None:
                    parse_available = False
                replies, latency = await send(session, url, f"bench-acc-{uuid.uuid4().hex[:12]}", question.text)
            return score(question, parsed or {}, replies, catalogue, latency, options)

        outcomes = await asyncio.gather(*(one(q) for q in questions))
    return list(outcomes), parse_available


async def measure_load(url: str, texts: list[str], conversations: int, requests: int) -> dict[str, Any]:
    """`requests` messages over `conversations` concurrent conversations (one sender each)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for index in range(requests):
        queue.put_nowait(texts[index % len(texts)])
    latencies: list[float] = []
    failures = 0
    run_id = uuid.uuid4().hex[:8]
    timeout = aiohttp.ClientTimeout(total=300)
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def conversation(number: int) -> None:
            nonlocal failures
            sender = f"bench-load-{run_id}-c{conversations}-{number}"
            while True:
                try:
                    text = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    _, latency = await send(session, url, sender, text)
                    latencies.append(latency)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(conversation(n) for n in range(conversations)))
        wall = time.perf_counter() - started
    stats = latency_stats(latencies, wall)
    stats.update({"conversations": conversations, "failures": failures})
    return stats


async def warm_up(url: str) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for text in WARMUP_MESSAGES:
            await send(session, url, f"bench-warmup-{uuid.uuid4().hex[:8]}", text)


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def recorded_training_seconds() -> Optional[dict[str, Any]]:
    stamp = ROOT / "models" / ".train_seconds"
    try:
        seconds = float(stamp.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    written = datetime.fromtimestamp(stamp.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
    return {"seconds": seconds, "source": "models/.train_seconds (make train)", "written": written}


def memory(pid: Optional[int]) -> Optional[dict[str, int]]:
    if pid is None:
        return None
    try:
        return proc.memory_kb(pid)
    except OSError:
        return None


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("BENCH_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"),
                        help="Rasa server to measure; started by the benchmark when nothing answers there")
    parser.add_argument("--token", default=os.environ.get("BENCH_TOKEN", ""),
                        help="auth token of the Rasa HTTP API (for /model/parse); a random one for a started server")
    parser.add_argument("--rasa-pid", type=int, default=None, help="PID of the Rasa server (default: found by port)")
    parser.add_argument("--model", type=Path, default=None,
                        help="model for a started assistant (default models/wegwijs.tar.gz)")
    parser.add_argument("--dev", type=Path, nargs="*", default=None, help="dev files (default bench/dev/*.tsv)")
    parser.add_argument("--concurrency", default="1,10", help="conversation counts for the load phases")
    parser.add_argument("--load-requests", type=int, default=200, help="messages per load phase")
    parser.add_argument("--accuracy-concurrency", type=int, default=4)
    parser.add_argument("--train", action="store_true", help="time a full `rasa train` and benchmark that model")
    parser.add_argument("--start", action="store_true", help="always start an own assistant, even if --url answers")
    parser.add_argument("--rasa-port", type=int, default=0, help="port for a started Rasa server (default: free)")
    parser.add_argument("--actions-port", type=int, default=0, help="port for a started action server (default: free)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, tracker.db, trained model)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    command = " ".join(["bench/run_bench.py", *(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))])
    dev_files = args.dev or sorted((ROOT / "bench" / "dev").glob("*.tsv"))
    questions = load_dev_files(dev_files)
    load_before = os.getloadavg()

    training: Optional[dict[str, Any]] = recorded_training_seconds()
    model = args.model or ROOT / "models" / "wegwijs.tar.gz"
    workdir = Path(tempfile.mkdtemp(prefix="wegwijs-bench-"))
    if args.train:
        print("[bench] training a fresh model (rasa train)...", flush=True)
        model, seconds = proc.train_model(workdir / "models")
        training = {"seconds": seconds, "source": "rasa train, measured by this run",
                    "written": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    started: Optional[proc.StartedAssistant] = None
    url, token = args.url.rstrip("/"), args.token
    if args.train or args.start or not proc.answers(url + "/"):
        if not model.exists():
            print(f"[bench] no assistant at {url} and no model at {model}: run `make train` first.", file=sys.stderr)
            return 2
        token = uuid.uuid4().hex
        print(f"[bench] starting action server + Rasa server with {model.name}...", flush=True)
        started = proc.start_assistant(model, workdir, token, args.rasa_port, args.actions_port)
        url = started.url
    elif args.model is None:
        model = None  # a running server: its model is whatever it loaded
    rasa_pid = started.rasa.pid if started else (args.rasa_pid or proc.pid_listening_on(urlparse(url).port or 80))

    try:
        memory_idle = memory(rasa_pid)
        catalogue = asyncio.run(server_catalogue(url, token))
        catalogue_source = "running model (GET /domain)"
        if catalogue is None:
            catalogue, catalogue_source = ResponseCatalogue.from_project(ROOT), "domain.yml + data/ (no API access)"
        catalogue = catalogue.with_action_messages(ROOT / "resources" / "messages")
        asyncio.run(warm_up(url))
        print(f"[bench] accuracy: {len(questions)} dev questions at {url}...", flush=True)
        t0 = time.perf_counter()
        outcomes, parse_available = asyncio.run(
            measure_accuracy(url, token, questions, catalogue, args.accuracy_concurrency))
        accuracy_seconds = time.perf_counter() - t0
        memory_after_accuracy = memory(rasa_pid)
        load = []
        texts = [q.text for q in questions]
        for conversations in (int(c) for c in args.concurrency.split(",") if c.strip()):
            print(f"[bench] load: {args.load_requests} messages over {conversations} conversation(s)...", flush=True)
            load.append(asyncio.run(measure_load(url, texts, conversations, args.load_requests)))
        memory_end = memory(rasa_pid)
    finally:
        if started:
            started.stop()
        if args.keep:
            print(f"[bench] kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    summary = summarise(outcomes)
    result = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "commit": git_commit(),
        "assistant": {
            "url": url, "started_by_bench": bool(started), "model": str(model) if model else None,
            "model_mb": round(model.stat().st_size / 1e6, 1) if model and model.exists() else None,
            "model_modified": datetime.fromtimestamp(model.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
            if model and model.exists() else None,
            "startup_seconds": started.startup_seconds if started else None,
            "rasa_pid": rasa_pid, "model_parse_api": parse_available, "responses_from": catalogue_source,
        },
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "dev_files": [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in dev_files],
        "accuracy": summary.as_dict(),
        "accuracy_seconds": round(accuracy_seconds, 1),
        "load": load,
        "memory_kb": {"rasa_idle_after_start": memory_idle, "rasa_after_accuracy": memory_after_accuracy,
                      "rasa_end": memory_end},
        "training": training,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    (args.out / "latest.md").write_text(markdown_report(result), encoding="utf-8")
    overall = summary.overall
    rate = f"{overall.value:.1%}" if overall.value is not None else "n/a"
    print(f"[bench] accuracy {overall.right}/{overall.total} = {rate}; report: {args.out / 'latest.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
