"""The audit log in system.db: who did what and when (logins, people, backups)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from portal.clock import from_db, to_db
from portal.db import transaction


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: str
    remote_addr: str | None


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


def recent(conn: sqlite3.Connection, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
    """Entries newest first."""
    rows = conn.execute(
        "SELECT at, actor, action, detail, remote_addr FROM audit_log"
        " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )
    return [
        AuditEntry(from_db(r["at"]), r["actor"], r["action"], r["detail"], r["remote_addr"])
        for r in rows
    ]
