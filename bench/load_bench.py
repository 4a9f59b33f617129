"""Load benchmark: Wegwijs as one process, Wegwijs as 2 replicas behind nginx, and a plain
`rasa init` assistant, measured one after the other in the same run on the same machine.

For each target and each concurrency level C, C simulated parents chat at the same time:
each parent sends the turns of a short conversation one by one (waiting for the answer),
then starts a new conversation with a new sender id. Per message we record the latency;
throughput is answered messages per second over the measuring window.
Also recorded: resident memory (peak VmRSS) of each Rasa server process and the cold
start of the single process (process start to first answer).

  .venv/bin/python bench/load_bench.py                       # all targets, C = 1, 10, 50
  .venv/bin/python bench/load_bench.py --targets single --levels 1 10 \
      --label tf-threads-1 --env TF_INTRA_OP_PARALLELISM_THREADS=1

Results: bench/results/load-<label>-<time>.json and .md (bench/results/ is not in git).
Ports (issue 7): replicas 5401/5402, action servers 5451/5452, nginx 8480, plain 5409.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

import aiohttp
import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
PLAIN_DIR = Path(os.environ.get("WEGWIJS_PLAIN_DIR", "/tmp/F-plain"))
PG_URL = os.environ.get("WEGWIJS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/wegwijs_prod_bench")
REDIS_URL = os.environ.get("WEGWIJS_BENCH_REDIS", "redis://127.0.0.1:6379/7")

# Parent conversations (Dutch): greeting, three questions, thanks. Questions are drawn from
# the FAQ topics so NLU, the response selectors and the rules all do real work.
WEGWIJS_OPENERS = ["Hallo", "Goedemorgen", "Hoi, ik heb een vraag"]
WEGWIJS_QUESTIONS = [
    "Wat is passend onderwijs?",
    "Wat betekent zorgplicht voor de school?",
    "Wat is een toelaatbaarheidsverklaring?",
    "Mijn zoon zit al weken thuis, wat kan ik doen?",
    "Wat doet een samenwerkingsverband?",
    "De school wil mijn dochter schorsen, mag dat?",
    "Hoe lang mag de school doen over een besluit na aanmelding?",
    "Wat is het verschil tussen speciaal onderwijs en speciaal basisonderwijs?",
    "Wie kan mij helpen als ik het niet eens ben met school?",
    "Is mijn kind leerplichtig?",
]
WEGWIJS_CLOSERS = ["Dank u wel", "Bedankt, doei"]
# The `rasa init` assistant's own intents (English moodbot).
PLAIN_OPENERS = ["hello", "hi there", "good morning"]
PLAIN_QUESTIONS = ["I am sad", "very bad", "I am great", "are you a bot?", "yes", "no"]
PLAIN_CLOSERS = ["bye", "goodbye"]


def conversation(kind: str, rng: random.Random) -> list[str]:
    if kind == "plain":
        return [rng.choice(PLAIN_OPENERS), *rng.sample(PLAIN_QUESTIONS, 3), rng.choice(PLAIN_CLOSERS)]
    return [rng.choice(WEGWIJS_OPENERS), *rng.sample(WEGWIJS_QUESTIONS, 3), rng.choice(WEGWIJS_CLOSERS)]


@dataclass
class LevelResult:
    concurrency: int
    messages: int
    errors: int
    empty_answers: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    # CPU time of the assistant's processes per answered message (warm-up included): much
    # less sensitive to other load on a shared machine than the latencies.
    cpu_ms_per_message: float = float("nan")


@dataclass
class TargetResult:
    name: str
    url: str
    levels: list[LevelResult] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    cold_start_s: Optional[float] = None
    notes: str = ""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def run_level(url: str, kind: str, concurrency: int, duration: float, warmup: float) -> LevelResult:
    latencies: list[float] = []
    counters = {"errors": 0, "empty": 0, "all": 0}
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency + 5)

    async def parent(index: int, session: aiohttp.ClientSession) -> None:
        rng = random.Random(index)
        while time.monotonic() < stop_at:
            sender = f"bench-{kind}-{index}-{secrets.token_hex(4)}"
            for text in conversation(kind, rng):
                if time.monotonic() >= stop_at:
                    return
                sent = time.monotonic()
                try:
                    async with session.post(url, json={"sender": sender, "message": text}) as response:
                        body = await response.json(content_type=None)
                        ok = response.status == 200
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    ok, body = False, None
                done = time.monotonic()
                if ok:
                    counters["all"] += 1
                if sent < measure_from or done > stop_at:
                    continue  # outside the measuring window
                if not ok:
                    counters["errors"] += 1
                    continue
                if not body:
                    counters["empty"] += 1
                latencies.append((done - sent) * 1000)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(parent(i, session) for i in range(concurrency)))
    answered = len(latencies)
    return LevelResult(
        concurrency=concurrency,
        messages=answered,
        errors=counters["errors"],
        empty_answers=counters["empty"],
        seconds=duration,
        throughput=round(answered / duration, 2),
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        mean_ms=round(statistics.fmean(latencies), 1) if latencies else float("nan"),
        cpu_ms_per_message=counters["all"],  # replaced by run_levels with the CPU figure
    )


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    """The process and its children (Sanic workers are child processes)."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        pids.extend(process_tree(int(child)))
    return pids


