"""Data Backup's unit of work on system.db for one app (unit_of_work.py, which knows no
Flask, built from the app's settings), and an audit entry written on its own (the
off-site verify, the rebuild, the commands' off-site steps) the way the service writes its
own: a full disk or a missing system.db costs the entry, which the log names, never the
step it records."""

from __future__ import annotations

from flask import Flask

from portal.clock import get_clock
from portal.data_backup.unit_of_work import UnitOfWork
from portal.db import data_path


def records(app: Flask) -> UnitOfWork:
    """A unit of work on `app`'s system.db (open it with `with`)."""
    busy = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    return UnitOfWork(data_path("system.db", app), busy, get_clock(app), app.logger)


def audit_entry(app: Flask, action: str, actor: str, detail: str, user_id: int | None) -> None:
    """Write one audit entry for `app`'s portal if system.db takes it."""
    with records(app) as unit:
        unit.audit(action, actor, detail, user_id)
