"""Schedule Data Backup: the Data Backup Group, the Schedule Data Backup switch and the
reminder window, edited the manual's way (Group pull-down, click users, Add, tick the
box, Save). Nothing is stored until Save; then it takes effect at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from portal import clock
from portal.nightly import store as nightly
from portal.reminder import store
from portal.settings.blueprint import bp
from portal.settings.forms import ScheduleBackupForm
from portal.users import list_groups, list_users
from portal.web import form_status, log_event, row_id, system_db


def _ids(text: str | None) -> list[int]:
    ids = [row_id(part) for part in (text or "").split(",")]
    return [i for i in ids if i is not None]


@bp.route("/schedule-backup", methods=["GET", "POST"])
def schedule_backup():
    """Pick users by group, Add them, tick Schedule Data Backup, Save."""
    conn = system_db()
    everyone = {user.id: user for user in list_users(conn)}
    form = ScheduleBackupForm()
    if request.method == "GET":
        settings = store.get_settings(conn)
        form.enabled.data, form.start.data, form.end.data = (
            settings.enabled,
            settings.start,
            settings.end,
        )
        automatic = nightly.get_setting(conn)
        form.automatic.data, form.automatic_at.data = automatic.enabled, automatic.at
        members = [u.id for u in store.members(conn)]
    else:
        members = [i for i in _ids(form.members.data) if i in everyone]
    group_id = row_id(form.group.data)

    action = request.form.get("action")
    saved = False
    # CSRFProtect has checked the token of every POST before it gets here; Add and Remove
    # only edit the list on the page, Save needs the whole form to be valid.
    if request.method == "POST":
        if action == "add":
            picked = [i for i in map(row_id, form.candidates.data) if i in everyone]
            members += [i for i in picked if i not in members]
        elif action == "remove":
            dropped = set(map(row_id, form.selected_members.data))
            members = [i for i in members if i not in dropped]
        elif action == "save" and form.validate():
            _save(conn, members, form)
            saved = True
    if saved:
        flash("Saved. The Data Backup Group and the reminder are updated.", "success")
        return redirect(url_for("settings.schedule_backup"))

    groups = list_groups(conn)
    form.group.choices = [("", "(Everyone)")] + [(str(g.id), g.name) for g in groups]
    shown = [u for u in everyone.values() if group_id is None or u.group_id == group_id]
    form.candidates.choices = [(str(u.id), u.name) for u in shown if u.id not in members]
    form.selected_members.choices = [(str(i), everyone[i].name) for i in members]
    form.members.data = ",".join(map(str, members))
    pending = request.method == "POST" and action in ("add", "remove")
    # Both lists as tall as the longer needs, up to LIST_ROWS_MAX names without scrolling.
    longest = max(len(form.candidates.choices), len(form.selected_members.choices))
    rows = min(max(longest, LIST_ROWS_MIN), LIST_ROWS_MAX)
    return (
        render_template("settings/schedule_backup.html", form=form, pending=pending, rows=rows),
        form_status(form),
    )


LIST_ROWS_MIN, LIST_ROWS_MAX = 8, 15


def _save(conn, members: list[int], form: ScheduleBackupForm) -> None:
    before = {u.id for u in store.members(conn)}
    after = set(members)
    store.remove_members(conn, sorted(before - after))
    store.add_members(conn, sorted(after - before), clock.now())
    settings = store.ReminderSettings(bool(form.enabled.data), form.start.data, form.end.data)
    store.save_settings(conn, settings)
    automatic = nightly.AutomaticSetting(
        bool(form.automatic.data), form.automatic_at.data or nightly.SUGGESTED_TIME
    )
    nightly.save_setting(conn, automatic)
    names = ", ".join(u.login for u in store.members(conn)) or "nobody"
    log_event(
        "backup schedule saved",
        f"Schedule Data Backup {'on' if settings.enabled else 'off'}, "
        f"{settings.start:%H:%M} to {settings.end:%H:%M}; Data Backup Group: {names}; "
        f"automatic backup {f'at {automatic.at:%H:%M}' if automatic.enabled else 'off'}",
    )
