"""Pruning, after a day is complete: day folders the retention rule no longer keeps go,
oldest first. A copy that a kept day's manifest points to is never deleted: it moves to
kept-copies/<its day>/ (one rename; readers look in both places), the rest of the day
goes, its manifest first (so a half-pruned day is never offered for restore).

Only the portal's own is touched (folder.py says what that is): day folders it made, and
in them only the regular files it wrote (copies, manifests, markers, work files). Anything
else in them stays, and so does the folder holding it. A day whose manifest cannot be
read whole is kept like a complete day, and is never deleted because of its damage: it
ages out under the retention rule like any other; while it is kept, every earlier copy
that it might point to is kept too (its unreadable lines could name any of them). A day
whose manifest is not sealed by this portal (forged, moved, or sealed with a key this
instance does not have) is never touched: it is reported."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

from portal.offsite import retention
from portal.offsite.days import (
    DAY_MARKER,
    KEPT_COPIES,
    SECOND_COPY,
    DayFolder,
    as_day,
    copy_names,
    has_day_marker,
    is_own_name,
)
from portal.offsite.folder import OffsiteFolder
from portal.offsite.place import render_marker
from portal.offsite.retention import Keep


def prune(folder: OffsiteFolder, today: date, keep: Keep) -> list[date]:
    """Remove what the rule no longer keeps; the days removed, oldest first."""
    survey = folder.survey()
    days = survey.days
    with_manifest = [d for d in days if d.manifest is not None]
    # A day dated by a clock's mistake counts as the day it was said to be one.
    kept_days = retention.kept([folder.counts_as(d.day) for d in with_manifest], keep)
    kept = [d for d in with_manifest if folder.counts_as(d.day) in kept_days]
    used = {
        (item.stored_in.isoformat(), item.stored_name) for d in kept for item in d.manifest.items
    }
    # A kept day with unreadable lines may point to any earlier copy: keep them all.
    guard = max((d.day for d in kept if d.manifest.bad_lines), default=None)
    own_names = copy_names(folder.names) | {
        i.stored_name for d in with_manifest for i in d.manifest.items
    }

    def needed(day: str, name: str) -> bool:
        return (day, name) in used or (guard is not None and day <= guard.isoformat())

    for work in survey.work:  # a day folder being made when a try stopped
        _drop_unused(folder, work, "", lambda _day, _name: False, set())
    removed = []
    for day in days:  # oldest first
        counts_as = folder.counts_as(day.day)
        if day.forged or counts_as in kept_days or counts_as >= today:
            continue  # a later incomplete day is being written, or will be redone
        _retire(folder, day, needed, own_names)
        removed.append(day.day)
    for name, kind in sorted(_entries(folder, folder.kept_copies)):
        held = folder.kept_copies / name
        if kind == "dir" and as_day(name) and has_day_marker(folder, held):
            _drop_unused(folder, held, name, needed, own_names)
    return removed


def _entries(folder: OffsiteFolder, path: Path) -> list[tuple[str, str]]:
    if folder.confined.kind(path) != "dir":
        return []
    return folder.confined.entries(path)


def _retire(folder: OffsiteFolder, day: DayFolder, needed, own_names: set) -> None:
    ops, path, name = folder.ops, day.path, day.day.isoformat()
    for manifest in day.manifests:  # first: a half-pruned day is never offered
        ops.unlink(path / manifest)
    ops.fsync_dir(path)
    keep = [n for n, kind in folder.confined.entries(path) if kind == "file" and needed(name, n)]
    if keep:
        held = folder.kept_copies / name
        ops.mkdir_share(folder.kept_copies)
        if ops.mkdir_share(held) or not folder.is_copy(held / DAY_MARKER):
            ops.write_atomic(held / DAY_MARKER, render_marker(folder.owner, folder.instance))
        for copy in keep:
            ops.replace(path / copy, held / copy)
        ops.fsync_dir(held)
    _drop_unused(folder, path, name, needed, own_names)


def _drop_unused(folder: OffsiteFolder, path: Path, day: str, needed, own_names: set) -> None:
    """Delete the portal's own files in a folder that nothing needs any more; remove the
    folder when nothing else is left in it."""
    for name, kind in folder.confined.entries(path):
        if kind != "file" or name == DAY_MARKER or needed(day, name):
            continue
        if name in own_names or SECOND_COPY.match(name):
            folder.ops.delete_copy(path / name)
        elif is_own_name(name):  # a manifest or a work file
            folder.ops.unlink(path / name)
    left = [name for name, _kind in folder.confined.entries(path)]
    if left == [DAY_MARKER]:
        folder.ops.unlink(path / DAY_MARKER)  # last: it stays while anything else is left
    _remove_if_empty(folder, path)


def _remove_if_empty(folder: OffsiteFolder, path: Path) -> None:
    if folder.confined.entries(path):
        return  # what the portal did not make stays, and so does its folder
    try:
        folder.ops.rmdir(path)
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise


__all__ = ["KEPT_COPIES", "prune"]
