"""Data Backup as the portal uses it: the engine bound to this app's backup folder,
clock and data files, and the audit trail of every run. The web pages, the scheduler
and the commands all come through here."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from functools import partial
from pathlib import Path

from flask import Flask, current_app

from portal import data_health, system_restore
from portal.backup import BackupBusy, BackupEngine, BackupError, RunResult, Source
from portal.backup.engine import RunProgress
from portal.backup.fileops import FileOps
from portal.backup.held import Patience
from portal.backup.layout import Layout
from portal.backup.restore import RestoreResult
from portal.backup.verify import VerifyReport
from portal.clock import format_datetime, get_clock
from portal.data_backup import alarms, clock_mistake, offsite, offsite_restore
from portal.data_backup.trail import audit_entry
from portal.datafiles import DATA_FILES, data_file
from portal.db import data_path, migrate, open_data_file, release_kept
from portal.offsite import OffsiteFolder
from portal.reminder import store as reminder_store
from portal.settings_store import get_json, put_json


def engine(app: Flask | None = None) -> BackupEngine:
    """The backup engine for this app's data files and backup folder."""
    app = app or current_app
    return BackupEngine(
        backup_dir=Path(app.config["BACKUP_DIR"]),
        sources=[
            Source(
                spec.name,
                data_path(spec.name, app),
                partial(data_health.wrong_kind, spec),
                partial(data_health.wrong_kind, spec, live=True),
            )
            for spec in DATA_FILES
        ],
        clock=get_clock(app).now,
        ops=FileOps(patience(app)),
        thorough_check=app.config["BACKUP_THOROUGH_CHECK"],
        mistaken_days=lambda: clock_mistake.mistaken(app),  # its days, read when a run needs them
    )


def patience(app: Flask) -> Patience:
    """How long file steps wait for a file another program holds open (FILE_HELD_SECONDS)."""
    return Patience(seconds=float(app.config["FILE_HELD_SECONDS"]))


def folder_problems(app: Flask | None = None) -> list[str]:
    """What keeps the backup folder from being used, in words (none when all is well)."""
    app = app or current_app
    root = Path(app.config["BACKUP_DIR"])
    if problem := Layout(root).folder_problem():
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


def folder_warnings(app: Flask | None = None) -> list[str]:
    """A backup folder that other accounts on this machine may open: reported, never
    changed (the folder may not be the portal's to change)."""
    app = app or current_app
    root = Path(app.config["BACKUP_DIR"])
    if os.name != "posix" or not root.is_dir():
        return []
    mode = root.stat().st_mode & 0o777
    if not mode & 0o077:
        return []
    return [
        f"The backup folder {root} can be opened by other accounts on this machine "
        f"(mode {mode:04o}); 0700 keeps the office's records private. The portal does not "
        "change it."
    ]


def _refuse_broken_files(app: Flask, names: list[str] | None) -> None:
    """A data file that is missing or not a database is never backed up: its copy
    would replace a good one."""
    broken = {n: m for n, m in data_health.problems(app).items() if names is None or n in names}
    if broken:
        raise BackupError(" ".join(map(str, broken.values())) + " Nothing was backed up.")


def run_backup(
    names: list[str] | None,
    who: str,
    *,
    user_id: int | None = None,
    progress: RunProgress | None = None,
    wait: float | None = 0,
    app: Flask | None = None,
    why: str = "",
) -> RunResult:
    """Back up through the engine, with 'backup started/completed/failed' in the audit log
    (`why` says what made the run: 'the automatic backup, process 1234')."""
    app = app or current_app
    what = (", ".join(names) if names else "all data files") + (f" ({why})" if why else "")
    audit_entry(app, "backup started", who, what, user_id)
    try:
        _refuse_broken_files(app, names)
        result = engine(app).run(names, who=who, progress=progress, wait=wait)
    except BackupError as exc:
        audit_entry(app, "backup failed", who, str(exc), user_id)
        if not isinstance(exc, BackupBusy):  # another run is at work: not a failure
            alarms.backup_failed(app, what, who, str(exc))
        raise
    done = ", ".join(f"{f.name} ({f.size} bytes)" for f in result.files)
    audit_entry(app, "backup completed", who, done, user_id)
    _record_day_if_complete(app, who)
    # Then off site: its outcome is a note on the run, never the run's failure.
    if (sent := offsite.send_newest(engine(app), who, app)) is not None:
        result.notes.append(sent.message)
    return result


