"""Scheduler pages: day and week views, add, edit, delete."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import web
from portal.apps import recently_deleted_pages as recently_deleted
from portal.apps.scheduler import store
from portal.apps.scheduler.forms import EventForm
from portal.forms import ConfirmForm, in_calendar_range
from portal.web import form_status, get_db, login_guard

bp = Blueprint("scheduler", __name__, url_prefix="/scheduler")


# Every Scheduler page is personal.
bp.before_request(login_guard)
# My own events deleted since the newest backup (issue 23).
recently_deleted.add_routes(
    bp, recently_deleted.Place("scheduler", "schedule.db", "Scheduler", "events", "scheduler.day")
)


def _db():
    return get_db("schedule.db")


def _requested_day() -> date:
    """The ?date= asked for, or today; a date that cannot be read says so and shows today."""
    text = request.args.get("date", "")
    if text:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None and in_calendar_range(day):
            return day
        flash(f"“{text[:40]}” is not a date the calendar shows; showing today.", "error")
    return web.today()


@bp.get("/")
def day():
    """One day's events."""
    shown = _requested_day()
    events = store.between(_db(), current_user.id, shown, shown)
    return render_template(
        "scheduler/day.html",
        shown=shown,
        events=events,
        today=web.today(),
        prev_day=shown - timedelta(days=1),
        next_day=shown + timedelta(days=1),
    )


@bp.get("/week")
def week():
    """Seven days from the Monday of the requested date."""
    shown = _requested_day()
    monday = shown - timedelta(days=shown.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    events = store.between(_db(), current_user.id, days[0], days[-1])
    by_day = {d: [e for e in events if e.day == d] for d in days}
    return render_template(
        "scheduler/week.html",
        days=days,
        by_day=by_day,
        today=web.today(),
        prev_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add an event."""
    form = EventForm()
    if request.method == "GET":
        form.day.data = _requested_day()
    if form.validate_on_submit():
        data = form.event_data()
        store.add(_db(), current_user.id, data, web.now())
        flash(f"Added “{data.title}” on {data.day:%a %d %b %Y}.", "success")
        return redirect(url_for("scheduler.day", date=data.day.isoformat()))
    return render_template("scheduler/form.html", form=form, event=None), form_status(form)


@bp.route("/<int:event_id>", methods=["GET", "POST"])
def edit(event_id: int):
    """Show and change an event."""
    event = store.get(_db(), event_id, current_user.id) or abort(404)
    form = EventForm(obj=event)
    form.submit.label.text = "Save"
    if form.validate_on_submit():
        data = form.event_data()
        store.update(_db(), event_id, current_user.id, data, web.now())
        flash("Saved.", "success")
        return redirect(url_for("scheduler.day", date=data.day.isoformat()))
    return (
        render_template("scheduler/form.html", form=form, event=event, delete_form=ConfirmForm()),
        form_status(form),
    )


@bp.post("/<int:event_id>/delete")
def delete(event_id: int):
    """Delete an event."""
    event = store.get(_db(), event_id, current_user.id) or abort(404)
    store.delete(_db(), event_id, current_user.id)
    flash(f"Deleted “{event.title}”.", "success")
    return redirect(url_for("scheduler.day", date=event.day.isoformat()))
