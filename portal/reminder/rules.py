"""The forwarding decision, with no HTTP in it: given what system.db says about one
member and today, and the local time, should this page request go to the Backup page?"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time

from portal.reminder.store import DEFAULT_END, DEFAULT_START, SETTINGS_KEY, parse_settings


@dataclass(frozen=True)
class ReminderState:
    """What the decision needs, read in one query."""

    enabled: bool
    member: bool
    done_today: bool
    skipped_today: bool
    start: time = DEFAULT_START
    end: time = DEFAULT_END


_STATE_QUERY = """
    SELECT
        (SELECT value FROM settings WHERE key = :key),
        EXISTS (SELECT 1 FROM backup_group_members WHERE user_id = :user),
        EXISTS (SELECT 1 FROM backup_days WHERE day = :day),
        EXISTS (SELECT 1 FROM backup_skips WHERE user_id = :user AND day = :day)
"""


def load_state(conn: sqlite3.Connection, user_id: int, day: date) -> ReminderState:
    """Everything the decision needs, in one query of primary-key lookups."""
    settings, member, done, skipped = conn.execute(
        _STATE_QUERY, {"key": SETTINGS_KEY, "user": user_id, "day": day.isoformat()}
    ).fetchone()
    window = parse_settings(settings)
    return ReminderState(
        window.enabled, bool(member), bool(done), bool(skipped), window.start, window.end
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
