"""The reminder's data in system.db: the Data Backup Group, the Schedule Data Backup
switch and window, skips, and the days whose backup is done."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time

from portal import settings_store
from portal.clock import from_db, to_db
from portal.db import transaction
from portal.settings_store import get_value, parse_json, put_json
from portal.users import User, list_users

# One settings row, {"enabled": true, "start": "12:00", "end": "18:00"}, so the page hook
# reads it with one key lookup.
SETTINGS_KEY = settings_store.REMINDER
DEFAULT_START = time(12, 0)
DEFAULT_END = time(18, 0)


@dataclass(frozen=True)
class ReminderSettings:
    """The Schedule Data Backup switch and the reminder window (local times)."""

    enabled: bool = False
    start: time = DEFAULT_START
    end: time = DEFAULT_END


@dataclass(frozen=True)
class DoneDay:
    """Who completed a day's backup, and when."""

    day: date
    completed_at: datetime
    completed_by: str


def parse_settings(value: str | None) -> ReminderSettings:
    """Settings from their stored form; anything unreadable falls back to the defaults."""
    stored = parse_json(value)
    try:
        return ReminderSettings(
            stored["enabled"] is True,
            time.fromisoformat(stored["start"]),
            time.fromisoformat(stored["end"]),
        )
    except (KeyError, TypeError, ValueError):
        return ReminderSettings()


def get_settings(conn: sqlite3.Connection) -> ReminderSettings:
    """The switch and the window as stored (defaults: off, 12:00 to 18:00)."""
    return parse_settings(get_value(conn, SETTINGS_KEY))


def save_settings(
    conn: sqlite3.Connection, settings: ReminderSettings, now: datetime | None = None
) -> None:
    """Store the switch and the window; they take effect at the next page request.
    Switching it on at `now` keeps that moment: a day before it was never missed."""
    if settings.start >= settings.end:
        raise ValueError("The reminder window must end after it starts.")
    stored = parse_json(get_value(conn, SETTINGS_KEY))
    value = {
        "enabled": settings.enabled,
        "start": f"{settings.start:%H:%M}",
        "end": f"{settings.end:%H:%M}",
    }
    # Its window does not change the rule of the watch's notice (a working day without a
    # backup): only switching it on starts the moment again.
    value |= settings_store.on_since(
        stored,
        "on_since",
        on=settings.enabled,
        same_rule=stored.get("enabled") is True,
        now=now,
    )
    put_json(conn, SETTINGS_KEY, value)


def on_since(conn: sqlite3.Connection) -> datetime | None:
    """When the reminder was switched on (None: unknown, or off)."""
    try:
        return datetime.fromisoformat(parse_json(get_value(conn, SETTINGS_KEY))["on_since"])
    except (KeyError, TypeError, ValueError):
        return None


def members(conn: sqlite3.Connection) -> list[User]:
    """The Data Backup Group, by name."""
    ids = {row[0] for row in conn.execute("SELECT user_id FROM backup_group_members")}
    return [user for user in list_users(conn) if user.id in ids]


def is_member(conn: sqlite3.Connection, user_id: int) -> bool:
    """Whether the user is in the Data Backup Group."""
    row = conn.execute("SELECT 1 FROM backup_group_members WHERE user_id = ?", (user_id,))
    return row.fetchone() is not None


def add_members(conn: sqlite3.Connection, user_ids: list[int], now: datetime) -> None:
    """Add users to the Data Backup Group (members already in it stay as they are)."""
    with transaction(conn):
        conn.executemany(
            "INSERT OR IGNORE INTO backup_group_members (user_id, added_at) VALUES (?, ?)",
            [(user_id, to_db(now)) for user_id in user_ids],
        )


def remove_members(conn: sqlite3.Connection, user_ids: list[int]) -> None:
    """Take users out of the Data Backup Group."""
    with transaction(conn):
        conn.executemany(
            "DELETE FROM backup_group_members WHERE user_id = ?", [(i,) for i in user_ids]
        )


def record_skip(conn: sqlite3.Connection, user_id: int, day: date, now: datetime) -> None:
    """This member skips today's backup: they are not forwarded again today."""
    with transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO backup_skips (user_id, day, at) VALUES (?, ?, ?)",
            (user_id, day.isoformat(), to_db(now)),
        )


def has_skipped(conn: sqlite3.Connection, user_id: int, day: date) -> bool:
    """Whether the member skipped the backup on that day."""
    row = conn.execute(
        "SELECT 1 FROM backup_skips WHERE user_id = ? AND day = ?", (user_id, day.isoformat())
    ).fetchone()
    return row is not None


def record_done(conn: sqlite3.Connection, day: date, now: datetime, who: str) -> None:
    """Mark a day's backup as done; the first one to complete it is kept."""
    with transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO backup_days (day, completed_at, completed_by) VALUES (?, ?, ?)",
            (day.isoformat(), to_db(now), who),
        )


def done_day(conn: sqlite3.Connection, day: date) -> DoneDay | None:
    """Who completed the backup on `day`, or None if it is not done."""
    row = conn.execute(
        "SELECT completed_at, completed_by FROM backup_days WHERE day = ?", (day.isoformat(),)
    ).fetchone()
    if row is None:
        return None
    return DoneDay(day, from_db(row["completed_at"]), row["completed_by"])
