"""The off-site copy as the Data Backup page shows it: how the last copies went, the
off-site days, and restoring one file from a day behind the same confirmation screen as
a local restore (settings_page.py's routes use it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from portal.backup import BackupError
from portal.backup.errors import UnprovenCopy
from portal.data_backup import offsite, offsite_folder, restore_words
from portal.notify import notices
from portal.offsite import OffsiteError
from portal.web import current_data_backup, current_instance, get_db

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def offsite_day(value: str | None) -> date:
    """A day from the request ('2026-11-27'), or 404."""
    if not value or not _DAY.match(value):
        abort(404)
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(404)


@dataclass(frozen=True)
class OffsiteCopy:
    """An off-site copy as the confirmation screen shows it."""

    day: date
    name: str
    taken_at: datetime
    taken_by: str
    size: int
    recorded: bool = True

    @property
    def words(self) -> str:
        return f"the off-site copy of {self.day.isoformat()}"


def page_context() -> dict:
    """What the Data Backup page shows of the off-site copy."""
    conn = get_db("system.db")
    state = offsite.status(conn, current_instance())
    days, problem, strays = [], None, []
    if state.folder:
        target = offsite_folder.folder_at(state.folder, current_instance())
        try:  # a share that does not answer is said so, never waited for
            survey = target.within_limit(target.checked_survey)
            days, strays = list(reversed(survey.days)), survey.strays
        except OffsiteError as exc:
            problem = str(exc)
    return {
        "offsite": state,
        "offsite_days": days,
        "offsite_problem": problem,
        "offsite_strays": strays,
        "notice_error": notices.last_error(conn),
    }


def confirm_copy(name: str, day: date) -> OffsiteCopy:
    """The off-site copy to confirm, or 404 when that day has no complete copy of it."""
    target = offsite_folder.folder(current_instance())
    if target is None:
        abort(404)
    try:
        item = target.within_limit(lambda: target.day(day).manifest.item(name))
    except OffsiteError as exc:
        abort(404, str(exc))
    if item is None:
        abort(404, f"The off-site copy of {day} has no {name}.")
    return OffsiteCopy(day, name, item.taken_at, item.taken_by, item.size)


def restore_from_offsite(name: str, day: date):
    """Restore from off site (the confirmation screen's POST)."""
    try:
        result = current_data_backup().restore(
            name, 0, current_user.login, user_id=current_user.id, offsite_day=day
        )
    except UnprovenCopy as exc:
        flash(f"The off-site copy of {name} of {day} {exc.reason}; it was not restored.", "error")
    except BackupError as exc:
        flash(str(exc), "error")
    else:
        flash(
            restore_words.restored(result, current_instance().clock.zone, offsite_day=day),
            "success",
        )
    return redirect(url_for("data_backup.index"))
