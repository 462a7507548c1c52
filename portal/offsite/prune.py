"""Pruning, after a day is complete: dated folders the retention rule no longer keeps
go, oldest first. A copy that a kept day's manifest points to is never deleted: it moves
to kept-copies/<its day>/ (one rename; readers look in both places), the rest of the
day goes, its manifest first (so a half-pruned day is never offered for restore)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from portal.offsite import retention
from portal.offsite.folder import OffsiteFolder
from portal.offsite.manifest import MANIFEST_NAME
from portal.offsite.retention import Keep


def prune(folder: OffsiteFolder, today: date, keep: Keep) -> list[date]:
    """Remove what the rule no longer keeps; the days removed, oldest first."""
    days = folder.days()
    kept_days = retention.kept([d.day for d in days if d.complete], keep)
    used = {
        (item.stored_in.isoformat(), item.name)
        for d in days
        if d.day in kept_days
        for item in d.manifest.items
    }
    removed = []
    for day in days:  # oldest first
        if day.day in kept_days or day.day >= today:
            continue  # a later incomplete day is being written, or will be redone
        _retire(folder, day.path, day.day.isoformat(), used)
        removed.append(day.day)
    if folder.kept_copies.is_dir():
        for held in sorted(folder.kept_copies.iterdir()):
            if held.is_dir():
                _drop_unused(folder, held, held.name, used)
    return removed


def _retire(folder: OffsiteFolder, path: Path, day: str, used: set) -> None:
    ops = folder.ops
    ops.unlink(path / MANIFEST_NAME)
    ops.fsync_dir(path)
    keep = [p for p in path.iterdir() if (day, p.name) in used]
    if keep:
        held = folder.kept_copies / day
        held.mkdir(parents=True, exist_ok=True)
        for copy in keep:
            ops.replace(copy, held / copy.name)
        ops.fsync_dir(held)
    _drop_unused(folder, path, day, used)


def _drop_unused(folder: OffsiteFolder, path: Path, day: str, used: set) -> None:
    for entry in path.iterdir():
        if entry.is_file() and (day, entry.name) not in used:
            folder.ops.delete_copy(entry)
    if not any(path.iterdir()):
        folder.ops.rmdir(path)
