"""The entry points' steps for an app create_app built (python -m portal, wsgi.py, the
command that runs): opening its instance, and starting the scheduler of a serving
process. The factory itself touches no file (issue 22); these do, once per app.

Opening an instance: its folders and secret key, every data file at the current schema,
the Administrator present. It works on the instance (portal/instance.py); the app is only
where the outcome is kept."""

from __future__ import annotations

import sqlite3

from flask import Flask

from portal import data_health, db, people
from portal.instance import Instance, locate, prepare
from portal.users import ensure_admin
from portal.web import data_backup_of, instance_of

OPENED = "portal.opened"
SCHEMA_REPORT = "portal.schema_report"
NIGHTLY = "portal.nightly"


def open_instance(app: Flask, create: bool = True) -> None:
    """Make the instance ready: its folders and secret key (when `create`), every data
    file upgraded to the current schema, the Administrator present. Data files are made
    once: on the very first start (neither data files nor copies), or by `init`. What
    was changed is kept for `init` to report."""
    if app.extensions.get(OPENED):
        return
    instance = instance_of(app)
    if create:
        prepare(instance)
    else:
        locate(instance.path, instance.config)
    new = create and data_health.is_new_instance(instance.data_dir, instance.backup_dir)
    app.extensions[SCHEMA_REPORT] = report = db.migrate_all(instance, create=new)
    _reserve_orphan_ids(instance, report)
    _ensure_admin(instance)
    app.extensions[OPENED] = True


def schema_report(app: Flask) -> dict[str, tuple[int, int]]:
    """What opening the instance upgraded: each data file's (before, after) version."""
    return dict(app.extensions.get(SCHEMA_REPORT, {}))


def start_scheduler(app: Flask):
    """The automatic backup, the watch and the weekly verify for a serving process: once
    per app, never in tests. Its runner.Nightly, or None (portal/nightly/runner.py)."""
    if app.testing:
        return None
    # Imported here: the commands, which never start it, need not load APScheduler.
    from portal.nightly import runner

    if NIGHTLY not in app.extensions:
        app.extensions[NIGHTLY] = runner.start(instance_of(app), data_backup_of(app))
    return app.extensions[NIGHTLY]


def _reserve_orphan_ids(instance: Instance, report: dict[str, tuple[int, int]]) -> None:
    """Once, when system.db starts keeping removed people: the ids that people removed
    before still have in the other data files are never given to anyone else."""
    before, after = report.get("system.db", (0, 0))
    if 0 < before < people.KEEPS_REMOVED <= after:
        try:
            people.reserve_orphan_ids(instance, instance.clock.now())
        except sqlite3.Error as exc:
            instance.logger.error("ids of people removed before could not be reserved: %s", exc)


def _ensure_admin(instance: Instance) -> None:
    if "system.db" in data_health.problems(instance):
        return  # the portal starts and says what is wrong with system.db
    try:
        with db.open_data_file("system.db", instance) as conn:
            ensure_admin(conn, instance.clock.now())
    except sqlite3.DatabaseError as exc:
        instance.logger.error("system.db could not be prepared: %s", exc)
