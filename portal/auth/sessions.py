"""Server-side sessions. The signed Flask cookie carries only a random token; the row
keyed by the token's hash is what makes a session valid, so log out (or a new password)
ends it for good and a replayed cookie is rejected."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import datetime, timedelta

from portal.clock import from_db, to_db
from portal.db import transaction
from portal.users import USER_COLUMNS, USER_FROM, User, user_from_row


def _hash(token: str) -> str:
    # Only the hash is stored: a copy of system.db (a backup!) holds no live session.
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    conn: sqlite3.Connection,
    user_id: int,
    now: datetime,
    lifetime: timedelta,
    elevated_until: datetime | None = None,
) -> str:
    """Open a session for the user and return its token; expired rows are purged."""
    token = secrets.token_urlsafe(32)
    with transaction(conn):
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (to_db(now),))
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, elevated_until)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                _hash(token),
                user_id,
                to_db(now),
                to_db(now + lifetime),
                to_db(elevated_until) if elevated_until else None,
            ),
        )
    return token


def load(conn: sqlite3.Connection, token: str, now: datetime) -> User | None:
    """The user whose live session has this token, or None (one indexed lookup)."""
    row = conn.execute(
        f"SELECT {USER_COLUMNS}, s.elevated_until {USER_FROM}"
        " JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND s.expires_at > ?",
        (_hash(token), to_db(now)),
    ).fetchone()
    if row is None:
        return None
    user = user_from_row(row, session_token=token)
    if row["elevated_until"]:
        user.elevated_until = from_db(row["elevated_until"])
    return user


def elevate(conn: sqlite3.Connection, token: str, until: datetime) -> str:
    """Give this session System Settings rights until `until`, under a new token: the
    session identifier changes when elevation starts. Returns the new token."""
    new = secrets.token_urlsafe(32)
    with transaction(conn):
        conn.execute(
            "UPDATE sessions SET token_hash = ?, elevated_until = ? WHERE token_hash = ?",
            (_hash(new), to_db(until), _hash(token)),
        )
    return new


def extend_elevation(conn: sqlite3.Connection, token: str, until: datetime) -> None:
    """Keep an elevated session elevated (System Settings activity)."""
    with transaction(conn):
        conn.execute(
            "UPDATE sessions SET elevated_until = ? WHERE token_hash = ?"
            " AND elevated_until IS NOT NULL",
            (to_db(until), _hash(token)),
        )


def end_elevation(conn: sqlite3.Connection, token: str) -> None:
    """Leave System Settings: this session is no longer elevated."""
    with transaction(conn):
        conn.execute(
            "UPDATE sessions SET elevated_until = NULL WHERE token_hash = ?", (_hash(token),)
        )


def end(conn: sqlite3.Connection, token: str) -> None:
    """End one session."""
    with transaction(conn):
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))
