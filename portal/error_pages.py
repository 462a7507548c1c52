"""Error pages: a plain page with a clear message and a way back, never a stack trace."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal import data_health
from portal.web import current_instance

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "There is no such page (it may have been deleted).",
    405: "That action is not allowed here.",
    413: "What you sent is too large.",
    500: "Something went wrong on the server. Nothing you saved before is lost; "
    "please try again, and tell the administrator if it happens again.",
}


def _page(status: int, message: str):
    if request_ctx.url_adapter is None:
        # A Host not in TRUSTED_HOSTS: no URL of the site can be built for it, nor should be.
        return f"{status}: {message}\n", status, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors.html", status=status, message=message), status


def handle_http(exc: HTTPException):
    """Any HTTP error, with our message unless the view gave a specific one."""
    status = exc.code or 500
    message = (
        exc.description if exc.description and exc.description != type(exc).description else None
    )
    return _page(status, message or MESSAGES.get(status, exc.name))


def handle_csrf(exc: CSRFError):
    """A form whose security token is missing or stale (often: logged out meanwhile)."""
    return _page(
        400,
        "This form has expired or did not come from this portal. Go back, reload the page "
        "and send it again (your typed text is usually still in the form when you go back).",
    )


def handle_unexpected(exc: Exception):
    """A bug: log it with its traceback (a handler of our own means Flask does not),
    show a calm page."""
    current_app.logger.error(
        "unexpected error on %s %s", request.method, request.path, exc_info=exc
    )
    return _page(500, MESSAGES[500])


def handle_data_file(exc: sqlite3.DatabaseError):
    """A data file that is missing, damaged or of another kind (a query on it fails): say
    which, and that the administrator can bring it back, instead of a 500 (a plain page:
    it cannot rely on the login, which lives in system.db). Any other database error is a
    bug and goes on as one."""
    problems = data_health.problems(current_instance(), kinds=True)
    disk = data_health.disk_problem(current_instance())
    if not problems and not disk:
        raise exc
    # Flask-Login would load the user (from system.db) to draw any template: draw this
    # one for an anonymous visitor.
    g._login_user = current_app.login_manager.anonymous_user()
    return render_template("unavailable.html", problems=list(problems.values()), disk=disk), 503


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(sqlite3.DatabaseError, handle_data_file)
    app.register_error_handler(HTTPException, handle_http)
    if not app.config.get("TESTING") and not app.debug:
        app.register_error_handler(Exception, handle_unexpected)
