"""Data Backup built for one instance, once (Cosmic Python's bootstrap.py): create_app
calls `build`, keeps the one object on the app, and the pages, the commands and the
scheduler are handed it (portal/web.py's `data_backup_of(app)`). It reads the settings
(the folders, FILE_HELD_SECONDS, BACKUP_THOROUGH_CHECK, the busy timeout) and binds the
collaborators that need the instance (the alarms, the off-site copy, the data files'
health), so that the service itself is handed only what it uses. Like the service, it
knows no Flask."""

from __future__ import annotations

from datetime import date
from functools import partial

from portal import data_health
from portal.backup import BackupEngine
from portal.backup.held import Patience
from portal.backup.restore import RestoreResult
from portal.data_backup import alarms, clock_mistake, offsite, offsite_restore, trail
from portal.data_backup.service import DataBackup
from portal.instance import Instance
from portal.offsite import OffsiteFolder
from portal.unit_of_work import UnitOfWork


class _Alarms:
    """portal/data_backup/alarms.py for this instance (its mail settings, its system.db)."""

    def __init__(self, instance: Instance):
        self.instance = instance

    def backup_failed(self, what: str, who: str, why: str) -> str:
        return alarms.backup_failed(self.instance, what, who, why)

    def damaged_copy(self, who: str, summary: str) -> str:
        return alarms.damaged_copy(self.instance, who, summary)


class _Offsite:
    """portal/data_backup/offsite.py for this instance (its off-site folder and keys)."""

    def __init__(self, instance: Instance):
        self.instance = instance

    def send_newest(
        self, engine: BackupEngine, who: str, records: UnitOfWork
    ) -> offsite.Outcome | None:
        return offsite.send_newest(engine, who, self.instance, records)

    def restore(
        self, engine: BackupEngine, name: str, day: date, who: str, target: OffsiteFolder | None
    ) -> RestoreResult:
        return offsite_restore.restore(engine, name, day, who, self.instance, target)


def build(instance: Instance) -> DataBackup:
    """Data Backup for this instance's folders and settings (the instance is located, not
    opened: building it touches no file)."""
    config = instance.config
    return DataBackup(
        backup_dir=instance.backup_dir,
        data_dir=instance.data_dir,
        clock=instance.clock,
        patience=Patience(seconds=float(config["FILE_HELD_SECONDS"])),
        thorough_check=bool(config["BACKUP_THOROUGH_CHECK"]),
        busy_timeout_ms=instance.busy_timeout_ms,
        records=partial(trail.records, instance),
        data_problems=partial(data_health.problems, instance),
        mistaken_days=partial(clock_mistake.mistaken, instance),
        alarms=_Alarms(instance),
        offsite=_Offsite(instance),
        logger=instance.logger,
    )