class RssSampler(threading.Thread):
    """Samples the resident memory of named processes once a second; keeps the peak."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak: dict[str, float] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for name, pid in self.pids.items():
                for member in process_tree(pid):
                    key = name if member == pid else f"{name}/worker-{member}"
                    self.peak[key] = round(max(self.peak.get(key, 0.0), rss_mb(member)), 1)
            self._halt.wait(1.0)

    def stop(self) -> dict[str, float]:
        self._halt.set()
        self.join()
        return self.peak


def server_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def wait_for_answer(url: str, text: str, process: subprocess.Popen, timeout: float = 900) -> float:
    """Seconds until `url` answers `text` with at least one bot message."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            response = requests.post(url, json={"sender": "bench-cold-start", "message": text}, timeout=30)
            if response.status_code == 200 and response.json():
                return time.monotonic() - start
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def reset_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    conn = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes and their children (Sanic workers)."""
    total = 0.0
    for pid in pids:
        for member in process_tree(pid):
            try:
                fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def run_levels(target: TargetResult, kind: str, levels: list[int], duration: float, warmup: float,
               pids: list[int]) -> None:
    for concurrency in levels:
        cpu_before = cpu_seconds(pids)
        result = asyncio.run(run_level(target.url, kind, concurrency, duration, warmup))
        answered_all = result.cpu_ms_per_message
        result.cpu_ms_per_message = round((cpu_seconds(pids) - cpu_before) * 1000 / max(1, answered_all), 1)
        print(f"  {target.name:<9} C={concurrency:<3} {result.throughput:7.2f} msg/s  p50 {result.p50_ms:7.1f}  "
              f"p95 {result.p95_ms:7.1f}  p99 {result.p99_ms:7.1f} ms  errors {result.errors}  empty {result.empty_answers}"
              f"  CPU {result.cpu_ms_per_message} ms/msg", flush=True)
        target.levels.append(result)


def bench_single(args: argparse.Namespace, logs: Path) -> TargetResult:
    """One Rasa process (+ its action server), state in PostgreSQL/Redis or SQLite/in-memory."""
    rasa_port, action_port = 5401, 5451
    extra = dict(kv.split("=", 1) for kv in args.env)
    tracker_url = PG_URL if args.tracker == "postgres" else f"sqlite:///{logs / 'tracker.db'}"
    env = server_env({**extra, "WEGWIJS_TRACKER_STORE_URL": tracker_url,
                      "WEGWIJS_ACTIONS_URL": f"http://127.0.0.1:{action_port}/webhook"})
    if args.lock == "redis":
        env["WEGWIJS_LOCK_STORE_URL"] = REDIS_URL
    if args.tracker == "postgres":
        reset_database(PG_URL)
    endpoints = logs / "endpoints-single.yml"
    subprocess.run([str(VENV_BIN / "python"), "scripts/render_endpoints.py", "endpoints.yml", str(endpoints)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    actions = subprocess.Popen([str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
                               cwd=ROOT, env=env, stdout=(logs / "actions.log").open("w"), stderr=subprocess.STDOUT)
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", args.model, "--interface", "127.0.0.1", "--port", str(rasa_port),
         "--endpoints", str(endpoints), "--credentials", "credentials.yml"],
        cwd=ROOT, env=env, stdout=(logs / "rasa-single.log").open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    target = TargetResult("single", url, notes=f"tracker={args.tracker} lock={args.lock} model={args.model} env={extra}")
    try:
        target.cold_start_s = round(wait_for_answer(url, "Wat is passend onderwijs?", rasa), 1)
        print(f"  single    cold start to first answer: {target.cold_start_s} s", flush=True)
        sampler = RssSampler({"rasa": rasa.pid, "actions": actions.pid})
        sampler.start()
        run_levels(target, "wegwijs", args.levels, args.duration, args.warmup, [rasa.pid, actions.pid])
        target.peak_rss_mb = sampler.stop()
    finally:
        stop_process(rasa)
        stop_process(actions)
    return target


def bench_replicas(args: argparse.Namespace, logs: Path) -> TargetResult:
    """The production stack: 2 replicas + 2 action servers behind nginx (scripts/prod_up.sh)."""
    run_dir = logs / "prod"
    extra = dict(kv.split("=", 1) for kv in args.env)
    env = server_env({
        **extra,
        "WEGWIJS_PROD_DIR": str(run_dir),
        "WEGWIJS_ENV_FILE": str(ROOT / "deploy" / "production.env.example"),
        "WEGWIJS_RASA_TOKEN": secrets.token_hex(16),
        "WEGWIJS_TRACKER_STORE_URL": PG_URL,
        "WEGWIJS_LOCK_STORE_URL": REDIS_URL,
        "WEGWIJS_MODEL": args.model,
        # The load generator is one IP sending for 50 parents: exempt it from the per-IP limits.
        "WEGWIJS_RATE_EXEMPT": "127.0.0.1/32",
    })
    reset_database(PG_URL)
    subprocess.run(["scripts/prod_up.sh"], cwd=ROOT, env=env, check=True)
    url = "http://127.0.0.1:8480/webhooks/rest/webhook"
    target = TargetResult("replicas", url, notes=f"2 replicas + nginx, env={extra}")
    try:
        pids = {p.stem: int(p.read_text()) for p in (run_dir / "pids").glob("*.pid")}
        sampler = RssSampler({name: pid for name, pid in pids.items() if not name.startswith("nginx")})
        sampler.start()
        run_levels(target, "wegwijs", args.levels, args.duration, args.warmup, list(pids.values()))
        target.peak_rss_mb = sampler.stop()
    finally:
        subprocess.run(["scripts/prod_down.sh"], cwd=ROOT, env=env, check=False)
    return target


def ensure_plain_assistant() -> Path:
    """Train the `rasa init` assistant once into PLAIN_DIR (reused by later runs)."""
    models = sorted((PLAIN_DIR / "models").glob("*.tar.gz")) if PLAIN_DIR.exists() else []
    if models:
        return models[-1]
    PLAIN_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(PLAIN_DIR)],
                   cwd=PLAIN_DIR, env=server_env({}), check=True, capture_output=True)
    return sorted((PLAIN_DIR / "models").glob("*.tar.gz"))[-1]


def bench_plain(args: argparse.Namespace, logs: Path) -> TargetResult:
    """Plain Rasa 3.6 `rasa init` assistant (defaults: in-memory tracker and lock store)."""
    model = ensure_plain_assistant()
    port = 5409
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port)],
        cwd=PLAIN_DIR, env=server_env({}), stdout=(logs / "rasa-plain.log").open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    target = TargetResult("plain", url, notes=f"rasa init model {model.name}")
    try:
        target.cold_start_s = round(wait_for_answer(url, "hello", rasa), 1)
        print(f"  plain     cold start to first answer: {target.cold_start_s} s", flush=True)
        sampler = RssSampler({"rasa": rasa.pid})
        sampler.start()
        run_levels(target, "plain", args.levels, args.duration, args.warmup, [rasa.pid])
        target.peak_rss_mb = sampler.stop()
    finally:
        stop_process(rasa)
    return target


def markdown(label: str, context: dict, targets: list[TargetResult]) -> str:
    lines = [f"### {label} ({context['started']})", "",
             f"Load before the run: {context['loadavg_before']}; CPU cores: {context['cpus']}.", "",
             "| target | C | msg/s | p50 ms | p95 ms | p99 ms | errors | empty | CPU ms/msg |",
             "|---|---|---|---|---|---|---|---|---|"]
    for target in targets:
        for level in target.levels:
            lines.append(f"| {target.name} | {level.concurrency} | {level.throughput} | {level.p50_ms} | "
                         f"{level.p95_ms} | {level.p99_ms} | {level.errors} | {level.empty_answers} | "
                         f"{level.cpu_ms_per_message} |")
    lines.append("")
    for target in targets:
        rss = ", ".join(f"{name} {mb:.0f} MB" for name, mb in sorted(target.peak_rss_mb.items()))
        cold = f"; cold start {target.cold_start_s} s" if target.cold_start_s is not None else ""
        lines.append(f"- {target.name}: peak RSS {rss}{cold}. {target.notes}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", default="plain,single,replicas")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--duration", type=float, default=30.0, help="measuring window per level (s)")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds before each window")
    parser.add_argument("--model", default="models/wegwijs.tar.gz")
    parser.add_argument("--tracker", choices=["postgres", "sqlite"], default="postgres", help="single target only")
    parser.add_argument("--lock", choices=["redis", "memory"], default="redis", help="single target only")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the Wegwijs servers")
    parser.add_argument("--label", default="load")
    args = parser.parse_args()

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    logs = Path(f"/tmp/F-bench-{stamp}")
    logs.mkdir(parents=True)
    context = {"started": started, "loadavg_before": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
               "cpus": os.cpu_count(), "label": args.label, "args": vars(args)}
    print(f"Load benchmark '{args.label}', logs in {logs}; load average {context['loadavg_before']}", flush=True)
    runners = {"plain": bench_plain, "single": bench_single, "replicas": bench_replicas}
    targets = [runners[name](args, logs) for name in args.targets.split(",")]
    context["loadavg_after"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])

    RESULTS.mkdir(parents=True, exist_ok=True)
    base = RESULTS / f"load-{args.label}-{stamp}"
    base.with_suffix(".json").write_text(json.dumps({"context": context, "targets": [asdict(t) for t in targets]}, indent=2))
    report = markdown(args.label, context, targets)
    base.with_suffix(".md").write_text(report)
    print(report)
    print(f"Written {base}.json and .md")
    if not os.environ.get("WEGWIJS_BENCH_KEEP_LOGS"):
        shutil.rmtree(logs, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
