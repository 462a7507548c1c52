"""Brute-force throttle: after too many wrong passwords for one login name within a
window, that name is refused for a while. It keys on the name as typed, whether or
not such an account exists, so its answers reveal nothing about which logins exist."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.clock import from_db, to_db
from portal.db import transaction


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


def login_key(typed: str) -> str:
    """The throttle's key for a typed login name (login names are case-insensitive)."""
    return typed.strip().lower()


def locked_until(conn: sqlite3.Connection, key: str, now: datetime) -> datetime | None:
    """When the lockout of this key ends, or None if it is not locked now."""
    row = conn.execute("SELECT until FROM login_lockouts WHERE login_key = ?", (key,)).fetchone()
    if row is None:
        return None
    until = from_db(row["until"])
    return until if until > now else None


def record_failure(
    conn: sqlite3.Connection,
    key: str,
    now: datetime,
    policy: ThrottlePolicy,
    remote_addr: str | None = None,
) -> datetime | None:
    """Count a wrong password; return the lockout's end if this one reached the limit."""
    with transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE at <= ?", (to_db(now - policy.window),))
        conn.execute(
            "INSERT INTO login_failures (login_key, at, remote_addr) VALUES (?, ?, ?)",
            (key, to_db(now), remote_addr),
        )
        count = conn.execute(
            "SELECT count(*) FROM login_failures WHERE login_key = ? AND at > ?",
            (key, to_db(now - policy.window)),
        ).fetchone()[0]
        if count < policy.max_failures:
            return None
        until = now + policy.lockout
        conn.execute(
            "INSERT INTO login_lockouts (login_key, until) VALUES (?, ?)"
            " ON CONFLICT (login_key) DO UPDATE SET until = excluded.until",
            (key, to_db(until)),
        )
        # The count starts again after the lockout, rather than locking at once on the
        # first mistake after it.
        conn.execute("DELETE FROM login_failures WHERE login_key = ?", (key,))
        return until


def clear(conn: sqlite3.Connection, key: str) -> None:
    """Forget a key's failures after a successful login."""
    with transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE login_key = ?", (key,))
        conn.execute("DELETE FROM login_lockouts WHERE login_key = ?", (key,))


@dataclass(frozen=True)
class CheckResult:
    """A throttled password check: whether it passed, else until when the key is locked
    (None: a plain wrong answer) and whether this answer started the lockout."""

    passed: bool
    locked_until: datetime | None = None
    newly_locked: bool = False


def check(
    conn: sqlite3.Connection,
    key: str,
    now: datetime,
    policy: ThrottlePolicy,
    verify,
    remote_addr: str | None = None,
) -> CheckResult:
    """Run `verify()` (a password check) unless `key` is locked out; count a failure,
    forget the count on success."""
    until = locked_until(conn, key, now)
    if until is not None:
        return CheckResult(False, until)
    if verify():
        clear(conn, key)
        return CheckResult(True)
    until = record_failure(conn, key, now, policy, remote_addr)
    return CheckResult(False, until, newly_locked=until is not None)
