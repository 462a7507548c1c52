"""The decision behind the login form: throttle, password check, outcome. No HTTP here."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from portal.auth import throttle
from portal.passwords import password_matches
from portal.users import ADMIN_LOGIN, User, find_user

WRONG_PASSWORD = "The login name or password is not correct."  # noqa: S105 - a message


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: str | None = None
    newly_locked: tuple[str, ...] = ()  # the throttle keys this attempt locked


def locked_message(until: datetime, now: datetime) -> str:
    """What a locked-out login is told (the same whether or not the account exists)."""
    minutes = max(1, round((until - now).total_seconds() / 60))
    local = until.astimezone(now.tzinfo)  # a stored lockout comes back in UTC
    return (
        "Too many wrong passwords. Further tries are refused for "
        f"{minutes} more minute{'s' if minutes != 1 else ''} (until {local:%H:%M})."
    )


@dataclass(frozen=True)
class Check:
    """A password checked under its throttle budgets."""

    passed: bool
    error: str | None = None  # what the person is told when it did not pass
    newly_locked: tuple[str, ...] = ()  # the throttle keys this answer locked


def throttled_check(
    conn: sqlite3.Connection,
    budgets: list[throttle.Budget],
    account_id: int | None,
    password: str,
    now: datetime,
    remote_addr: str | None,
    wrong: str,
) -> Check:
    """The one way a password is checked (log in, the admin password prompt): refused
    while any budget is used up, counted against every budget when wrong; `wrong` is
    the message for a wrong password, a lockout says when tries are allowed again."""
    result = throttle.check(
        conn, budgets, now, lambda: password_matches(conn, account_id, password), remote_addr
    )
    if result.passed:
        return Check(True)
    if result.locked_until is not None:
        return Check(False, locked_message(result.locked_until, now), result.newly_locked)
    return Check(False, wrong)


def attempt(
    conn: sqlite3.Connection,
    typed_login: str,
    password: str,
    now: datetime,
    config: Mapping,
    remote_addr: str | None = None,
) -> LoginOutcome:
    """Check a login attempt against the throttle and the stored password. Logging in
    as the Administrator also draws on the admin password's shared budget."""
    key = throttle.login_key(typed_login, remote_addr)
    user = find_user(conn, typed_login) if typed_login.strip() else None
    budgets = [throttle.Budget(key, throttle.policy_from(config))]
    if key == throttle.login_key(ADMIN_LOGIN, remote_addr):
        budgets.append(throttle.admin_budget(config, remote_addr))
    check = throttled_check(
        conn, budgets, user.id if user else None, password, now, remote_addr, WRONG_PASSWORD
    )
    if check.passed:
        return LoginOutcome(user)
    return LoginOutcome(None, check.error, newly_locked=check.newly_locked)
