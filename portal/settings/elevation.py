"""Elevation: System Settings ask for the admin password again ("If you are not already
logged in as Admin, enter your admin password when prompted"). Elevation belongs to one
browser session, ends after ADMIN_REAUTH_MINUTES without System Settings activity and at
log out, and the session identifier changes when it starts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from portal.auth import throttle
from portal.auth.login import locked_message
from portal.users import ADMIN_LOGIN, User, find_user, password_matches

WRONG = "That is not the admin password."


def reauth_period() -> timedelta:
    """How long elevation lasts without System Settings activity."""
    return timedelta(minutes=current_app.config["ADMIN_REAUTH_MINUTES"])


def policy() -> throttle.ThrottlePolicy:
    """5 wrong answers within 15 minutes lock the user out of elevation for 15 minutes
    (the login throttle's settings)."""
    cfg = current_app.config
    return throttle.ThrottlePolicy(
        max_failures=cfg["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=cfg["LOGIN_FAILURE_WINDOW_MINUTES"]),
        lockout=timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"]),
    )


def is_elevated(user: User, now: datetime) -> bool:
    """Whether this user's session may use System Settings now."""
    return user.elevated_until is not None and user.elevated_until > now


@dataclass(frozen=True)
class Outcome:
    granted: bool
    error: str | None = None
    newly_locked: bool = False


def attempt(
    conn: sqlite3.Connection,
    user: User,
    password: str,
    now: datetime,
    rules: throttle.ThrottlePolicy,
    remote_addr: str | None = None,
) -> Outcome:
    """Check an answer to the admin password prompt, under its own throttle per user."""
    admin = find_user(conn, ADMIN_LOGIN)
    result = throttle.check(
        conn,
        f"elevation:{user.id}",
        now,
        rules,
        lambda: password_matches(conn, admin.id if admin else None, password),
        remote_addr,
    )
    if result.passed:
        return Outcome(True)
    if result.locked_until is not None:
        return Outcome(
            False, locked_message(result.locked_until, now), newly_locked=result.newly_locked
        )
    return Outcome(False, WRONG)
