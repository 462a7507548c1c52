"""The forwarding decision, with no HTTP in it: given what system.db says about one
member and today, and the local time, should this page request go to the Backup page?"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time

from portal.reminder.store import (
    DEFAULT_END,
    DEFAULT_START,
    ENABLED_KEY,
    END_KEY,
    START_KEY,
    time_or_default,
)


@dataclass(frozen=True)
class ReminderState:
    """What the decision needs, read in one query."""

    enabled: bool
    member: bool
    done_today: bool
    skipped_today: bool
    start: time = DEFAULT_START
    end: time = DEFAULT_END


_STATE_QUERY = f"""
    SELECT
        (SELECT value FROM settings WHERE key = '{ENABLED_KEY}') AS enabled,
        (SELECT value FROM settings WHERE key = '{START_KEY}') AS start,
        (SELECT value FROM settings WHERE key = '{END_KEY}') AS end_,
        EXISTS (SELECT 1 FROM backup_group_members WHERE user_id = :user) AS member,
        EXISTS (SELECT 1 FROM backup_days WHERE day = :day) AS done,
        EXISTS (SELECT 1 FROM backup_skips WHERE user_id = :user AND day = :day) AS skipped
"""  # noqa: S608 - the keys are constants of this package, not input


def load_state(conn: sqlite3.Connection, user_id: int, day: date) -> ReminderState:
    """Everything the decision needs, in one query of primary-key lookups."""
    row = conn.execute(_STATE_QUERY, {"user": user_id, "day": day.isoformat()}).fetchone()
    return ReminderState(
        enabled=row["enabled"] == "1",
        member=bool(row["member"]),
        done_today=bool(row["done"]),
        skipped_today=bool(row["skipped"]),
        start=time_or_default(row["start"], DEFAULT_START),
        end=time_or_default(row["end_"], DEFAULT_END),
    )


def in_window(moment: time, start: time, end: time) -> bool:
    """Whether a local time lies in the window: from `start` (included) to `end` (not)."""
    return start <= moment < end


def should_forward(state: ReminderState, now: datetime) -> bool:
    """Forward a member to the Backup page: the switch is on, it is the afternoon
    window, today's backup is not done and this member has not skipped it today."""
    return (
        state.enabled
        and state.member
        and not state.done_today
        and not state.skipped_today
        and in_window(now.time().replace(tzinfo=None), state.start, state.end)
    )
