"""The before_request hook that forwards members of the Data Backup Group to the
Backup page in the afternoon. Only page requests are forwarded: a form being sent is
saved as usual, so a reminder never costs anyone their input."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from portal import clock
from portal.reminder.rules import load_state, should_forward
from portal.web import system_db

# Pages that are never forwarded: logging in and out, the backup pages themselves
# (with the progress endpoint), and static files.
EXEMPT_BLUEPRINTS = {"reminder", "auth"}
EXEMPT_ENDPOINTS = {"static"}


def _is_page_request() -> bool:
    if request.method != "GET" or request.endpoint is None:
        return False
    if request.endpoint in EXEMPT_ENDPOINTS or request.blueprint in EXEMPT_BLUEPRINTS:
        return False
    # A script fetching data is not a person opening a page.
    return request.headers.get("Sec-Fetch-Dest", "document") in ("document", "")


def forward_to_backup():
    """Redirect a member's page request to the Backup page when the reminder is due."""
    if not _is_page_request() or not current_user.is_authenticated:
        return None
    now = clock.now()
    state = load_state(system_db(), current_user.id, now.date())
    if not should_forward(state, now):
        return None
    wanted = request.full_path.rstrip("?")
    return redirect(url_for("reminder.index", next=wanted))


def init_app(app: Flask) -> None:
    """Install the hook (unless BACKUP_REMINDER_HOOK is off)."""
    if app.config["BACKUP_REMINDER_HOOK"]:
        app.before_request(forward_to_backup)
