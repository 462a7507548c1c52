"""The decision behind the login form: throttle, password check, outcome. No HTTP here."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from portal.auth import throttle
from portal.users import User, find_user, password_matches

WRONG_PASSWORD = "The login name or password is not correct."  # noqa: S105 - a message


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: str | None = None
    newly_locked: bool = False


def locked_message(until: datetime, now: datetime) -> str:
    """What a locked-out login is told (the same whether or not the account exists)."""
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (
        "Too many wrong passwords. Further tries are refused for "
        f"{minutes} more minute{'s' if minutes != 1 else ''} (until {until:%H:%M})."
    )


def attempt(
    conn: sqlite3.Connection,
    typed_login: str,
    password: str,
    now: datetime,
    policy: throttle.ThrottlePolicy,
    remote_addr: str | None = None,
) -> LoginOutcome:
    """Check a login attempt against the throttle and the stored password."""
    key = throttle.login_key(typed_login)
    user = find_user(conn, typed_login) if key else None
    result = throttle.check(
        conn,
        key,
        now,
        policy,
        lambda: password_matches(conn, user.id if user else None, password),
        remote_addr,
    )
    if result.passed:
        return LoginOutcome(user)
    if result.locked_until is not None:
        return LoginOutcome(
            None, locked_message(result.locked_until, now), newly_locked=result.newly_locked
        )
    return LoginOutcome(None, WRONG_PASSWORD)
