"""Data Backup as this portal runs it: one object, built once by create_app
(portal/data_backup/bootstrap.py) and handed to the pages, the commands and the
scheduler. It holds what a backup needs (the backup folder and the data files, the clock,
the patience for files another program holds, the alarms, the off-site copy) and knows no
Flask: everything it needs of the app was handed to it when it was built.

Each call is one unit of work on system.db: one connection for its audit entries, today's
record and the verification's result (portal/unit_of_work.py)."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Protocol

from portal import data_health, settings_store, system_restore
from portal.backup import BackupBusy, BackupEngine, BackupError, RunResult, Source
from portal.backup.engine import RunProgress
from portal.backup.fileops import FileOps
from portal.backup.held import Patience
from portal.backup.layout import Layout
from portal.backup.restore import RestoreResult
from portal.backup.verify import VerifyReport
from portal.clock import Clock, format_datetime
from portal.datafiles import DATA_FILES, data_file
from portal.db import connect, migrate, release_kept
from portal.offsite import OffsiteFolder
from portal.reminder import store as reminder_store
from portal.settings_store import get_json, put_json
from portal.unit_of_work import UnitOfWork


class Alarms(Protocol):
    """What Data Backup raises when something needs a person (portal/data_backup/alarms.py)."""

    def backup_failed(self, what: str, who: str, why: str) -> object: ...

    def damaged_copy(self, who: str, summary: str) -> object: ...


class OffsiteCopy(Protocol):
    """The off-site copy as the portal runs it (portal/data_backup/offsite.py)."""

    def send_newest(self, engine: BackupEngine, who: str, records: UnitOfWork) -> object | None: ...

    def restore(
        self, engine: BackupEngine, name: str, day: date, who: str, target: OffsiteFolder | None
    ) -> RestoreResult: ...


# The last verification's time and problems, kept in system.db's settings for the Data
# Backup page: {"at": ISO time, "problems": {"<file>|<generation>": message}}.
VERIFY_KEY = settings_store.VERIFY_RESULT


@dataclass
class DataBackup:
    backup_dir: Path
    data_dir: Path
    clock: Clock
    patience: Patience  # FILE_HELD_SECONDS
    thorough_check: bool  # BACKUP_THOROUGH_CHECK
    busy_timeout_ms: int  # SQLITE_BUSY_TIMEOUT_MS
    records: Callable[[], UnitOfWork]  # a unit of work on system.db
    data_problems: Callable[[], Mapping[str, object]]  # missing or damaged data files
    mistaken_days: Callable[[], Mapping[date, date]]  # a clock's mistakes, read when needed
    alarms: Alarms
    offsite: OffsiteCopy
    logger: logging.Logger

    @property
    def layout(self) -> Layout:
        """The paths under the backup folder."""
        return Layout(self.backup_dir)

    def engine(self) -> BackupEngine:
        """The backup engine for this portal's data files and backup folder."""
        return BackupEngine(
            backup_dir=self.backup_dir,
            sources=[
                Source(
                    spec.name,
                    self.data_dir / spec.name,
                    partial(data_health.wrong_kind, spec),
                    partial(data_health.wrong_kind, spec, live=True),
                )
                for spec in DATA_FILES
            ],
            clock=self.clock.now,
            ops=FileOps(self.patience),
            thorough_check=self.thorough_check,
            mistaken_days=self.mistaken_days,
        )

    def folder_problems(self) -> list[str]:
        """What keeps the backup folder from being used, in words (none when all is well)."""
        root = self.backup_dir
        if problem := self.layout.folder_problem():
            return [problem]
        if not root.exists():
            if not root.parent.is_dir():
                return [f"The backup folder {root} does not exist, nor does the folder above it."]
            return []  # made by the next backup
        found = []
        if not os.access(root, os.W_OK | os.X_OK):
            found.append(f"The portal's account cannot write to the backup folder {root}.")
        ledger = root / "backup.txt"
        if ledger.exists() and not ledger.is_file():
            found.append(f"{ledger} is not a file: the record of the copies cannot be read.")
        elif ledger.exists() and not os.access(ledger, os.R_OK):
            found.append(f"{ledger} cannot be read by the portal's account.")
        return found

    def folder_warnings(self) -> list[str]:
        """A backup folder that other accounts on this machine may open: reported, never
        changed (the folder may not be the portal's to change)."""
        root = self.backup_dir
        if os.name != "posix" or not root.is_dir():
            return []
        mode = root.stat().st_mode & 0o777
        if not mode & 0o077:
            return []
        return [
            f"The backup folder {root} can be opened by other accounts on this machine "
            f"(mode {mode:04o}); 0700 keeps the office's records private. The portal does "
            "not change it."
        ]

    def run_backup(
        self,
        names: list[str] | None,
        who: str,
        *,
        user_id: int | None = None,
        progress: RunProgress | None = None,
        wait: float | None = 0,
        why: str = "",
    ) -> RunResult:
        """Back up through the engine, with 'backup started/completed/failed' in the audit
        log (`why` says what made the run: 'the automatic backup, process 1234'), and
        today's backup recorded as done once every data file has a copy taken today."""
        what = (", ".join(names) if names else "all data files") + (f" ({why})" if why else "")
        with self.records() as records:
            records.audit("backup started", who, what, user_id)
            backups = self.engine()
            try:
                self._refuse_broken_files(names)
                result = backups.run(names, who=who, progress=progress, wait=wait)
            except BackupError as exc:
                records.audit("backup failed", who, str(exc), user_id)
                if not isinstance(exc, BackupBusy):  # another run is at work: not a failure
                    self.alarms.backup_failed(what, who, str(exc))
                raise
            done = ", ".join(f"{f.name} ({f.size} bytes)" for f in result.files)
            with records.together("the backup's record"):
                records.audit("backup completed", who, done, user_id)
                self._record_day_if_complete(records, backups, who)
            # Then off site: its outcome is a note on the run, never the run's failure.
            if (sent := self.offsite.send_newest(backups, who, records)) is not None:
                result.notes.append(sent.message)
        return result

    def _refuse_broken_files(self, names: list[str] | None) -> None:
        """A data file that is missing or not a database is never backed up: its copy
        would replace a good one."""
        broken = [str(m) for n, m in self.data_problems().items() if names is None or n in names]
        if broken:
            raise BackupError(" ".join(broken) + " Nothing was backed up.")

    def _record_day_if_complete(self, records: UnitOfWork, backups: BackupEngine, who: str) -> None:
        """Today's backup is done once every data file has a copy taken today, whether it
        came from the reminder, the Data Backup page, the command line or the scheduler."""
        today = self.clock.today()
        if all(
            (taken := backups.newest_taken_at(spec.name)) is not None and taken.date() == today
            for spec in DATA_FILES
        ):
            now = self.clock.now()
            records.write(
                "today's backup as done",
                lambda conn: reminder_store.record_done(conn, today, now, who),
            )

    def verify(
        self, who: str, *, user_id: int | None = None, wait: float | None = 0
    ) -> VerifyReport:
        """Re-check every copy, keep the result for the Data Backup page and write the
        audit entry: the page's Verify and `flask backup verify` alike. BackupError when the
        copies cannot be read (another run holds the lock past `wait`, the folder is
        unusable)."""
        report = self.engine().verify(wait=wait)
        result = {
            "at": self.clock.now().isoformat(),
            "problems": {
                **{f"{p.name}|{p.generation}": p.message for p in report.problems},
                **{f"live|{n}": problem for n, problem in enumerate(report.live_problems)},
            },
            "checked": len(report.checked),  # the page says what was checked, never "all good"
            "unrecorded": len(report.unrecorded),  # over nothing
        }
        with self.records() as records, records.together("the verification's result"):
            records.write("the verification's result", lambda c: put_json(c, VERIFY_KEY, result))
            records.audit("backup verified", who, report.summary(), user_id)
        if not report.ok:
            self.alarms.damaged_copy(who, report.summary())
        return report

    def restore(
        self,
        name: str,
        generation: int,
        who: str,
        *,
        force: bool = False,
        user_id: int | None = None,
        offsite_day: date | None = None,
        target: OffsiteFolder | None = None,
        keep_present: bool = True,
    ) -> RestoreResult:
        """Restore one data file from a local generation, or from an off-site day (of
        `target`, by default the off-site folder set), bring its schema up to date, and
        audit it. `force` restores a local copy that cannot be proven (unrecorded, or
        changed since it was made); an off-site copy is always proven. A restored system.db
        keeps the present's sessions and history unless `keep_present` is off (a rebuild:
        the present is an empty new instance)."""
        live = self.data_dir / data_file(name).name
        if live.exists() and data_health.live_problem(live):
            # A damaged file is replaced by a rename: this process lets go of it first.
            release_kept(live)
        backups = self.engine()
        try:
            if offsite_day is not None:
                result = self.offsite.restore(backups, name, offsite_day, who, target)
            else:
                result = backups.restore(name, generation, who=who, force=force)
        except BackupError as exc:
            with self.records() as records:
                records.audit("restore failed", who, str(exc), user_id)
            raise
        # A copy from before an upgrade has an older schema: bring it up to date at once.
        try:
            conn = connect(live, self.busy_timeout_ms)
            try:
                migrate(conn, data_file(name))
                if name == "system.db" and keep_present:
                    system_restore.keep_the_present(conn, result.safety_copy, self.clock.now())
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise BackupError(
                f"{name} was restored, but its schema could not be brought up to date "
                f"({exc}); the next start of the portal tries again."
            ) from exc
        kept = result.safety_copy.name if result.safety_copy else "none (there was no live file)"
        forced = " (forced: the copy could not be proven)" if result.forced else ""
        with self.records() as records:
            records.audit(
                "restore completed",
                who,
                f"{name} from {result.copy} taken "
                f"{format_datetime(result.taken_at, self.clock.zone)}{forced}; safety copy {kept}",
                user_id,
            )
        return result


def last_verify(conn: sqlite3.Connection) -> dict:
    """The last verification as verify() kept it ({} if there was none, or it is unreadable)."""
    return get_json(conn, VERIFY_KEY)
