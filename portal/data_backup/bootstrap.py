"""Data Backup built for one app, once: create_app calls `build`, and the pages, the
commands and the scheduler take the one object with `of(app)` (Cosmic Python's
bootstrap.py). This is the one module that knows both the app and the service: it reads
the settings (the folders, FILE_HELD_SECONDS, BACKUP_THOROUGH_CHECK, the busy timeout)
and binds the collaborators that still need the app (the alarms, the off-site copy, the
data files' health) so that the service itself knows no Flask."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from flask import Flask

from portal import data_health
from portal.backup import BackupEngine
from portal.backup.held import Patience
from portal.backup.restore import RestoreResult
from portal.clock import get_clock
from portal.data_backup import alarms, clock_mistake, offsite, offsite_restore, trail
from portal.data_backup.service import DataBackup
from portal.data_backup.unit_of_work import UnitOfWork
from portal.offsite import OffsiteFolder

KEY = "portal.data_backup"


class _Alarms:
    """portal/data_backup/alarms.py for this app (its mail settings, its system.db)."""

    def __init__(self, app: Flask):
        self.app = app

    def backup_failed(self, what: str, who: str, why: str) -> str:
        return alarms.backup_failed(self.app, what, who, why)

    def damaged_copy(self, who: str, summary: str) -> str:
        return alarms.damaged_copy(self.app, who, summary)


class _Offsite:
    """portal/data_backup/offsite.py for this app (its off-site folder and keys)."""

    def __init__(self, app: Flask):
        self.app = app

    def send_newest(
        self, engine: BackupEngine, who: str, records: UnitOfWork
    ) -> offsite.Outcome | None:
        return offsite.send_newest(engine, who, self.app, records)

    def restore(
        self, engine: BackupEngine, name: str, day: date, who: str, target: OffsiteFolder | None
    ) -> RestoreResult:
        return offsite_restore.restore(engine, name, day, who, self.app, target)


def build(app: Flask) -> DataBackup:
    """Data Backup for this app's folders and settings (the instance is located, not
    opened: building it touches no file)."""
    clock = get_clock(app)
    data_dir = Path(app.config["DATA_DIR"])
    busy = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    return DataBackup(
        backup_dir=Path(app.config["BACKUP_DIR"]),
        data_dir=data_dir,
        clock=clock,
        patience=Patience(seconds=float(app.config["FILE_HELD_SECONDS"])),
        thorough_check=bool(app.config["BACKUP_THOROUGH_CHECK"]),
        busy_timeout_ms=busy,
        records=partial(trail.records, app),
        data_problems=partial(data_health.problems, app),
        mistaken_days=partial(clock_mistake.mistaken, app),
        alarms=_Alarms(app),
        offsite=_Offsite(app),
        logger=app.logger,
    )


def init_app(app: Flask) -> None:
    """Build it once for the app (create_app)."""
    app.extensions[KEY] = build(app)


def of(app: Flask) -> DataBackup:
    """This app's Data Backup, as create_app built it."""
    return app.extensions[KEY]
