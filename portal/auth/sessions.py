"""Server-side sessions. The signed Flask cookie carries only a random token; the row
keyed by the token's hash is what makes a session valid, so log out (or a new password)
ends it for good and a replayed cookie is rejected."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import datetime, timedelta

from portal.clock import to_db
from portal.db import transaction
from portal.users import _USER_SELECT, User, user_from_row


def _hash(token: str) -> str:
    # Only the hash is stored: a copy of system.db (a backup!) holds no live session.
    return hashlib.sha256(token.encode()).hexdigest()


def start(conn: sqlite3.Connection, user_id: int, now: datetime, lifetime: timedelta) -> str:
    """Open a session for the user and return its token; expired rows are purged."""
    token = secrets.token_urlsafe(32)
    with transaction(conn):
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (to_db(now),))
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (_hash(token), user_id, to_db(now), to_db(now + lifetime)),
        )
    return token


def load(conn: sqlite3.Connection, token: str, now: datetime) -> User | None:
    """The user whose live session has this token, or None (one indexed lookup)."""
    row = conn.execute(
        _USER_SELECT + " JOIN sessions s ON s.user_id = u.id"
        " WHERE s.token_hash = ? AND s.expires_at > ?",
        (_hash(token), to_db(now)),
    ).fetchone()
    return user_from_row(row, session_token=token) if row else None


def end(conn: sqlite3.Connection, token: str) -> None:
    """End one session."""
    with transaction(conn):
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))
