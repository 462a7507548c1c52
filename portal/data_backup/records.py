"""What happened to each day's automatic backup, in system.db: written by the nightly
job, shown by the portlet, the Backup page and the Data Backup page."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from portal.clock import from_db, to_db
from portal.db import transaction


@dataclass(frozen=True)
class AutomaticRun:
    day: date
    finished_at: datetime
    outcome: str  # "ok" or "failed"
    message: str


def run_on(conn: sqlite3.Connection, day: date) -> AutomaticRun | None:
    """The automatic backup of `day`, if it ran."""
    row = conn.execute(
        "SELECT finished_at, outcome, message FROM automatic_backups WHERE day = ?",
        (day.isoformat(),),
    ).fetchone()
    if row is None:
        return None
    return AutomaticRun(day, from_db(row["finished_at"]), row["outcome"], row["message"])


def record_run(
    conn: sqlite3.Connection, day: date, now: datetime, outcome: str, message: str = ""
) -> None:
    """Record how the automatic backup of `day` went."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO automatic_backups (day, finished_at, outcome, message)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET"
            " finished_at = excluded.finished_at, outcome = excluded.outcome,"
            " message = excluded.message",
            (day.isoformat(), to_db(now), outcome, message),
        )
