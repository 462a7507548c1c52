"""Passwords: their rules, hashing and checking, setting one; the admin password made
at the first start and whether it was ever changed."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import datetime
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from portal import settings_store
from portal.db import transaction
from portal.users import ADMIN_LOGIN, UserError, ensure_admin, find_user

# The settings key holding the hash of the admin password made at the first start.
GENERATED_ADMIN_PASSWORD = settings_store.ADMIN_PASSWORD_GENERATED


def validate_password(password: str, min_length: int) -> None:
    """Raise UserError unless the password is acceptable."""
    if len(password) < min_length:
        raise UserError(f"A password needs at least {min_length} characters.")
    if password != password.strip():
        raise UserError("A password cannot start or end with a space.")


def hash_password(password: str) -> str:
    """A salted, slow hash of the password (werkzeug's scrypt)."""
    return generate_password_hash(password)


@cache
def _dummy_hash() -> str:
    # Checked against when no such account exists, so the answer takes as long either way.
    return generate_password_hash("no such account")


def password_matches(conn: sqlite3.Connection, user_id: int | None, password: str) -> bool:
    """Whether `password` is this user's password; costs the same for unknown users."""
    row = None
    if user_id is not None:
        row = conn.execute("SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()
    stored = row["password_hash"] if row and row["password_hash"] else None
    ok = check_password_hash(stored or _dummy_hash(), password)
    return ok and stored is not None


def set_password(conn: sqlite3.Connection, user_id: int, password_hash: str) -> None:
    """Store a new password hash and end every session of that user."""
    with transaction(conn):
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
        conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


def ensure_admin_password(conn: sqlite3.Connection, now: datetime) -> str | None:
    """Give the Administrator a random password if it has none; return it (to be
    shown once), or None when a password was already set."""
    admin = ensure_admin(conn, now)
    if admin.has_password:
        return None
    password = secrets.token_urlsafe(12)
    digest = hash_password(password)
    with transaction(conn):
        # Only if still unset: two processes starting at once must not both print one.
        cur = conn.execute(
            "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash IS NULL",
            (digest, admin.id),
        )
        if cur.rowcount == 1:
            # Kept to tell later starts that nobody has chosen a password yet (the hash
            # only: the password itself is shown once and never stored).
            # JSON like every setting (settings_store); written here, inside this
            # transaction, so the password and its mark are stored together.
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, json_object('hash', ?))"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (GENERATED_ADMIN_PASSWORD, digest),
            )
    return password if cur.rowcount == 1 else None


def admin_password_is_generated(conn: sqlite3.Connection) -> bool:
    """Whether the Administrator still has the password made at the first start."""
    admin = find_user(conn, ADMIN_LOGIN)
    if admin is None:
        return False
    row = conn.execute(
        "SELECT 1 FROM settings s JOIN users u ON u.password_hash = json_extract(s.value, '$.hash')"
        " WHERE s.key = ? AND u.id = ?",
        (GENERATED_ADMIN_PASSWORD, admin.id),
    ).fetchone()
    return row is not None
