"""The automatic backup's setting and its record of each day in system.db."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time

from portal.clock import from_db, to_db
from portal.db import transaction
from portal.settings_store import get_value, put_value

SETTING_KEY = "backup_automatic"  # "off" or "on HH:MM"
SUGGESTED_TIME = time(0, 0)


@dataclass(frozen=True)
class AutomaticSetting:
    enabled: bool = False
    at: time = SUGGESTED_TIME


@dataclass(frozen=True)
class AutomaticRun:
    day: date
    finished_at: datetime
    outcome: str  # "ok" or "failed"
    message: str


def get_setting(conn: sqlite3.Connection) -> AutomaticSetting:
    """Whether the automatic backup is on, and at what time (default: off, 00:00)."""
    try:
        switch, at = (get_value(conn, SETTING_KEY) or "").split()
        return AutomaticSetting(switch == "on", time.fromisoformat(at))
    except ValueError:
        return AutomaticSetting()


def save_setting(conn: sqlite3.Connection, setting: AutomaticSetting) -> None:
    """Store the automatic backup's switch and time."""
    put_value(conn, SETTING_KEY, f"{'on' if setting.enabled else 'off'} {setting.at:%H:%M}")


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
