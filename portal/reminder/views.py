"""Skip: a member of the Data Backup Group is not reminded again today. The Backup
page itself is Data Backup's (portal/data_backup/views.py); it shares this guard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from portal import clock
from portal.forms import NextForm
from portal.reminder import store
from portal.security import safe_next
from portal.web import log_event, login_guard, system_db

bp = Blueprint("reminder", __name__, url_prefix="/backup")


def members_only():
    """The Backup page and Skip are for the Data Backup Group (and the Administrator)."""
    if (answer := login_guard()) is not None:
        return answer
    if not (current_user.is_admin or store.is_member(system_db(), current_user.id)):
        abort(403, "The Backup page is for members of the Data Backup Group.")
    return None


bp.before_request(members_only)


@bp.post("/skip")
def skip():
    """Skip today's backup: this member is not forwarded again today."""
    form = NextForm()  # CSRFProtect has checked the token of every POST
    now = clock.now()
    store.record_skip(system_db(), current_user.id, now.date(), now)
    log_event("backup skipped", f"skipped the backup of {now.date().isoformat()}")
    flash("You skipped today's backup. You will not be reminded again today.", "info")
    return redirect(safe_next(form.next.data, url_for("home.portal")))
