"""The day rule and the rotation of generations, per data file.

The first backup of a file on a new calendar day (later than any day a copy of it was
taken) shifts its copies one place older
(newest -> 1 -> 2 ... -> 7) before the new copy becomes the newest; a later backup the
same day replaces the newest copy and moves nothing. The copy displaced from 7 (or the
newest, on a same-day backup) is renamed to a .discard name and deleted last, by the
caller, once the new copy is in place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from portal.backup.fileops import FileOps
from portal.backup.layout import GENERATIONS, Layout


def is_new_day(latest_day: date | None, today: date) -> bool:
    """Whether a backup today starts a new generation (True) or replaces the newest.
    Only a day later than every day a copy was taken is new: a clock stepped back
    (corrected around midnight, or a wrong date for a while) never rotates."""
    return latest_day is not None and today > latest_day


def first_gap(layout: Layout, name: str) -> int | None:
    """The lowest generation 1..7 with no copy, or None when all seven are taken."""
    for generation in range(1, GENERATIONS + 1):
        if not layout.slot(name, generation).exists():
            return generation
    return None


def shift(ops: FileOps, layout: Layout, name: str) -> Path | None:
    """Move the newest copy and the earlier ones one place older; return the .discard
    path of the copy pushed out of 7, if any.

    Only the run of copies up to the first empty slot moves. When an earlier run was
    interrupted half-way, its gap is filled instead of pushing out another copy."""
    gap = first_gap(layout, name)
    discarded = None
    if gap is None:
        discarded = layout.discard(name)
        ops.replace(layout.slot(name, GENERATIONS), discarded)
        gap = GENERATIONS
    for generation in range(gap - 1, -1, -1):
        source = layout.slot(name, generation)
        if source.exists():
            ops.replace(source, layout.slot(name, generation + 1))
    for generation in range(gap, -1, -1):
        ops.fsync_dir(layout.slot_dir(generation))
    return discarded


def displace_newest(ops: FileOps, layout: Layout, name: str) -> Path | None:
    """A same-day backup: move the newest copy aside (to be deleted last)."""
    newest = layout.slot(name, 0)
    if not newest.exists():
        return None
    discarded = layout.discard(name)
    ops.replace(newest, discarded)
    return discarded
