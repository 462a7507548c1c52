"""Schedule Data Backup: the Data Backup Group, the Schedule Data Backup switch and the
reminder window, edited the manual's way (Group pull-down, click users, Add, tick the
box, Save). Nothing is stored until Save; then it takes effect at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from portal import web
from portal.nightly import store as nightly
from portal.notify import send_test
from portal.notify import settings as notify_settings
from portal.reminder import group, store
from portal.settings import mail_settings
from portal.settings.forms import MailForm, ScheduleBackupForm
from portal.users import list_groups, list_users
from portal.web import current_instance, form_status, get_db, log_event, row_id


def _ids(text: str | None) -> list[int]:
    ids = [row_id(part) for part in (text or "").split(",")]
    return [i for i in ids if i is not None]


def schedule_backup():
    """Pick users by group, Add them, tick Schedule Data Backup, Save."""
    conn = get_db("system.db")
    everyone = {user.id: user for user in list_users(conn)}
    form = ScheduleBackupForm()
    if request.method == "GET":
        _fill(form, conn)
        return _page(form, conn, everyone, [u.id for u in store.members(conn)], pending=False)
    # CSRFProtect has checked the token of every POST before it gets here; Add and Remove
    # only edit the list on the page, Save needs the whole form to be valid.
    members = [i for i in _ids(form.members.data) if i in everyone]
    action = request.form.get("action")
    if action == "add":
        members = group.with_added(members, map(row_id, form.candidates.data), set(everyone))
    elif action == "remove":
        members = group.without(members, map(row_id, form.selected_members.data))
    elif action == "save" and form.validate():
        _save(conn, members, form)
        flash("Saved. The Data Backup Group and the reminder are updated.", "success")
        return redirect(url_for("settings.schedule_backup"))
    return _page(form, conn, everyone, members, pending=action in ("add", "remove"))


def _fill(form: ScheduleBackupForm, conn) -> None:
    """The form as stored: the switch and window, the automatic backup."""
    settings = store.get_settings(conn)
    form.enabled.data, form.start.data, form.end.data = (
        settings.enabled,
        settings.start,
        settings.end,
    )
    automatic = nightly.get_setting(conn)
    form.automatic.data, form.automatic_at.data = automatic.enabled, automatic.at


def show(mail_form: MailForm | None = None):
    """The page as stored, with the mail form as typed (after a mail form error)."""
    conn = get_db("system.db")
    everyone = {user.id: user for user in list_users(conn)}
    form = ScheduleBackupForm(formdata=None)
    _fill(form, conn)
    members = [u.id for u in store.members(conn)]
    return _page(form, conn, everyone, members, pending=False, mail_form=mail_form)[0]


def _page(
    form: ScheduleBackupForm,
    conn,
    everyone: dict,
    members: list[int],
    pending: bool,
    mail_form: MailForm | None = None,
):
    """The page with the group's users offered and the list being edited."""
    group_id = row_id(form.group.data)
    groups = list_groups(conn)
    form.group.choices = [("", "(Everyone)")] + [(str(g.id), g.name) for g in groups]
    shown = [u for u in everyone.values() if group_id is None or u.group_id == group_id]
    form.candidates.choices = [(str(u.id), u.name) for u in shown if u.id not in members]
    form.selected_members.choices = [(str(i), everyone[i].name) for i in members]
    form.members.data = ",".join(map(str, members))
    # Both lists as tall as the longer needs, up to LIST_ROWS_MAX names without scrolling.
    longest = max(len(form.candidates.choices), len(form.selected_members.choices))
    rows = min(max(longest, LIST_ROWS_MIN), LIST_ROWS_MAX)
    return (
        render_template(
            "settings/schedule_backup.html",
            form=form,
            pending=pending,
            rows=rows,
            mail_form=mail_form or mail_settings.stored_form(conn),
        ),
        form_status(form),
    )


LIST_ROWS_MIN, LIST_ROWS_MAX = 8, 15


def _save(conn, members: list[int], form: ScheduleBackupForm) -> None:
    group.replace(conn, members, web.now())
    settings = store.ReminderSettings(bool(form.enabled.data), form.start.data, form.end.data)
    store.save_settings(conn, settings, web.now())
    automatic = nightly.AutomaticSetting(
        bool(form.automatic.data), form.automatic_at.data or nightly.SUGGESTED_TIME
    )
    nightly.save_setting(conn, automatic, web.now())
    names = ", ".join(u.login for u in store.members(conn)) or "nobody"
    log_event(
        "backup schedule saved",
        f"Schedule Data Backup {'on' if settings.enabled else 'off'}, "
        f"{settings.start:%H:%M} to {settings.end:%H:%M}; Data Backup Group: {names}; "
        f"automatic backup {f'at {automatic.at:%H:%M}' if automatic.enabled else 'off'}",
    )


def schedule_backup_mail():
    """Save the mail settings, or send a test notice with them as typed."""
    form = MailForm()
    conn = get_db("system.db")
    if not form.validate():
        return show(mail_form=form), 400
    typed, retype = mail_settings.typed(form, conn)
    if retype:
        form.password.errors = [mail_settings.RETYPE]
        return show(mail_form=form), 400
    if form.send_test.data:
        if missing := mail_settings.missing(typed):  # said at each field
            for name, words in missing.items():
                getattr(form, name).errors = [words]
            return show(mail_form=form), 400
        failed = send_test(current_instance(), typed)
        for failure in failed:  # each at the field it concerns
            field = mail_settings.failure_field(form, failure.channel)
            field.errors = [*field.errors, f"The test was not sent: {failure}"]
        if failed:
            return show(mail_form=form), 400
        flash(
            f"A test email was sent to {', '.join(typed.recipients) or 'the webhook'}. "
            "Press Apply mail settings to keep them.",
            "success",
        )
        return show(mail_form=form)
    # An empty field keeps the stored password only where it may be used (same server,
    # port and user name: mail_settings.typed); elsewhere it is dropped.
    notify_settings.save(conn, typed, keep_password=bool(not form.password.data and typed.password))
    who = ", ".join(typed.recipients) or "nobody"
    log_event("mail settings saved", f"server {typed.server or '(none)'}; notices to {who}")
    flash("Saved. Notices go to " + who + ".", "success")
    return redirect(url_for("settings.schedule_backup"))
