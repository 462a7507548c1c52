"""The portal page (/): today's schedule, the latest bulletin posts, my open to-dos."""

from __future__ import annotations

import sqlite3

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from portal import data_health, web
from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.data_backup import offsite, status
from portal.nightly import watch
from portal.reminder import hook
from portal.users import names_by_id
from portal.web import current_data_backup, current_instance, get_db

bp = Blueprint("home", __name__)

LATEST_POSTS = 5
OPEN_TODOS = 8


@bp.get("/")
@login_required
def portal():
    """The portal page. A portlet whose data file is missing or damaged says so; the
    others, and the Data Backup portlet that tells members about it, still show."""
    today = web.today()
    posts = _portlet("bulletin.db", lambda db: bulletin.latest_posts(db, LATEST_POSTS))
    return render_template(
        "home/portal.html",
        today=today,
        events=_portlet(
            "schedule.db", lambda db: scheduler.between(db, current_user.id, today, today)
        ),
        posts=posts,
        post_authors=names_by_id(get_db("system.db"), {p.author_id for p in posts or ()}),
        todos=_portlet("todo.db", lambda db: todo.open_items(db, current_user.id, OPEN_TODOS)),
        backup=_backup_portlet(today),
        admin_backup=_admin_portlet(),
    )


UNAVAILABLE = None  # what a portlet gets when its data file cannot be read


def _portlet(name: str, read):
    """A portlet's rows, or UNAVAILABLE when its data file is missing or damaged (asked
    only after a failure: the portal page is the busiest page)."""
    try:
        return read(get_db(name))
    except sqlite3.DatabaseError:
        if name in data_health.problems(current_instance()):
            return UNAVAILABLE
        raise


def _admin_portlet() -> dict | None:
    """For the administrator: an automatic backup that did not run an hour after its
    time, and how the off-site copy stands (read from system.db: the portal page never
    touches the share). None when there is nothing to show."""
    if not current_user.is_admin:
        return None
    conn = get_db("system.db")
    state = offsite.status(conn, current_instance())
    missed = [
        m.sentence(current_instance().clock.zone) for m in watch.missed(current_instance(), conn)
    ]
    if not missed and not state.folder:
        return None
    return {"missed": missed, "offsite": state if state.folder else None}


def _backup_portlet(today):
    """Today's backup state for a member while Schedule Data Backup is on, else None."""
    state = hook.todays_state()
    if not state.enabled or not state.member:
        return None
    return status.today_status(current_data_backup(), get_db("system.db"), current_user.id, today)
