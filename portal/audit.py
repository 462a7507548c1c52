"""The audit log in system.db: who did what and when (logins, people, backups)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from portal import paging
from portal.clock import from_db, to_db
from portal.db import transaction


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: str
    remote_addr: str | None
    id: int = 0  # the row's, for paging


# The actor of what is done on the command line (`flask --app portal ...`).
COMMAND_LINE = "command line"


def record(
    conn: sqlite3.Connection,
    now: datetime,
    action: str,
    actor: str,
    *,
    user_id: int | None = None,
    detail: str = "",
    remote_addr: str | None = None,
) -> None:
    """Append one entry. `actor` is a login name or 'command line' / 'scheduler'."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO audit_log (at, user_id, actor, action, detail, remote_addr)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (to_db(now), user_id, actor, action, detail, remote_addr),
        )


@dataclass(frozen=True)
class Kind:
    """A kind of entry the Backup history can be filtered by."""

    key: str
    label: str
    actions: tuple[str, ...]


# What the Backup history can show. Any action not listed here is shown with "settings",
# so a new kind of entry is never hidden from the administrator.
KINDS: tuple[Kind, ...] = (
    Kind(
        "backups",
        "Backups",
        (
            "backup started",
            "backup completed",
            "backup failed",
            "backup verified",
            "off-site copy completed",
            "off-site copy failed",
        ),
    ),
    Kind(
        "restores",
        "Restores and bring-backs",
        (
            "restore completed",
            "restore failed",
            "items brought back",
            "person brought back",
            "person set back",
            "group brought back",
        ),
    ),
    Kind("notices", "Notices sent", ("notice sent", "notice not sent")),
    Kind("reminders", "Reminders and skips", ("backup skipped",)),
    Kind(
        "sign-ins",
        "Sign-ins",
        (
            "login",
            "login failed",
            "login locked",
            "logout",
            "elevation granted",
            "elevation failed",
            "elevation locked",
            "admin password locked",
        ),
    ),
    Kind(
        "settings",
        "Settings and people",
        (
            "backup schedule saved",
            "backup reminder switched",
            "backup reminder window",
            "backup group changed",
            "off-site folder set",
            "mail settings saved",
            "admin password set",
            "user added",
            "user removed",
            "recently deleted switched",
            "demo loaded",
        ),
    ),
)
KIND_KEYS = tuple(k.key for k in KINDS)
# Shown when no kind is chosen: what the Backup history is for.
DEFAULT_KINDS = ("backups", "restores", "reminders")
_KNOWN = json.dumps([action for kind in KINDS for action in kind.actions])


def recent_of_kinds(
    conn: sqlite3.Connection, kinds: tuple[str, ...], limit: int = 50
) -> list[AuditEntry]:
    """The newest entries of the given kinds (keys of KINDS), newest first."""
    return of_kinds(conn, kinds, paging.NEWEST, limit)


# Read from the index audit_log_at (at, then the id) in the page's order, starting at a
# key (keyset paging): a deep page of a long log costs what the first one does.
_OF_KINDS = """
    SELECT id, at, actor, action, detail, remote_addr FROM audit_log
    WHERE (action IN (SELECT value FROM json_each(:wanted))
           OR (:others AND action NOT IN (SELECT value FROM json_each(:known))))
      AND {where} ORDER BY {order} LIMIT :limit
"""
_OLDER = _OF_KINDS.format(where="(at, id) < (:at, :id)", order="at DESC, id DESC")
_NEWER = _OF_KINDS.format(where="(at, id) > (:at, :id)", order="at, id")


def of_kinds(
    conn: sqlite3.Connection,
    kinds: tuple[str, ...],
    key: paging.Key,
    limit: int,
    older: bool = True,
) -> list[AuditEntry]:
    """Entries of the given kinds older than key, newest first (or newer than key,
    oldest first)."""
    wanted = json.dumps([a for kind in KINDS if kind.key in kinds for a in kind.actions])
    rows = conn.execute(
        _OLDER if older else _NEWER,
        {
            "wanted": wanted,
            "others": "settings" in kinds,
            "known": _KNOWN,
            "at": key[0],
            "id": key[1],
            "limit": limit,
        },
    )
    return [
        AuditEntry(
            from_db(r["at"]), r["actor"], r["action"], r["detail"], r["remote_addr"], r["id"]
        )
        for r in rows
    ]


def entry_key(entry: AuditEntry) -> paging.Key:
    """Where a page that ends with this entry continues."""
    return (to_db(entry.at), entry.id)
