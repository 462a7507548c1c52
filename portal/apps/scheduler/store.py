"""Scheduler events in schedule.db. Each event belongs to the user who made it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time

from portal.clock import to_db
from portal.db import transaction


@dataclass(frozen=True)
class Event:
    id: int
    owner_id: int
    day: date
    start_time: time | None
    end_time: time | None
    title: str
    memo: str

    @property
    def all_day(self) -> bool:
        return self.start_time is None


@dataclass(frozen=True)
class EventData:
    """What a user enters for an event."""

    day: date
    start_time: time | None
    end_time: time | None
    title: str
    memo: str

    def params(self) -> tuple:
        return (
            self.day.isoformat(),
            self.start_time.strftime("%H:%M") if self.start_time else None,
            self.end_time.strftime("%H:%M") if self.end_time else None,
            self.title,
            self.memo,
        )


def _event(row: sqlite3.Row) -> Event:
    return Event(
        id=row["id"],
        owner_id=row["owner_id"],
        day=date.fromisoformat(row["day"]),
        start_time=time.fromisoformat(row["start_time"]) if row["start_time"] else None,
        end_time=time.fromisoformat(row["end_time"]) if row["end_time"] else None,
        title=row["title"],
        memo=row["memo"],
    )


def add(conn: sqlite3.Connection, owner_id: int, data: EventData, now: datetime) -> int:
    """Create an event; return its id."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO events (owner_id, day, start_time, end_time, title, memo,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (owner_id, *data.params(), to_db(now), to_db(now)),
        )
    return cur.lastrowid


def get(conn: sqlite3.Connection, event_id: int, owner_id: int) -> Event | None:
    """The owner's event with this id, or None."""
    row = conn.execute(
        "SELECT * FROM events WHERE id = ? AND owner_id = ?", (event_id, owner_id)
    ).fetchone()
    return _event(row) if row else None


def between(conn: sqlite3.Connection, owner_id: int, first: date, last: date) -> list[Event]:
    """The owner's events from `first` to `last` inclusive, all-day events first each day."""
    rows = conn.execute(
        "SELECT * FROM events WHERE owner_id = ? AND day BETWEEN ? AND ?"
        " ORDER BY day, start_time IS NOT NULL, start_time, id",
        (owner_id, first.isoformat(), last.isoformat()),
    )
    return [_event(row) for row in rows]


def update(
    conn: sqlite3.Connection, event_id: int, owner_id: int, data: EventData, now: datetime
) -> bool:
    """Change an event; False if it is not the owner's."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE events SET day = ?, start_time = ?, end_time = ?, title = ?, memo = ?,"
            " updated_at = ? WHERE id = ? AND owner_id = ?",
            (*data.params(), to_db(now), event_id, owner_id),
        )
    return cur.rowcount == 1


def delete(conn: sqlite3.Connection, event_id: int, owner_id: int) -> bool:
    """Delete an event; False if it is not the owner's."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM events WHERE id = ? AND owner_id = ?", (event_id, owner_id))
    return cur.rowcount == 1


def delete_all_of(conn: sqlite3.Connection, owner_id: int) -> int:
    """Delete every one of a person's events (they are being removed); how many."""
    with transaction(conn):
        return conn.execute("DELETE FROM events WHERE owner_id = ?", (owner_id,)).rowcount


def owner_ids(conn: sqlite3.Connection) -> set[int]:
    """Every person id that owns events."""
    return {row[0] for row in conn.execute("SELECT DISTINCT owner_id FROM events")}
