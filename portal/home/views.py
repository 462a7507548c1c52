"""The portal page (/): today's schedule, the latest bulletin posts, my open to-dos."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from portal import clock
from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.db import get_db
from portal.reminder import status
from portal.reminder import store as reminder_store
from portal.users import names_by_id
from portal.web import system_db

bp = Blueprint("home", __name__)

LATEST_POSTS = 5
OPEN_TODOS = 8


@bp.get("/")
@login_required
def portal():
    """The portal page."""
    today = clock.today()
    posts = bulletin.latest_posts(get_db("bulletin.db"), LATEST_POSTS)
    return render_template(
        "home/portal.html",
        today=today,
        events=scheduler.between(get_db("schedule.db"), current_user.id, today, today),
        posts=posts,
        post_authors=names_by_id(system_db(), {p.author_id for p in posts}),
        todos=todo.open_items(get_db("todo.db"), current_user.id, OPEN_TODOS),
        backup=_backup_portlet(today),
    )


def _backup_portlet(today):
    """Today's backup state for a member while Schedule Data Backup is on, else None."""
    conn = system_db()
    if not reminder_store.get_settings(conn).enabled or not reminder_store.is_member(
        conn, current_user.id
    ):
        return None
    return status.today_status(current_app, conn, current_user.id, today)
