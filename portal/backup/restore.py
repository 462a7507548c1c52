"""Restore one data file from one generation. Only the bytes that were made go live:
the copy is first copied aside, and that private copy is hashed, checked and restored,
so nothing can change it between the check and the restore. It must match the SHA-256
recorded when it was made (unless forced), pass SQLite's integrity check and be a
database of that data file's kind (never forced). A safety copy of the live file goes
to backup/pre-restore/ first. A live database is written through SQLite, so the running
portal sees the restored data at once; a missing or damaged live file is replaced."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from portal.backup import safety
from portal.backup.errors import RestoreError, UnprovenCopy
from portal.backup.layout import Layout
from portal.backup.ledger import Copy


@dataclass(frozen=True)
class RestoreResult:
    name: str
    generation: int
    taken_at: datetime
    safety_copy: Path | None  # None when there was no live file to keep
    forced: bool = False


def describe(name: str, generation: int) -> str:
    """'The newest copy of todo.db' / 'The copy of todo.db at generation 3'."""
    if generation == 0:
        return f"The newest copy of {name}"
    return f"The copy of {name} at generation {generation}"


def provenance_problem(copy: Copy, digest: str) -> str | None:
    """Why these bytes cannot be proven to be the copy the portal made, or None."""
    if not copy.recorded:
        return (
            "is unrecorded: backup.txt has no record of it (the ledger was lost or damaged, "
            "or the copy was put there by hand), so it cannot be proven to be the copy the "
            "portal made"
        )
    if digest != copy.record.sha256:
        return (
            "does not match the SHA-256 recorded in backup.txt when it was made: it was "
            "changed or damaged since"
        )
    return None


def restore(layout: Layout, ops, source, copy: Copy, now: datetime, force: bool) -> RestoreResult:
    """Restore `source` from `copy`; on RestoreError the live file is as it was."""
    name, generation = source.name, copy.disk.generation
    what = describe(name, generation)
    staging = layout.partial(name)
    try:
        try:
            ops.copy_file(copy.disk.path, staging)
            digest = ops.sha256(staging)
            reason = provenance_problem(copy, digest)
            if reason and not force:
                raise UnprovenCopy(f"{what} {reason}; not restored.", reason)
            if problem := ops.check(staging, thorough=True):
                raise RestoreError(f"{what} is damaged ({problem}); not restored.")
            if wrong := source.wrong_kind(staging):
                raise RestoreError(f"{what} is not a copy of {name} ({wrong}); not restored.")
        except OSError as exc:
            raise RestoreError(f"{what} could not be read ({exc}); not restored.") from exc
        kept = _safety_copy(layout, ops, source.path, name, now)
        try:
            ops.put_live(staging, source.path)
        except (OSError, sqlite3.Error) as exc:
            where = f" The data as it was is kept in {kept}." if kept else ""
            raise RestoreError(f"Restoring {name} failed ({exc}).{where}") from exc
    finally:
        with contextlib.suppress(OSError):
            ops.unlink(staging)
    taken_at = copy.record.taken_at if copy.recorded else copy.disk.taken_at
    return RestoreResult(name, generation, taken_at, kept, forced=bool(reason))


def _safety_copy(layout: Layout, ops, live: Path, name: str, now: datetime) -> Path | None:
    """Keep the live file as it is now under a new name in pre-restore/; None if missing."""
    if not live.exists():
        return None
    partial = layout.partial(name)
    try:
        ops.mkdir(layout.pre_restore)
        try:
            ops.snapshot(live, partial)
        except sqlite3.DatabaseError:
            # Not a readable database (that may be why it is being restored): keep its bytes.
            ops.unlink(partial)
            ops.copy_file(live, partial)
        ops.make_private(partial)
        ops.fsync_file(partial)
        target = safety.new_path(layout, name, now)
        ops.replace(partial, target)
        ops.fsync_dir(layout.pre_restore)
    except Exception as exc:
        with contextlib.suppress(OSError):
            ops.unlink(partial)
        raise RestoreError(
            f"The safety copy of the live {name} could not be made ({exc}); not restored."
        ) from exc
    return target
