"""A clock that was once far ahead. One run made while the server's clock said 2038
dates its copies, its backup.txt lines and its off-site day folder 2038; from then on,
until 2038, the day rule would take every backup for a second one "the same day"
(replacing the newest copy instead of starting a generation) and the off-site copy would
refuse to write a day earlier than one it already has. The portal cannot tell a clock
that was wrong then from one that is wrong now, so it says what it sees and the
administrator decides, in one step (the Data Backup page's button, or `flask --instance
portal backup clock-mistake`): the later dates were a mistake. They are kept in system.db
with the day they were said to be one; the day rule then ignores them, the off-site
copy goes on, and those copies and days age out as if made that day. Nothing is
deleted or re-dated."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from datetime import date

from portal import settings_store
from portal.backup import BackupEngine, BackupError
from portal.backup.state import State
from portal.db import open_data_file, open_unless_given
from portal.instance import Instance
from portal.offsite import OffsiteError, OffsiteFolder
from portal.settings_store import get_json, put_json

KEY = settings_store.CLOCK_MISTAKES  # {"2038-01-19": "2026-12-06"}: day -> said when
# What the step says when done, on the page and the command line.
DONE = (
    "Said to be a clock's mistake: {days}. Backups go on under today's date ({today}): "
    "the next one starts a new generation and the off-site copy is sent; nothing was "
    "deleted."
)


def mistaken(instance: Instance, conn: sqlite3.Connection | None = None) -> dict[date, date]:
    """The days said to be a clock's mistake, each with the day it was said ({} when
    system.db cannot be read: then nothing is ignored, which is the safe side). `conn`:
    the caller's connection to system.db, if it has one."""
    try:
        with open_unless_given(conn, "system.db", instance) as conn:
            stored = get_json(conn, KEY)
    except sqlite3.Error:
        return {}
    days = {}
    for day, said in stored.items():
        try:
            days[date.fromisoformat(day)] = date.fromisoformat(str(said))
        except ValueError:
            continue
    return days


def dates_after(
    today: date, state: State | None, offsite_days: Iterable[date], said: Iterable[date]
) -> list[date]:
    """The days after `today` that copies are dated (the local copies and the days
    backup.txt remembers, in `state`; the portal's off-site days), not among those
    already `said` to be a mistake."""
    found = set(offsite_days)
    if state is not None:
        found.update(state.latest_days().values())
        found.update(copy.taken_at.date() for copy in state.copies)
    said = set(said)
    return sorted(day for day in found if day > today and day not in said)


def later_dates(
    engine: BackupEngine, target: OffsiteFolder | None, today: date, state: State | None = None
) -> list[date]:
    """dates_after() for the backup folder (its `state` if the caller read it already)
    and, with `target`, the off-site folder, read now (what cannot be read is said
    elsewhere, and counts as nothing here)."""
    offsite_days = []
    if state is None:
        with contextlib.suppress(BackupError):
            state = engine.state()
    if target is not None:
        with contextlib.suppress(OffsiteError):
            offsite_days = [d.day for d in target.within_limit(target.days)]
    return dates_after(today, state, offsite_days, engine.mistaken_days)


def sentence(days: list[date], today: date) -> str:
    """What happened, and the one step, in words for the page and the command line."""
    shown = ", ".join(d.isoformat() for d in days[:3]) + (", ..." if len(days) > 3 else "")
    return (
        f"Copies are dated {shown}, after today ({today.isoformat()}): the server's clock "
        "was ahead when they were made. Until that later date is said to be a mistake, "
        "each backup replaces the newest copy instead of keeping the one before, and no "
        "off-site copy is sent. If the clock is right now, say the later date was a "
        "mistake: nothing is deleted, and backups go on under today's date."
    )


def declare(instance: Instance, engine: BackupEngine, target: OffsiteFolder | None) -> list[date]:
    """Say that every later date seen now was a mistake; the days, as they were found."""
    today = instance.clock.today()
    days = later_dates(engine, target, today)
    if not days:
        return []
    with open_data_file("system.db", instance) as conn:
        stored = get_json(conn, KEY)
        stored.update({day.isoformat(): today.isoformat() for day in days})
        put_json(conn, KEY, stored)
    return days
