"""The portal as the pages and commands reach it inside Flask: the instance and the Data
Backup service create_app built (`current_instance()`, `data_backup_of(app)`), the clock
(`now()`, `today()`), the request's connections to the data files (`get_db`, flaskr's),
the audit entry for the request's user, and the status code of a form page.

This is the one module that binds the portal's plain objects to the app. Below it nothing
imports Flask: services are handed the Instance or the DataBackup (issue 22)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from portal import audit, db
from portal.instance import Instance

INSTANCE = "portal.instance"
DATA_BACKUP = "portal.data_backup"
BACKUP_JOBS = "portal.backup_jobs"
RECENTLY_DELETED = "portal.recently_deleted"


def instance_of(app: Flask) -> Instance:
    """The instance create_app built for `app`."""
    return app.extensions[INSTANCE]


def current_instance() -> Instance:
    """The current app's instance (in a request, or a command's app context)."""
    return instance_of(current_app)


# The Data Backup service and its job board are a layer above this module (which they do
# not import): their accessors name their types in words only.


def data_backup_of(app: Flask):
    """The Data Backup service create_app built for `app` (a DataBackup, built by
    portal/data_backup/bootstrap.py)."""
    return app.extensions[DATA_BACKUP]


def current_data_backup():
    """The current app's Data Backup service (a DataBackup)."""
    return data_backup_of(current_app)


def backup_jobs_of(app: Flask):
    """The backups this process runs in the background for `app`'s pages (a JobBoard,
    portal/data_backup/jobs.py)."""
    return app.extensions[BACKUP_JOBS]


def backup_jobs():
    """The current app's job board (a JobBoard)."""
    return backup_jobs_of(current_app)


def recently_deleted():
    """The members' Recently deleted of the current app (a RecentlyDeleted,
    portal/bring_back/recently_deleted.py), for the To-Do List and the Scheduler."""
    return current_app.extensions[RECENTLY_DELETED]


def now() -> datetime:
    """The current local time in the portal's zone, by the instance's clock."""
    return current_instance().clock.now()


def today() -> date:
    """Today's date in the portal's zone."""
    return current_instance().clock.today()


def get_db(name: str) -> sqlite3.Connection:
    """This request's (or command's) connection to one data file, e.g. get_db('todo.db'):
    one per data file per request, kept by the thread between requests (portal/db.py)."""
    conns = g.setdefault("_portal_dbs", {})
    if name not in conns:
        instance = current_instance()
        conns[name] = db.thread_connection(
            db.data_path(name, instance.data_dir), instance.busy_timeout_ms
        )
    return conns[name]


def close_dbs(_exc: BaseException | None = None) -> None:
    """End the request's use of its connections: nothing may stay in a transaction
    (transaction() always ends its own; this is the safety net)."""
    for conn in g.pop("_portal_dbs", {}).values():
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def init_app(app: Flask, instance: Instance) -> None:
    """Bind the instance to the app; close the connections at the end of every request
    and app context."""
    app.extensions[INSTANCE] = instance
    app.teardown_appcontext(close_dbs)


def login_guard():
    """A blueprint's guard (`bp.before_request(login_guard)`): anyone not logged in is
    sent to log in, whatever the method. Flask-Login's login_required lets OPTIONS
    through, and a guard after it would then run on the anonymous user (a 500)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def log_event(action: str, detail: str = "", *, actor: str | None = None) -> None:
    """The audit entry for what a page or a command just did: by the request's user (or
    "anonymous"), with the client address; on the command line by "command line". The
    one door to the audit log above the services (audit.record writes it; a service
    writes its own through its unit of work, portal/unit_of_work.py)."""
    user_id, address = None, None
    if has_request_context():
        address = request.remote_addr
        if current_user.is_authenticated:
            user_id = current_user.id
            actor = actor or current_user.login
    actor = actor or ("anonymous" if has_request_context() else audit.COMMAND_LINE)
    audit.record(
        get_db("system.db"),
        now(),
        action,
        actor[:64],
        user_id=user_id,
        detail=detail,
        remote_addr=address,
    )


def form_status(form) -> int:
    """400 for a submitted form with errors, so clients and tests can tell; 200 otherwise."""
    return 400 if form.errors else 200


# SQLite integers are signed 64-bit; a larger number from a URL would overflow the driver.
SQLITE_MAX_INT = 2**63 - 1


def row_id(value) -> int | None:
    """`value` as a row id, or None if it is not a whole number SQLite can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= SQLITE_MAX_INT else None


class RowIdConverter(IntegerConverter):
    """The `<int:...>` URL converter, bounded to SQLite's range: a bigger number is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", SQLITE_MAX_INT)
        super().__init__(url_map, *args, **kwargs)
