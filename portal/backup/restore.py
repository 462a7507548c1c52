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
from portal.backup.layout import Layout, is_work_name, os_words
from portal.backup.ledger import Copy


@dataclass(frozen=True)
class Candidate:
    """A copy offered for restore: where its bytes are, and what was written down when
    it was made (a local copy's line in backup.txt, an off-site copy's manifest)."""

    path: Path
    what: str  # 'The newest copy of todo.db', 'The off-site copy of todo.db of 2026-11-27'
    sha256: str  # "" when nothing was written down (an unrecorded local copy)
    taken_at: datetime
    record: str = "backup.txt"  # where the SHA-256 was written down
    work_file: bool = False  # `path` is a work file made for this opening (a sealed copy's)


@dataclass(frozen=True)
class RestoreResult:
    name: str
    copy: str  # which copy, as a sentence names it: 'the newest copy', 'generation 3'
    taken_at: datetime
    safety_copy: Path | None  # None when there was no live file to keep
    forced: bool = False


def describe(name: str, generation: int) -> str:
    """'The newest copy of todo.db' / 'The copy of todo.db at generation 3'."""
    if generation == 0:
        return f"The newest copy of {name}"
    return f"The copy of {name} at generation {generation}"


def local_candidate(name: str, copy: Copy) -> Candidate:
    """A copy in the backup folder, as restore() takes it."""
    sha256 = copy.record.sha256 if copy.recorded else ""
    return Candidate(copy.disk.path, describe(name, copy.disk.generation), sha256, copy.taken_at)


def provenance_problem(candidate: Candidate, digest: str) -> str | None:
    """Why these bytes cannot be proven to be the copy the portal made, or None."""
    if not candidate.sha256:
        return (
            f"is unrecorded: {candidate.record} has no record of it (the ledger was lost or "
            "damaged, or the copy was put there by hand), so it cannot be proven to be the "
            "copy the portal made"
        )
    if digest != candidate.sha256:
        return (
            f"does not match the SHA-256 recorded in {candidate.record} when it was made: it "
            "was changed or damaged since"
        )
    return None


def prove(ops, source, candidate: Candidate, private: Path, force: bool, not_done: str):
    """Prove `private`, a copy of `candidate`'s bytes made aside: its SHA-256 against the
    record (UnprovenCopy unless `force`), SQLite's check and the data file's kind
    (RestoreError, never forced). The reason it is unproven, when forced; else None. The
    one proof of a copy, for a restore and for a copy opened to bring items back."""
    what = candidate.what
    reason = provenance_problem(candidate, ops.sha256(private))
    if reason and not force:
        raise UnprovenCopy(f"{what} {reason}; {not_done}.", reason)
    if problem := ops.check(private, thorough=True):
        raise RestoreError(f"{what} is damaged ({problem}); {not_done}.")
    if wrong := source.wrong_kind(private):
        raise RestoreError(f"{what} is not a copy of {source.name} ({wrong}); {not_done}.")
    return reason


def restore(
    layout: Layout, ops, source, candidate: Candidate, copy: str, now: datetime, force: bool
) -> RestoreResult:
    """Restore `source` from `candidate` (`copy` names it in the result); on RestoreError
    the live file is as it was."""
    name, what = source.name, candidate.what
    staging = layout.partial(name)
    try:
        try:
            ops.copy_file(candidate.path, staging)
            reason = prove(ops, source, candidate, staging, force, "not restored")
        except OSError as exc:
            if is_work_name(exc.filename):  # writing the staging copy, not reading the copy
                words = os_words(exc, f"its work copy in {layout.root}")
                raise RestoreError(
                    f"{what} could not be copied to be checked ({words}); not restored."
                ) from exc
            raise RestoreError(f"{what} could not be read ({exc}); not restored.") from exc
        kept: list[Path | None] = []

        def keep_safety_copy() -> None:
            # Called once, just before the switch, with the live file's write lock held:
            # every save committed before the switch is in the safety copy.
            kept.append(_safety_copy(layout, ops, source.path, name, now))

        try:
            ops.put_live(staging, source.path, before_switch=keep_safety_copy)
        except (OSError, sqlite3.Error) as exc:
            where = f" The data as it was is kept in {kept[0]}." if kept and kept[0] else ""
            raise RestoreError(f"Restoring {name} failed ({exc}).{where}") from exc
    finally:
        with contextlib.suppress(OSError):
            ops.unlink(staging)
    return RestoreResult(name, copy, candidate.taken_at, kept[0], forced=bool(reason))


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
    except (OSError, sqlite3.Error) as exc:  # the disk, the file (a bug is not said so)
        with contextlib.suppress(OSError):
            ops.unlink(partial)
        raise RestoreError(
            f"The safety copy of the live {name} could not be made ({exc}); not restored."
        ) from exc
    return target


def size_on_disk(path: Path) -> int:
    """A copy's size on disk (0 when it cannot be read: the restore then says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0
