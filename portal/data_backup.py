"""Data Backup as the portal uses it: the engine bound to this app's backup folder,
clock and data files, and the audit trail of every run. The web pages, the scheduler
and the commands all come through here."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal import audit
from portal.backup import BackupEngine, BackupError, RunResult, Source
from portal.backup.engine import RunProgress
from portal.backup.restore import RestoreResult
from portal.datafiles import DATA_FILES, data_file
from portal.db import data_path, migrate, open_data_file
from portal.reminder import store as reminder_store


def engine(app: Flask | None = None) -> BackupEngine:
    """The backup engine for this app's data files and backup folder."""
    app = app or current_app
    return BackupEngine(
        backup_dir=Path(app.config["BACKUP_DIR"]),
        sources=[Source(spec.name, data_path(spec.name, app)) for spec in DATA_FILES],
        clock=app.extensions["portal.clock"].now,
        thorough_check=app.config["BACKUP_THOROUGH_CHECK"],
    )


def _audit(app: Flask, action: str, actor: str, detail: str, user_id: int | None) -> None:
    conn = open_data_file("system.db", app)
    try:
        now = app.extensions["portal.clock"].now()
        audit.record(conn, now, action, actor, user_id=user_id, detail=detail)
    finally:
        conn.close()


def run_backup(
    names: list[str] | None,
    who: str,
    *,
    user_id: int | None = None,
    progress: RunProgress | None = None,
    wait: float | None = 0,
    app: Flask | None = None,
) -> RunResult:
    """Back up through the engine, with 'backup started/completed/failed' in the audit log."""
    app = app or current_app
    what = ", ".join(names) if names else "all data files"
    _audit(app, "backup started", who, what, user_id)
    try:
        result = engine(app).run(names, who=who, progress=progress, wait=wait)
    except BackupError as exc:
        _audit(app, "backup failed", who, str(exc), user_id)
        raise
    done = ", ".join(f"{f.name} ({f.size} bytes)" for f in result.files)
    _audit(app, "backup completed", who, done, user_id)
    _record_day_if_complete(app, who)
    return result


def _record_day_if_complete(app: Flask, who: str) -> None:
    """Today's backup is done once every data file has a copy taken today, whether it
    came from the reminder, the Data Backup page, the command line or the scheduler."""
    clock = app.extensions["portal.clock"]
    today = clock.today()
    backups = engine(app)
    if all(
        (taken := backups.newest_taken_at(spec.name)) is not None and taken.date() == today
        for spec in DATA_FILES
    ):
        conn = open_data_file("system.db", app)
        try:
            reminder_store.record_done(conn, today, clock.now(), who)
        finally:
            conn.close()


def restore(
    name: str, generation: int, who: str, *, user_id: int | None = None, app: Flask | None = None
) -> RestoreResult:
    """Restore one data file, bring its schema up to date, and audit it."""
    app = app or current_app
    try:
        result = engine(app).restore(name, generation, who=who)
    except BackupError as exc:
        _audit(app, "restore failed", who, str(exc), user_id)
        raise
    # A copy from before an upgrade has an older schema: bring it up to date at once.
    conn = open_data_file(name, app)
    try:
        migrate(conn, data_file(name))
    finally:
        conn.close()
    _audit(
        app,
        "restore completed",
        who,
        f"{name} from generation {generation} taken {result.taken_at:%Y-%m-%d %H:%M}; "
        f"safety copy {result.safety_copy.name}",
        user_id,
    )
    return result
