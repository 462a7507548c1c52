"""Brute-force throttle: after too many wrong passwords for one key within a window,
that key is refused for a while.

Keys live in namespaces, so that nothing typed can name another door's key:
`login:<name as typed>|<client address>` for the login form (whether or not such an
account exists, so its answers reveal nothing about which logins exist),
`elevation:<login>` for one person's admin password prompt, and
`admin-password|<client address>` for the one password that opens System Settings,
counted across every account and both doors. The login keys hold the client address
(behind a proxy, the one it forwards: PROXY_COUNT): wrong passwords typed at one machine
lock that machine out, never the real owner of the account at another.

A check is atomic: the answer takes its place in every budget it draws on (a row in
login_failures) before the password is checked, in one write transaction, so however
many answers arrive at once no more than the allowed number are ever checked."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.clock import from_db, to_db
from portal.db import transaction

ADMIN_PASSWORD_KEY = "admin-password"  # noqa: S105 - a throttle key, not a password


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


def policy_from(config: Mapping, max_setting: str = "LOGIN_MAX_FAILURES") -> ThrottlePolicy:
    """The policy the settings give (LOGIN_FAILURE_WINDOW_MINUTES, LOGIN_LOCKOUT_MINUTES,
    and the limit named by `max_setting`)."""
    return ThrottlePolicy(
        max_failures=int(config[max_setting]),
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
        lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
    )


@dataclass(frozen=True)
class Budget:
    """A key and its policy. A success clears a person's own budget; the shared admin
    password budget keeps the other accounts' wrong answers (`shared`)."""

    key: str
    policy: ThrottlePolicy
    shared: bool = False


def _at(address: str | None) -> str:
    return f"|{address}" if address else ""


def login_key(typed: str, address: str | None = None) -> str:
    """The login form's key for a typed login name (login names are case-insensitive)
    from one client address."""
    return "login:" + typed.strip().lower() + _at(address)


def elevation_key(login: str) -> str:
    """One person's key at the admin password prompt (by login name: ids stay internal)."""
    return "elevation:" + login.lower()


def admin_budget(config: Mapping, address: str | None = None) -> Budget:
    """Wrong admin passwords from one client address across every account and both doors
    (ADMIN_PASSWORD_MAX_FAILURES)."""
    policy = policy_from(config, "ADMIN_PASSWORD_MAX_FAILURES")
    return Budget(ADMIN_PASSWORD_KEY + _at(address), policy, True)


def is_admin_key(key: str) -> bool:
    return key == ADMIN_PASSWORD_KEY or key.startswith(ADMIN_PASSWORD_KEY + "|")


@dataclass(frozen=True)
class CheckResult:
    """A throttled password check: whether it passed, else until when it is refused
    (None: a plain wrong answer), and which keys this answer locked."""

    passed: bool
    locked_until: datetime | None = None
    newly_locked: tuple[str, ...] = field(default=())


def locked_until(conn: sqlite3.Connection, key: str, now: datetime) -> datetime | None:
    """When the lockout of this key ends, or None if it is not locked now."""
    row = conn.execute("SELECT until FROM login_lockouts WHERE login_key = ?", (key,)).fetchone()
    if row is None:
        return None
    until = from_db(row["until"])
    return until if until > now else None


def _count(conn: sqlite3.Connection, key: str, now: datetime, policy: ThrottlePolicy) -> int:
    return conn.execute(
        "SELECT count(*) FROM login_failures WHERE login_key = ? AND at > ?",
        (key, to_db(now - policy.window)),
    ).fetchone()[0]


def _reserve(
    conn: sqlite3.Connection, budgets: list[Budget], now: datetime, remote_addr: str | None
) -> datetime | list[int]:
    """Take a place in every budget (a row that counts as a failure until the password
    is found right), or say until when the answer is refused."""
    oldest = now - max(b.policy.window for b in budgets)
    with transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE at <= ?", (to_db(oldest),))
        for budget in budgets:
            until = locked_until(conn, budget.key, now)
            if until is not None:
                return until
            if _count(conn, budget.key, now, budget.policy) >= budget.policy.max_failures:
                # As many answers as allowed are being checked right now; if they are
                # wrong, the key is locked from now on.
                return now + budget.policy.lockout
        return [
            conn.execute(
                "INSERT INTO login_failures (login_key, at, remote_addr) VALUES (?, ?, ?)",
                (budget.key, to_db(now), remote_addr),
            ).lastrowid
            for budget in budgets
        ]


def check(
    conn: sqlite3.Connection,
    budgets: list[Budget],
    now: datetime,
    verify: Callable[[], bool],
    remote_addr: str | None = None,
) -> CheckResult:
    """Run `verify()` (a password check) if every budget has room, counting the answer
    in each before the check; a right answer clears the person's own budget."""
    reserved = _reserve(conn, budgets, now, remote_addr)
    if isinstance(reserved, datetime):
        return CheckResult(False, reserved)
    if verify():
        with transaction(conn):
            for budget, row in zip(budgets, reserved, strict=True):
                if budget.shared:
                    conn.execute("DELETE FROM login_failures WHERE id = ?", (row,))
                else:
                    conn.execute("DELETE FROM login_failures WHERE login_key = ?", (budget.key,))
                    conn.execute("DELETE FROM login_lockouts WHERE login_key = ?", (budget.key,))
        return CheckResult(True)
    locked, until = [], None
    with transaction(conn):
        for budget in budgets:
            if _count(conn, budget.key, now, budget.policy) < budget.policy.max_failures:
                continue
            until = max(until or now, now + budget.policy.lockout)
            conn.execute(
                "INSERT INTO login_lockouts (login_key, until) VALUES (?, ?)"
                " ON CONFLICT (login_key) DO UPDATE SET until = excluded.until",
                (budget.key, to_db(now + budget.policy.lockout)),
            )
            # The count starts again after the lockout, rather than locking at once on
            # the first mistake after it.
            conn.execute("DELETE FROM login_failures WHERE login_key = ?", (budget.key,))
            locked.append(budget.key)
    return CheckResult(False, until, newly_locked=tuple(locked))
