"""What the Backup page and the portlet show: today's state and the last backup."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from portal.backup import BackupError
from portal.backup.layout import Layout
from portal.data_backup import records
from portal.data_backup.service import DataBackup
from portal.datafiles import DATA_FILES
from portal.reminder import store

# A conservative pace for the estimate on the confirmation screen (copy, integrity
# check, SHA-256 and flush; docs/performance.md measured about 150 MB/s).
ESTIMATE_BYTES_PER_SECOND = 50 * 1000 * 1000


@dataclass(frozen=True)
class LastBackup:
    """The last backup, and what it copied (issue 24: after only todo.db was backed up
    the Backup page said "Last backup: ... by Bob Clark" of all four)."""

    taken_at: datetime
    taken_by: str
    files: tuple[str, ...] = ()  # the data files it copied
    earlier: tuple[tuple[str, datetime], ...] = ()  # the others' newest copies, older
    never: tuple[str, ...] = ()  # data files that have no copy at all

    @property
    def every_file(self) -> bool:
        return not self.earlier and not self.never


@dataclass(frozen=True)
class TodayStatus:
    day: date
    done: store.DoneDay | None
    skipped: bool
    last: LastBackup | None
    automatic: records.AutomaticRun | None = None
    problems: tuple[str, ...] = ()  # what keeps Data Backup from working right now

    @property
    def automatic_failed(self) -> bool:
        return self.automatic is not None and self.automatic.outcome == "failed"


SAME_BACKUP_SECONDS = 60
# The last backup as last read, by backup folder: (the folder's signature, what was found).
_last_read: dict[Path, tuple[tuple, LastBackup | None]] = {}


def last_backup(service: DataBackup) -> LastBackup | None:
    """The most recent copy of any data file: when, and by whom (None if none, or if
    the backup folder cannot be read: problems() says so)."""
    # The portal page shows this to every member on every view, and reading it means
    # the ledger and 32 generation slots looked at. Only the newest copies and the
    # ledger can change it, so it is read again only when one of those has changed
    # (each backup writes a new file under a new name, then renames it into place).
    signature = _newest_signature(service.backup_dir)
    cached = _last_read.get(service.backup_dir)
    if cached is not None and cached[0] == signature:
        return cached[1]
    found = _read_last_backup(service)
    _last_read[service.backup_dir] = (signature, found)  # one assignment: thread-safe
    return found


def _newest_signature(root: Path) -> tuple:
    """The ledger's and each newest copy's identity, size and time (None where missing)."""
    found = []
    layout = Layout(root)
    for path in (layout.ledger, *(layout.slot(spec.name, 0) for spec in DATA_FILES)):
        try:
            stat = os.stat(path)
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _read_last_backup(service: DataBackup) -> LastBackup | None:
    try:
        copies = service.engine().generations()
    except BackupError:
        return None
    newest = {e.name: e for e in copies if e.generation == "newest"}
    if not newest:
        return None
    latest = max(newest.values(), key=lambda e: e.taken_at)
    # One backup copies its files one after another: a file copied by the same person
    # within a minute before the latest copy is part of it.
    same = [
        spec.name
        for spec in DATA_FILES
        if (e := newest.get(spec.name)) is not None
        and e.taken_by == latest.taken_by
        and (latest.taken_at - e.taken_at).total_seconds() <= SAME_BACKUP_SECONDS
    ]
    earlier = tuple(
        (spec.name, newest[spec.name].taken_at)
        for spec in DATA_FILES
        if spec.name in newest and spec.name not in same
    )
    never = tuple(spec.name for spec in DATA_FILES if spec.name not in newest)
    return LastBackup(latest.taken_at, latest.taken_by, tuple(same), earlier, never)


def problems(service: DataBackup) -> tuple[str, ...]:
    """What keeps a backup from working now, in words a member can pass on: a data file
    missing or damaged, a backup folder the portal cannot use."""
    found = [
        f"{p.name} {p.what}: it cannot be backed up until the administrator brings it back."
        for p in service.data_problems().values()
    ]
    return (*found, *service.folder_problems())


def today_status(
    service: DataBackup, conn: sqlite3.Connection, user_id: int, today: date
) -> TodayStatus:
    """Today's state for one member."""
    return TodayStatus(
        day=today,
        done=store.done_day(conn, today),
        skipped=store.has_skipped(conn, user_id, today),
        last=last_backup(service),
        automatic=records.run_on(conn, today),
        problems=problems(service),
    )


@dataclass(frozen=True)
class PlannedFile:
    name: str
    description: str
    size: int


def planned_files(service: DataBackup) -> list[PlannedFile]:
    """The data files a backup will copy, with their live sizes as their copies will have."""
    backups = service.engine()
    return [
        PlannedFile(spec.name, spec.description, backups.live_size(spec.name))
        for spec in DATA_FILES
    ]


def job_weights(service: DataBackup, names: list[str] | None = None) -> dict[str, int]:
    """The data files to back up (default: all), each weighing its size (at least 1) in
    the progress of a background job."""
    return {
        f.name: max(f.size, 1) for f in planned_files(service) if names is None or f.name in names
    }


def estimate_text(total_bytes: int) -> str:
    """How long a backup of this size should take, in words."""
    seconds = total_bytes / ESTIMATE_BYTES_PER_SECOND
    if seconds < 10:
        return "a few seconds"
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"
