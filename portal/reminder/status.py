"""What the Backup page and the portlet show: today's state and the last backup."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask

from portal import data_backup
from portal.datafiles import DATA_FILES
from portal.db import data_path
from portal.nightly import store as nightly
from portal.reminder import store

# A conservative pace for the estimate on the confirmation screen (copy, integrity
# check, SHA-256 and flush; docs/performance.md measured about 150 MB/s).
ESTIMATE_BYTES_PER_SECOND = 50 * 1000 * 1000


@dataclass(frozen=True)
class LastBackup:
    taken_at: datetime
    taken_by: str


@dataclass(frozen=True)
class TodayStatus:
    day: date
    done: store.DoneDay | None
    skipped: bool
    last: LastBackup | None
    automatic: nightly.AutomaticRun | None = None

    @property
    def automatic_failed(self) -> bool:
        return self.automatic is not None and self.automatic.outcome == "failed"


def last_backup(app: Flask) -> LastBackup | None:
    """The most recent copy of any data file: when, and by whom."""
    newest = [e for e in data_backup.engine(app).generations() if e.generation == "newest"]
    if not newest:
        return None
    latest = max(newest, key=lambda e: e.taken_at)
    return LastBackup(latest.taken_at, latest.taken_by)


def today_status(app: Flask, conn: sqlite3.Connection, user_id: int, today: date) -> TodayStatus:
    """Today's state for one member."""
    return TodayStatus(
        day=today,
        done=store.done_day(conn, today),
        skipped=store.has_skipped(conn, user_id, today),
        last=last_backup(app),
        automatic=nightly.run_on(conn, today),
    )


@dataclass(frozen=True)
class PlannedFile:
    name: str
    description: str
    size: int


def planned_files(app: Flask) -> list[PlannedFile]:
    """The data files a backup will copy, with their live sizes (file and WAL)."""
    planned = []
    for spec in DATA_FILES:
        path = data_path(spec.name, app)
        size = sum(
            p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
        planned.append(PlannedFile(spec.name, spec.description, size))
    return planned


def job_weights(app: Flask, names: list[str] | None = None) -> dict[str, int]:
    """The data files to back up (default: all), each weighing its size (at least 1) in
    the progress of a background job."""
    return {f.name: max(f.size, 1) for f in planned_files(app) if names is None or f.name in names}


def estimate_text(total_bytes: int) -> str:
    """How long a backup of this size should take, in words."""
    seconds = total_bytes / ESTIMATE_BYTES_PER_SECOND
    if seconds < 10:
        return "a few seconds"
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"
