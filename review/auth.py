"""Staff accounts, login sessions and login throttling.

Passwords: Argon2id (argon2-cffi). Sessions live server-side: the cookie carries a random
token, the database only its HMAC, so logout and expiry really end a session and a copy
of the database gives no usable cookie. Throttling counts failed logins per user name and
per client address in a sliding window, in the database (works across processes).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection

from review.config import Settings
from review.schema import login_attempts, sessions, users

_hasher = PasswordHasher()
# Verifying against this keeps the timing of "unknown user" close to "wrong password".
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
USERNAME_RE = re.compile(r"^[a-zA-Z0-9._-]{2,80}$")
MIN_PASSWORD_LENGTH = 12


class AuthError(Exception):
    pass


class Throttled(AuthError):
    """Too many failed logins; try again later."""


@dataclass(frozen=True)
class StaffSession:
    user_id: int
    username: str
    csrf_token: str


def create_user(conn: Connection, username: str, password: str) -> int:
    if not USERNAME_RE.match(username):
        raise AuthError("Gebruikersnaam: 2-80 tekens, letters, cijfers, punt, streep of underscore.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Wachtwoord: minstens {MIN_PASSWORD_LENGTH} tekens.")
    exists = conn.execute(sa.select(users.c.id).where(users.c.username == username)).first()
    if exists:
        conn.execute(users.update().where(users.c.id == exists.id).values(password_hash=_hasher.hash(password)))
        conn.execute(sessions.delete().where(sessions.c.user_id == exists.id))
        return int(exists.id)
    result = conn.execute(users.insert().values(username=username, password_hash=_hasher.hash(password), created_at=time.time()))
    return int(result.inserted_primary_key[0])


def _recent_failures(conn: Connection, settings: Settings, username: str, client: str) -> int:
    since = time.time() - settings.failure_window_seconds
    failed = sa.and_(login_attempts.c.success.is_(False), login_attempts.c.ts >= since)
    by_user = conn.execute(sa.select(sa.func.count()).where(failed, login_attempts.c.username == username)).scalar_one()
    by_client = conn.execute(sa.select(sa.func.count()).where(failed, login_attempts.c.client == client)).scalar_one()
    return max(by_user, by_client)


def authenticate(conn: Connection, settings: Settings, username: str, password: str, client: str) -> int:
    """Return the user id, or raise AuthError / Throttled. Every attempt is recorded."""
    username = username.strip()[:80]
    if _recent_failures(conn, settings, username, client) >= settings.max_failures:
        raise Throttled("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw.")
    row = conn.execute(sa.select(users.c.id, users.c.password_hash).where(users.c.username == username)).first()
    ok = False
    try:
        ok = _hasher.verify(row.password_hash if row else _DUMMY_HASH, password) and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    conn.execute(login_attempts.insert().values(username=username, client=client[:64], ts=time.time(), success=ok))
    if not ok:
        raise AuthError("Gebruikersnaam of wachtwoord klopt niet.")
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(users.update().where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    conn.execute(users.update().where(users.c.id == row.id).values(last_login_at=time.time()))
    return int(row.id)


def _token_hash(settings: Settings, token: str) -> str:
    return hmac.new(settings.secret, token.encode(), hashlib.sha256).hexdigest()


def start_session(conn: Connection, settings: Settings, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    conn.execute(sessions.delete().where(sessions.c.expires_at < now))
    conn.execute(sessions.insert().values(
        token_hash=_token_hash(settings, token), user_id=user_id, csrf_token=secrets.token_urlsafe(32),
        created_at=now, expires_at=now + settings.session_hours * 3600,
    ))
    return token


def load_session(conn: Connection, settings: Settings, token: str | None) -> StaffSession | None:
    if not token or len(token) > 100:
        return None
    row = conn.execute(
        sa.select(sessions.c.user_id, sessions.c.csrf_token, sessions.c.expires_at, users.c.username)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == _token_hash(settings, token))
    ).first()
    if row is None or row.expires_at < time.time():
        return None
    return StaffSession(int(row.user_id), row.username, row.csrf_token)


def end_session(conn: Connection, settings: Settings, token: str | None) -> None:
    if token:
        conn.execute(sessions.delete().where(sessions.c.token_hash == _token_hash(settings, token)))