# The last verification's time and problems, kept in system.db's settings for the Data
# Backup page: {"at": ISO time, "problems": {"<file>|<generation>": message}}.
VERIFY_KEY = "backup_verify"


def verify(
    who: str, *, user_id: int | None = None, wait: float | None = 0, app: Flask | None = None
) -> VerifyReport:
    """Re-check every copy, keep the result for the Data Backup page and write the audit
    entry: the page's Verify and `flask backup verify` alike. BackupError when the copies
    cannot be read (another run holds the lock past `wait`, the folder is unusable)."""
    app = app or current_app
    report = engine(app).verify(wait=wait)
    result = {
        "at": get_clock(app).now().isoformat(),
        "problems": {
            **{f"{p.name}|{p.generation}": p.message for p in report.problems},
            **{f"live|{n}": problem for n, problem in enumerate(report.live_problems)},
        },
        "checked": len(report.checked),  # the page says what was checked, never "all good"
        "unrecorded": len(report.unrecorded),  # over nothing
    }
    try:
        with open_data_file("system.db", app) as conn:
            put_json(conn, VERIFY_KEY, result)
    except sqlite3.Error as exc:
        app.logger.error("the verification's result was not kept: %s", exc)
    audit_entry(app, "backup verified", who, report.summary(), user_id)
    if not report.ok:
        alarms.damaged_copy(app, who, report.summary())
    return report


def last_verify(conn: sqlite3.Connection) -> dict:
    """The last verification as verify() kept it ({} if there was none, or it is unreadable)."""
    return get_json(conn, VERIFY_KEY)


def _record_day_if_complete(app: Flask, who: str) -> None:
    """Today's backup is done once every data file has a copy taken today, whether it
    came from the reminder, the Data Backup page, the command line or the scheduler."""
    clock = get_clock(app)
    today = clock.today()
    backups = engine(app)
    if all(
        (taken := backups.newest_taken_at(spec.name)) is not None and taken.date() == today
        for spec in DATA_FILES
    ):
        try:
            with open_data_file("system.db", app) as conn:
                reminder_store.record_done(conn, today, clock.now(), who)
        except sqlite3.Error as exc:
            app.logger.error("today's backup not recorded as done: %s", exc)


def restore(
    name: str,
    generation: int,
    who: str,
    *,
    force: bool = False,
    user_id: int | None = None,
    app: Flask | None = None,
    offsite_day: date | None = None,
    target: OffsiteFolder | None = None,
    keep_present: bool = True,
) -> RestoreResult:
    """Restore one data file from a local generation, or from an off-site day (of
    `target`, by default the off-site folder set), bring its schema up to date, and audit
    it. `force` restores a local copy that cannot be proven (unrecorded, or changed since
    it was made); an off-site copy is always proven. A restored system.db keeps the
    present's sessions and history unless `keep_present` is off (a rebuild: the present
    is an empty new instance)."""
    app = app or current_app
    live = data_path(name, app)
    if live.exists() and data_health.live_problem(live):
        # A damaged file is replaced by a rename: this process lets go of it first.
        release_kept(live)
    try:
        if offsite_day is not None:
            result = offsite_restore.restore(engine(app), name, offsite_day, who, app, target)
        else:
            result = engine(app).restore(name, generation, who=who, force=force)
    except BackupError as exc:
        audit_entry(app, "restore failed", who, str(exc), user_id)
        raise
    # A copy from before an upgrade has an older schema: bring it up to date at once.
    try:
        with open_data_file(name, app) as conn:
            migrate(conn, data_file(name))
            if name == "system.db" and keep_present:
                system_restore.keep_the_present(conn, result.safety_copy)
    except sqlite3.Error as exc:
        raise BackupError(
            f"{name} was restored, but its schema could not be brought up to date ({exc}); "
            "the next start of the portal tries again."
        ) from exc
    kept = result.safety_copy.name if result.safety_copy else "none (there was no live file)"
    audit_entry(
        app,
        "restore completed",
        who,
        f"{name} from {result.copy} taken "
        f"{format_datetime(result.taken_at, app.extensions['portal.clock'].zone)}"
        f"{' (forced: the copy could not be proven)' if result.forced else ''}; "
        f"safety copy {kept}",
        user_id,
    )
    return result
