"""Small helpers shared by the views: the request's actor for the audit log, the
system.db connection, and the status code of a form page."""

from __future__ import annotations

import sqlite3

from flask import current_app, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from portal import audit, clock
from portal.db import get_db


def login_guard():
    """A blueprint's guard (`bp.before_request(login_guard)`): anyone not logged in is
    sent to log in, whatever the method. Flask-Login's login_required lets OPTIONS
    through, and a guard after it would then run on the anonymous user (a 500)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def system_db() -> sqlite3.Connection:
    """This request's connection to system.db."""
    return get_db("system.db")


def log_event(action: str, detail: str = "", *, actor: str | None = None) -> None:
    """Record an audit entry for the current request's user."""
    user_id = current_user.id if current_user.is_authenticated else None
    if actor is None:
        actor = current_user.login if current_user.is_authenticated else "anonymous"
    audit.record(
        system_db(),
        clock.now(),
        action,
        actor[:64],
        user_id=user_id,
        detail=detail,
        remote_addr=request.remote_addr,
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
