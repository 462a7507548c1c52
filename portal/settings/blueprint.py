"""The System Settings blueprint: every route of System Settings in one table, and the
guard in front of them all (portal/auth/settings_guard.py: an elevated session, anyone
else asked for the admin password first). The pages are plain functions in the modules
named in the table. The Data Backup page, also in System Settings, is Data Backup's
(portal/data_backup_pages/), behind the same guard."""

from __future__ import annotations

from flask import Blueprint

from portal.auth.settings_guard import system_settings_only
from portal.settings import schedule_backup, views

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

# (URL under /settings, the page's function, methods). The endpoint is the function's
# name: url_for("settings.schedule_backup").
ROUTES = [
    ("/", views.index, GET),
    ("/elevate", views.elevate, BOTH),
    ("/history", views.history, GET),
    ("/leave", views.leave, POST),
    # Schedule Data Backup, with the mail for notices
    ("/schedule-backup", schedule_backup.schedule_backup, BOTH),
    ("/schedule-backup/mail", schedule_backup.schedule_backup_mail, POST),
]

bp = Blueprint("settings", __name__, url_prefix="/settings")
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
bp.before_request(system_settings_only)
