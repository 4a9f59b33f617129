"""Render deploy/nginx.conf.template into <run dir>/nginx.conf from environment settings.

  WEGWIJS_PUBLIC_LISTEN   address:port nginx listens on (default 127.0.0.1:8480)
  WEGWIJS_REPLICA_PORTS   Rasa replica ports, space-separated (default "5401 5402")
  WEGWIJS_REPLICA_HOST    host of the replicas (default 127.0.0.1)
  WEGWIJS_MAX_BODY        largest request body (default 64k)
  WEGWIJS_RATE_PER_IP     nginx limit_req rate per client IP (default 5r/s)
  WEGWIJS_RATE_BURST      requests above the rate that are still served (default 20)
  WEGWIJS_CONN_PER_IP     open connections per client IP (default 20)
  WEGWIJS_RATE_EXEMPT     networks without limits, space-separated (default none)

Usage: python deploy/render_nginx.py <run dir>
"""
from __future__ import annotations

import ipaddress
import os
import re
import sys
from pathlib import Path
from typing import Mapping

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
RATE = re.compile(r"\d+r/[sm]")
SIZE = re.compile(r"\d+[kKmM]?")


def settings(run_dir: Path, env: Mapping[str, str]) -> dict[str, str]:
    ports = env.get("WEGWIJS_REPLICA_PORTS", "5401 5402").split()
    host = env.get("WEGWIJS_REPLICA_HOST", "127.0.0.1")
    if not ports or not all(port.isdigit() for port in ports):
        raise ValueError(f"WEGWIJS_REPLICA_PORTS must list port numbers, got {ports!r}")
    rate = env.get("WEGWIJS_RATE_PER_IP", "5r/s")
    max_body = env.get("WEGWIJS_MAX_BODY", "64k")
    if not RATE.fullmatch(rate):
        raise ValueError(f"WEGWIJS_RATE_PER_IP must look like 5r/s, got {rate!r}")
    if not SIZE.fullmatch(max_body):
        raise ValueError(f"WEGWIJS_MAX_BODY must look like 64k, got {max_body!r}")
    exempt = [str(ipaddress.ip_network(net, strict=False)) for net in env.get("WEGWIJS_RATE_EXEMPT", "").split()]
    return {
        "RUN_DIR": str(run_dir.resolve()),
        "LISTEN": env.get("WEGWIJS_PUBLIC_LISTEN", "127.0.0.1:8480"),
        "RASA_SERVERS": "\n".join(f"        server {host}:{port} max_fails=1 fail_timeout=5s;" for port in ports),
        "MAX_BODY": max_body,
        "RATE": rate,
        "BURST": str(int(env.get("WEGWIJS_RATE_BURST", "20"))),
        "CONN_PER_IP": str(int(env.get("WEGWIJS_CONN_PER_IP", "20"))),
        "RATE_EXEMPT": "\n".join(f"        {net} 1;" for net in exempt),
    }


def render(run_dir: Path, env: Mapping[str, str]) -> str:
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in settings(run_dir, env).items():
        text = text.replace("{{" + key + "}}", value)
    leftover = re.findall(r"\{\{[A-Z_]+\}\}", text)
    if leftover:
        raise ValueError(f"unfilled settings in {TEMPLATE.name}: {leftover}")
    return text


def main() -> int:
    run_dir = Path(sys.argv[1])
    for sub in ("logs", "nginx-tmp"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    target = run_dir / "nginx.conf"
    target.write_text(render(run_dir, os.environ), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
