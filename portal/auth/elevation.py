"""Elevation: System Settings ask for the admin password again ("If you are not already
logged in as Admin, enter your admin password when prompted"). Elevation belongs to one
browser session, ends after ADMIN_REAUTH_MINUTES without System Settings activity and at
log out, and the session identifier changes when it starts."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from portal.auth import throttle
from portal.auth.login import throttled_check
from portal.users import ADMIN_LOGIN, User, find_user

WRONG = "That is not the admin password."


def reauth_period() -> timedelta:
    """How long elevation lasts without System Settings activity."""
    return timedelta(minutes=current_app.config["ADMIN_REAUTH_MINUTES"])


def is_elevated(user: User, now: datetime) -> bool:
    """Whether this user's session may use System Settings now."""
    return user.elevated_until is not None and user.elevated_until > now


@dataclass(frozen=True)
class Outcome:
    granted: bool
    error: str | None = None
    newly_locked: tuple[str, ...] = ()  # the throttle keys this answer locked


def attempt(
    conn: sqlite3.Connection,
    user: User,
    password: str,
    now: datetime,
    config: Mapping,
    remote_addr: str | None = None,
) -> Outcome:
    """Check an answer to the admin password prompt: 5 wrong answers in 15 minutes lock
    this person out of the prompt, and every account's wrong answers together draw on
    the admin password's shared budget (10)."""
    admin = find_user(conn, ADMIN_LOGIN)
    budgets = [
        throttle.Budget(throttle.elevation_key(user.login), throttle.policy_from(config)),
        throttle.admin_budget(config, remote_addr),
    ]
    check = throttled_check(
        conn, budgets, admin.id if admin else None, password, now, remote_addr, WRONG
    )
    return Outcome(check.passed, check.error, newly_locked=check.newly_locked)
