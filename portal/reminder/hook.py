"""The before_request hook that forwards members of the Data Backup Group to the
Backup page in the afternoon. Only page requests are forwarded: a form being sent is
saved as usual, so a reminder never costs anyone their input."""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user

from portal import web
from portal.reminder.rules import ReminderState, load_state, should_forward
from portal.web import get_db

# Pages that are never forwarded: logging in and out, the Backup page itself (with its
# confirmation, progress and Skip: data_backup_pages/routes.py, MEMBERS_PAGES, which a
# test keeps equal to these), and static files.
EXEMPT_BLUEPRINTS = {"auth"}
EXEMPT_ENDPOINTS = {
    "static",
    "data_backup.backup",
    "data_backup.confirm",
    "data_backup.start",
    "data_backup.run",
    "data_backup.progress",
    "data_backup.skip",
}


def _is_page_request() -> bool:
    req = (
        request._get_current_object()
    )  # one proxy lookup instead of five: this runs on every request
    if req.method != "GET" or req.endpoint is None or req.endpoint in EXEMPT_ENDPOINTS:
        return False
    if req.blueprint in EXEMPT_BLUEPRINTS:
        return False
    # A script fetching data is not a person opening a page.
    return req.environ.get("HTTP_SEC_FETCH_DEST", "document") in ("document", "")


def todays_state() -> ReminderState:
    """What system.db says about the current member and today, read once a request
    (the hook reads it, and the portal page's Data Backup portlet reads it again)."""
    state = g.get("reminder_state")
    if state is None:
        state = g.reminder_state = load_state(get_db("system.db"), current_user.id, web.today())
    return state


def forward_to_backup():
    """Redirect a member's page request to the Backup page when the reminder is due."""
    if not _is_page_request() or not current_user.is_authenticated:
        return None
    now = web.now()
    state = todays_state()
    if not should_forward(state, now):
        return None
    wanted = request.full_path.rstrip("?")
    return redirect(url_for("data_backup.backup", next=wanted))


def init_app(app: Flask) -> None:
    """Install the hook (unless BACKUP_REMINDER_HOOK is off)."""
    if app.config["BACKUP_REMINDER_HOOK"]:
        app.before_request(forward_to_backup)
