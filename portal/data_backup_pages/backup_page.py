"""The Backup page of the manual: Backup (with its confirmation screen, then the progress
and result of the run) or Skip, for members of the Data Backup Group. Who is sent here in
the afternoon is the reminder's rule (portal/reminder/); the administrator's Data Backup
page is settings_page.py beside this one; routes.py lists both pages' routes."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import web
from portal.data_backup import jobs, status
from portal.forms import NextForm
from portal.reminder import store
from portal.security import safe_next
from portal.web import backup_jobs, current_data_backup, get_db, log_event, login_guard


def members_only():
    """The Backup page and Skip are for the Data Backup Group (and the Administrator)."""
    if (answer := login_guard()) is not None:
        return answer
    if not (current_user.is_admin or store.is_member(get_db("system.db"), current_user.id)):
        abort(403, "The Backup page is for members of the Data Backup Group.")
    return None


def _next() -> str:
    return safe_next(request.values.get("next"), url_for("home.portal"))


def index():
    """Today's state, the last backup, and the Backup and Skip buttons."""
    now = web.now()
    return render_template(
        "data_backup/backup.html",
        today=status.today_status(
            current_data_backup(), get_db("system.db"), current_user.id, now.date()
        ),
        running=backup_jobs().running(),
        next_url=_next(),
        form=NextForm(next=_next()),
    )


def confirm():
    """The confirmation screen: what will be copied, how long it takes, Confirm or Cancel."""
    files = status.planned_files(current_data_backup())
    total = sum(f.size for f in files)
    return render_template(
        "data_backup/confirm.html",
        files=files,
        total=total,
        estimate=status.estimate_text(total),
        next_url=_next(),
        form=NextForm(next=_next()),
    )


def start():
    """Confirmed: run the backup of every data file in the background."""
    form = NextForm()  # CSRFProtect has checked the token of every POST
    job = backup_jobs().start(
        current_user.login,
        current_user.id,
        safe_next(form.next.data, url_for("home.portal")),
        status.job_weights(current_data_backup()),
    )
    return redirect(url_for("data_backup.run", job_id=job.id))


def skip():
    """Skip today's backup: this member is not forwarded again today."""
    form = NextForm()  # CSRFProtect has checked the token of every POST
    now = web.now()
    store.record_skip(get_db("system.db"), current_user.id, now.date(), now)
    log_event("backup skipped", f"skipped the backup of {now.date().isoformat()}")
    flash("You skipped today's backup. You will not be reminded again today.", "info")
    return redirect(safe_next(form.next.data, url_for("home.portal")))


def _job(job_id: str) -> jobs.BackupJob:
    return backup_jobs().get(job_id) or abort(
        404, "That backup is not known here (the portal may have been restarted)."
    )


def run(job_id: str):
    """The progress of a backup, then its result with the way back."""
    job = _job(job_id)
    done = store.done_day(get_db("system.db"), web.today())
    return render_template(
        "data_backup/run.html",
        job=job,
        done=done,
        progress_url=url_for("data_backup.progress", job_id=job.id),
        back_url=url_for("data_backup.backup", next=job.next_url),
        continue_label="Continue to the page you wanted",
        on_data_backup=False,
    )


def progress(job_id: str):
    """The progress as JSON, for the page's script."""
    return jsonify(_job(job_id).as_json())
