"""The System Settings blueprint: every route of System Settings in one table, and the
guard in front of them all (an elevated session; anyone else is asked for the admin
password first). The pages are plain functions in the modules named in the table."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from portal import clock
from portal.auth import elevation, sessions
from portal.settings import (
    clock_mistake_page,
    data_backup_page,
    recovery_kit_page,
    schedule_backup,
    views,
)
from portal.web import login_guard, system_db

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

# (URL under /settings, the page's function, methods). The endpoint is the function's
# name: url_for("settings.data_backup_index").
ROUTES = [
    ("/", views.index, GET),
    ("/elevate", views.elevate, BOTH),
    ("/history", views.history, GET),
    ("/leave", views.leave, POST),
    # Schedule Data Backup, with the mail for notices
    ("/schedule-backup", schedule_backup.schedule_backup, BOTH),
    ("/schedule-backup/mail", schedule_backup.schedule_backup_mail, POST),
    # Data Backup: Create / Update / Back up all, the run, Verify, restore, off site
    ("/data-backup", data_backup_page.data_backup_index, GET),
    ("/data-backup/backup", data_backup_page.data_backup_run, POST),
    ("/data-backup/run/<job_id>", data_backup_page.data_backup_job, GET),
    ("/data-backup/run/<job_id>/progress", data_backup_page.data_backup_progress, GET),
    ("/data-backup/verify", data_backup_page.data_backup_verify, POST),
    ("/data-backup/restore", data_backup_page.data_backup_restore_confirm, GET),
    ("/data-backup/restore", data_backup_page.data_backup_restore, POST),
    ("/data-backup/offsite", data_backup_page.data_backup_offsite, POST),
    ("/data-backup/recovery-kit", recovery_kit_page.data_backup_recovery_kit, GET),
    ("/data-backup/new-key", recovery_kit_page.data_backup_new_key, POST),
    ("/data-backup/clock-mistake", clock_mistake_page.data_backup_clock_mistake, POST),
]

bp = Blueprint("settings", __name__, url_prefix="/settings")
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)


@bp.before_request
def require_elevation():
    """Let elevated sessions through (and keep them elevated); prompt everyone else."""
    if (answer := login_guard()) is not None:
        return answer
    if request.endpoint == "settings.elevate":
        return None
    now = clock.now()
    if elevation.is_elevated(current_user, now):
        period = elevation.reauth_period()
        # Activity keeps elevation alive; writing it down once a minute is enough (the
        # progress page polls twice a second).
        if current_user.elevated_until - now < period - timedelta(minutes=1):
            sessions.extend_elevation(system_db(), current_user.session_token, now + period)
        return None
    # A form sent after elevation ran out is not carried out; its page is asked again.
    wanted = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
    return redirect(url_for("settings.elevate", next=wanted or url_for("settings.index")))
