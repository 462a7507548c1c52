"""System Settings: the home page, the admin password prompt and the Backup history.
Schedule Data Backup and Data Backup have modules of their own; blueprint.py lists every
route of System Settings."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from portal import audit, paging, web
from portal.auth import elevation, lockout, sessions
from portal.security import safe_next
from portal.settings.forms import ElevateForm
from portal.users import list_groups, list_users
from portal.web import current_instance, form_status, get_db, log_event

HISTORY_PAGE = 50


def index():
    """Links to Schedule Data Backup, Data Backup and Backup history; the people."""
    conn = get_db("system.db")
    return render_template("settings/index.html", users=list_users(conn), groups=list_groups(conn))


def elevate():
    """The admin password prompt, then the page that was asked for."""
    form = ElevateForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    target = safe_next(form.next.data, url_for("settings.index"))
    now = web.now()
    if elevation.is_elevated(current_user, now):
        return redirect(target)
    if form.validate_on_submit():
        conn = get_db("system.db")
        outcome = elevation.attempt(
            conn, current_user, form.password.data, now, current_app.config, request.remote_addr
        )
        if outcome.granted:
            token = sessions.elevate(
                conn, current_user.session_token, now + elevation.reauth_period()
            )
            current_user.session_token = token
            login_user(current_user._get_current_object())  # the cookie carries the new token
            log_event("elevation granted", "admin password accepted for System Settings")
            return redirect(target)
        action = "elevation locked" if outcome.newly_locked else "elevation failed"
        log_event(action, "wrong admin password for System Settings")
        if lockout.admin_password_locked(outcome.newly_locked):
            log_event(*lockout.ADMIN_LOCKED)
        lockout.tell_locked(
            current_instance(),
            outcome.newly_locked,
            current_user.login,
            request.remote_addr,
        )
        form.password.errors = [outcome.error]
    return render_template("settings/elevate.html", form=form), form_status(form)


def history():
    """The audit log, newest first, a page at a time (keyset paging), of the kinds chosen."""
    # Unknown kinds are ignored; none chosen shows the backup-related kinds.
    kinds = tuple(k for k in audit.KIND_KEYS if k in request.args.getlist("kind"))
    default = not kinds
    kinds = kinds or audit.DEFAULT_KINDS
    conn = get_db("system.db")
    page = paging.newest_first(
        lambda key, limit: audit.of_kinds(conn, kinds, key, limit),
        lambda key, limit: audit.of_kinds(conn, kinds, key, limit, older=False),
        audit.entry_key,
        HISTORY_PAGE,
        before=request.args.get("before"),
        after=request.args.get("after"),
    )
    return render_template(
        "settings/history.html",
        page=page,
        kinds=audit.KINDS,
        chosen=kinds,
        hidden=[kind.label for kind in audit.KINDS if kind.key not in kinds],
        default=default,
    )


def leave():
    """Leave System Settings: the next visit asks for the admin password again."""
    sessions.end_elevation(get_db("system.db"), current_user.session_token)
    flash("You left System Settings.", "info")
    return redirect(url_for("home.portal"))
