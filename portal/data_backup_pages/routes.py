"""The Data Backup pages' blueprint: every route in one table, each with who may open it.
Members of the Data Backup Group (and the Administrator) use the Backup page; System
Settings' guard (an elevated session) stands in front of the Data Backup page."""

from __future__ import annotations

from flask import Blueprint, request

from portal.auth.settings_guard import system_settings_only
from portal.data_backup_pages import (
    backup_page,
    clock_mistake_page,
    open_copy_page,
    people_copy_page,
    recovery_kit_page,
    settings_page,
)

GET, POST = ["GET"], ["POST"]
MEMBERS, ADMINISTRATOR = backup_page.members_only, system_settings_only

# (URL, endpoint, the page's function, methods, who). url_for("data_backup.<endpoint>").
ROUTES = [
    # The Backup page (the manual's "Backup" and "Skip")
    ("/backup/", "backup", backup_page.index, GET, MEMBERS),
    ("/backup/confirm", "confirm", backup_page.confirm, GET, MEMBERS),
    ("/backup/confirm", "start", backup_page.start, POST, MEMBERS),
    ("/backup/run/<job_id>", "run", backup_page.run, GET, MEMBERS),
    ("/backup/run/<job_id>/progress", "progress", backup_page.progress, GET, MEMBERS),
    ("/backup/skip", "skip", backup_page.skip, POST, MEMBERS),
    # System Settings > Data Backup
    ("/settings/data-backup", "index", settings_page.index, GET, ADMINISTRATOR),
    ("/settings/data-backup/backup", "back_up", settings_page.back_up, POST, ADMINISTRATOR),
    ("/settings/data-backup/run/<job_id>", "job", settings_page.job, GET, ADMINISTRATOR),
    (
        "/settings/data-backup/run/<job_id>/progress",
        "job_progress",
        settings_page.job_progress,
        GET,
        ADMINISTRATOR,
    ),
    ("/settings/data-backup/verify", "verify", settings_page.verify, POST, ADMINISTRATOR),
    (
        "/settings/data-backup/restore",
        "restore_confirm",
        settings_page.restore_confirm,
        GET,
        ADMINISTRATOR,
    ),
    ("/settings/data-backup/restore", "restore", settings_page.restore, POST, ADMINISTRATOR),
    ("/settings/data-backup/offsite", "offsite", settings_page.offsite, POST, ADMINISTRATOR),
    # Open a copy, and bring items back from it (issue 23)
    (
        "/settings/data-backup/copies/<file>/<copy>",
        "open_copy",
        open_copy_page.open_copy,
        GET,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/copies/<file>/<copy>",
        "bring_back_confirm",
        open_copy_page.confirm,
        POST,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/bring-back",
        "bring_back",
        open_copy_page.bring_back,
        POST,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/copies/system.db/<copy>/people/<int:user_id>",
        "person_confirm",
        people_copy_page.person_confirm,
        GET,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/copies/system.db/<copy>/people/<int:user_id>",
        "person_bring_back",
        people_copy_page.person_bring_back,
        POST,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/copies/system.db/<copy>/people/<int:user_id>/set-back",
        "set_back_confirm",
        people_copy_page.set_back_confirm,
        GET,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/copies/system.db/<copy>/people/<int:user_id>/set-back",
        "person_set_back",
        people_copy_page.person_set_back,
        POST,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/copies/system.db/<copy>/groups/<int:group_id>",
        "group_bring_back",
        people_copy_page.group_bring_back,
        POST,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/people/<int:user_id>",
        "first_person",
        people_copy_page.first_person,
        GET,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/recently-deleted",
        "members_switch",
        open_copy_page.members_switch,
        POST,
        ADMINISTRATOR,
    ),
    (
        "/settings/data-backup/recovery-kit",
        "recovery_kit",
        recovery_kit_page.show_recovery_kit,
        GET,
        ADMINISTRATOR,
    ),
    ("/settings/data-backup/new-key", "new_key", recovery_kit_page.new_key, POST, ADMINISTRATOR),
    (
        "/settings/data-backup/clock-mistake",
        "clock_mistake",
        clock_mistake_page.say_clock_mistake,
        POST,
        ADMINISTRATOR,
    ),
]
# The members' pages: never forwarded to themselves by the afternoon reminder.
MEMBERS_PAGES = frozenset(f"data_backup.{e}" for _, e, _, _, who in ROUTES if who is MEMBERS)

bp = Blueprint("data_backup", __name__)
_guards = {}
for rule, endpoint, view, methods, who in ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
    _guards[f"data_backup.{endpoint}"] = who


@bp.before_request
def guard():
    """Each route's own guard, as the table gives it: none is left without one."""
    return _guards[request.endpoint]()
