"""Review tables, stored in the same database as Rasa's `events` table.

`review_conversations` holds one summary row per conversation (sender_id) so the list page
filters and pages over 100,000 conversations without touching the 2 million events.
Rasa owns `events`; we only read it, and delete from it for retention and erasure.
"""
from __future__ import annotations

import time

import sqlalchemy as sa

metadata = sa.MetaData()

# The table Rasa's SQLTrackerStore writes (same definition, so we can query it).
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

conversations = sa.Table(
    "review_conversations", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("first_ts", sa.Float, nullable=False),
    sa.Column("last_ts", sa.Float, nullable=False),
    sa.Column("last_event_id", sa.Integer, nullable=False, default=0),
    sa.Column("n_events", sa.Integer, nullable=False, default=0),
    sa.Column("n_user", sa.Integer, nullable=False, default=0),
    sa.Column("n_fallback", sa.Integer, nullable=False, default=0),
    sa.Column("n_handoff", sa.Integer, nullable=False, default=0),
    sa.Column("n_feedback_pos", sa.Integer, nullable=False, default=0),
    sa.Column("n_feedback_neg", sa.Integer, nullable=False, default=0),
    sa.Column("n_lookups", sa.Integer, nullable=False, default=0),
    # Lowest intent confidence of any parent message (NULL: no message yet).
    sa.Column("min_confidence", sa.Float),
    sa.Column("first_text", sa.String(300), nullable=False, default=""),
    # Staff annotations; kept when the summary is refolded.
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
    sa.Column("reviewed_by", sa.String(80)),
    sa.Column("reviewed_at", sa.Float),
    sa.Column("tags", sa.Text, nullable=False, default=""),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Index("ix_review_conv_last_ts", "last_ts"),
    sa.Index("ix_review_conv_reviewed_last_ts", "reviewed", "last_ts"),
    sa.Index("ix_review_conv_first_ts", "first_ts"),
)

# Lower-cased parent messages (already redacted), capped, for text search. A table of its
# own keeps review_conversations rows narrow, so counting and filtering scan little data.
search = sa.Table(
    "review_search", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("search_text", sa.Text, nullable=False, default=""),
)

conversation_intents = sa.Table(
    "review_conversation_intents", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("intent", sa.String(255), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False, default=1),
    sa.Index("ix_review_intents_intent", "intent", "sender_id"),
)

lookups = sa.Table(
    "review_lookups", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False, default=1),
    sa.Index("ix_review_lookups_code", "code"),
)

corrections = sa.Table(
    "review_corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Integer, nullable=False, unique=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("predicted_intent", sa.String(255)),
    sa.Column("corrected_intent", sa.String(255), nullable=False),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

users = sa.Table(
    "review_users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(80), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float),
)

sessions = sa.Table(
    "review_sessions", metadata,
    # HMAC of the cookie token: a database dump does not yield a usable session.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("review_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

login_attempts = sa.Table(
    "review_login_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(80), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Index("ix_review_login_user_ts", "username", "ts"),
    sa.Index("ix_review_login_client_ts", "client", "ts"),
)

audit_log = sa.Table(
    "review_audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ts", sa.Float, nullable=False, index=True),
    sa.Column("username", sa.String(80), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

REVIEW_TABLES = [conversations, search, conversation_intents, lookups, corrections, users, sessions, login_attempts, audit_log]


def create_review_tables(bind: sa.engine.Connectable) -> None:
    """Create the review tables (and Rasa's events table when it does not exist yet)."""
    try:
        metadata.create_all(bind, tables=[events, *REVIEW_TABLES])
    except (sa.exc.ProgrammingError, sa.exc.IntegrityError, sa.exc.OperationalError):
        # Several Rasa replicas starting at once race to create the tables; the loser retries.
        time.sleep(1)
        metadata.create_all(bind, tables=[events, *REVIEW_TABLES])
    if bind.dialect.name == "postgresql":
        _postgres_search_index(bind)


def _postgres_search_index(bind: sa.engine.Connectable) -> None:
    """Trigram index so `ILIKE '%word%'` text search stays fast at 100k conversations."""
    with bind.connect() as conn:
        try:
            with conn.begin():
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            with conn.begin():
                conn.execute(sa.text(
                    "CREATE INDEX IF NOT EXISTS ix_review_conv_search_trgm "
                    "ON review_search USING gin (search_text gin_trgm_ops)"
                ))
        except sa.exc.DBAPIError:
            # No pg_trgm (no rights to create the extension): search still works, as a scan.
            pass
