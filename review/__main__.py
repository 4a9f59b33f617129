"""Command line: python -m review {create-user,purge,erase,reindex,serve}.

  create-user NAME          make (or reset) a staff account; asks the password twice
                            (or reads one line from stdin with --password-stdin)
  purge [--older-than-days N]  delete conversations whose last message is older than N days
                            (default WEGWIJS_RETENTION_DAYS or 90); run it daily, e.g. from cron
  erase SENDER_ID           delete one conversation (right to erasure) from the command line
  reindex                   rebuild the review summary tables from the events table
  serve [--host H] [--port P]  start the web app (default 127.0.0.1:8001); behind a reverse proxy add
                            --forwarded-allow-ips <proxy address> so throttling counts real clients
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from review.config import load_settings, make_engine
from review.indexer import ensure_schema


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    user = sub.add_parser("create-user", help="make or reset a staff account")
    user.add_argument("username")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    purge = sub.add_parser("purge", help="delete conversations older than the retention period")
    purge.add_argument("--older-than-days", type=int, default=None)
    erase = sub.add_parser("erase", help="delete one conversation")
    erase.add_argument("sender_id")
    sub.add_parser("reindex", help="rebuild summary tables from events")
    serve = sub.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default=os.environ.get("REVIEW_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("REVIEW_PORT", 8001)))
    serve.add_argument("--forwarded-allow-ips", default=os.environ.get("REVIEW_FORWARDED_ALLOW_IPS", ""),
                       help="behind a reverse proxy: its address(es), so login throttling sees the real client")
    args = parser.parse_args(argv)

    settings = load_settings()
    engine = make_engine(settings.database_url)
    ensure_schema(engine)

    if args.command == "create-user":
        from review import audit, auth

        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
            if getpass.getpass("Nog een keer: ") != password:
                print("De wachtwoorden zijn niet gelijk.", file=sys.stderr)
                return 1
        try:
            with engine.begin() as conn:
                auth.create_user(conn, args.username, password)
                audit.record(conn, "system:cli", "create_user", None, args.username)
        except auth.AuthError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"Account '{args.username}' is klaar. Log in op http://localhost:{os.environ.get('REVIEW_PORT', 8001)}/")
        return 0
    if args.command == "purge":
        from review.retention import purge as run_purge

        days = args.older_than_days or settings.retention_days
        deleted = run_purge(engine, days)
        print(f"{deleted.conversations} gesprekken ({deleted.events} events) ouder dan {days} dagen verwijderd.")
        return 0
    if args.command == "erase":
        from review.retention import erase as run_erase

        deleted = run_erase(engine, args.sender_id, "system:cli")
        print(f"{deleted.events} events van gesprek {args.sender_id!r} verwijderd.")
        return 0 if deleted.events else 1
    if args.command == "reindex":
        from review.indexer import rebuild

        print(f"{rebuild(engine)} gesprekken samengevat.")
        return 0
    if args.command == "serve":
        import uvicorn

        from review.app import create_app

        print(f"Wegwijs review: http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}/")
        # ws="none": no websockets needed, and Rasa pins an older websockets than uvicorn's auto mode expects.
        uvicorn.run(create_app(settings, engine), host=args.host, port=args.port, ws="none",
                    proxy_headers=bool(args.forwarded_allow_ips), forwarded_allow_ips=args.forwarded_allow_ips or None,
                    server_header=False, log_level="warning")
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
