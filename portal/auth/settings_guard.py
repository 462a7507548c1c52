"""The guard in front of every System Settings page, the Data Backup page's included:
an elevated session goes through (and stays elevated while it is active); anyone else is
asked for the admin password first (the manual: "If you are not already logged in as
Admin, enter your admin password when prompted")."""

from __future__ import annotations

from datetime import timedelta

from flask import redirect, request, url_for
from flask_login import current_user

from portal import web
from portal.auth import elevation, sessions
from portal.web import get_db, login_guard

PROMPT = "settings.elevate"  # the admin password prompt itself


def system_settings_only():
    """Let elevated sessions through (and keep them elevated); prompt everyone else."""
    if (answer := login_guard()) is not None:
        return answer
    if request.endpoint == PROMPT:
        return None
    now = web.now()
    if elevation.is_elevated(current_user, now):
        period = elevation.reauth_period()
        # Activity keeps elevation alive; writing it down once a minute is enough (the
        # progress page polls twice a second).
        if current_user.elevated_until - now < period - timedelta(minutes=1):
            sessions.extend_elevation(get_db("system.db"), current_user.session_token, now + period)
        return None
    # A form sent after elevation ran out is not carried out; its page is asked again.
    wanted = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
    return redirect(url_for(PROMPT, next=wanted or url_for("settings.index")))
