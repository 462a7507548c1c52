"""Opening an instance: its folders and secret key, every data file at the current
schema, the Administrator present. The app factory does it at start; an operator command
does it for the command that runs (portal.cli), so listing the commands changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask

from portal import clock, data_health, db, instance, people
from portal.clock import get_clock
from portal.users import ensure_admin


def open_instance(app: Flask, create: bool = True) -> None:
    """Make the instance ready: its folders and secret key (when `create`), every data
    file upgraded to the current schema, the Administrator present. Data files are made
    once: on the very first start (neither data files nor copies), or by `init`. What
    was changed is kept for `init` to report."""
    if app.extensions.get("portal.opened"):
        return
    if create:
        instance.prepare(app)
    else:
        instance.locate(app)
    new = create and data_health.is_new_instance(
        Path(app.config["DATA_DIR"]), Path(app.config["BACKUP_DIR"])
    )
    app.extensions["portal.schema_report"] = db.migrate_all(app, create=new)
    _reserve_orphan_ids(app)
    _ensure_admin(app)
    app.extensions["portal.opened"] = True


def _reserve_orphan_ids(app: Flask) -> None:
    """Once, when system.db starts keeping removed people: the ids that people removed
    before still have in the other data files are never given to anyone else."""
    before, after = app.extensions["portal.schema_report"].get("system.db", (0, 0))
    if 0 < before < people.KEEPS_REMOVED <= after:
        try:
            people.reserve_orphan_ids(app, get_clock(app).now())
        except sqlite3.Error as exc:
            app.logger.error("ids of people removed before could not be reserved: %s", exc)


def _ensure_admin(app: Flask) -> None:
    if "system.db" in data_health.problems(app):
        return  # the portal starts and says what is wrong with system.db
    with app.app_context():
        try:
            ensure_admin(db.get_db("system.db"), clock.now())
        except sqlite3.DatabaseError as exc:
            app.logger.error("system.db could not be prepared: %s", exc)
