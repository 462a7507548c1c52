"""The Data Backup page's part in a clock that was once far ahead (data_backup/
clock_mistake.py): what it sees, and the button that says the later date was a mistake."""

from __future__ import annotations

from flask import flash, redirect, url_for

from portal import web
from portal.backup import BackupEngine
from portal.backup.state import State
from portal.data_backup import clock_mistake, offsite_folder
from portal.forms import ConfirmForm
from portal.web import current_data_backup, current_instance, log_event

# The button's label, also named by the command line's hint.
BUTTON = "The later date was a mistake"


def page_context(engine: BackupEngine, state: State | None, offsite_days: list) -> dict:
    """The sentence saying which later dates copies carry ('' when none), and the form,
    from what the Data Backup page already read (the backup folder's `state`, None when
    it cannot be read, and the off-site days): nothing is read twice."""
    today = web.today()
    days = clock_mistake.dates_after(
        today, state, (d.day for d in offsite_days), engine.mistaken_days
    )
    sentence = clock_mistake.sentence(days, today) if days else ""
    return {"later_dates": sentence, "clock_form": ConfirmForm(), "clock_button": BUTTON}


def say_clock_mistake():
    """Say that the later dates copies carry were a clock's mistake."""
    if not ConfirmForm().validate():
        flash("The form expired; press the button again.", "error")
        return redirect(url_for("data_backup.index"))
    instance = current_instance()
    days = clock_mistake.declare(
        instance, current_data_backup().engine(), offsite_folder.folder(instance)
    )
    if not days:
        flash("No copy is dated after today: there was nothing to do.", "info")
    else:
        said = ", ".join(d.isoformat() for d in days)
        log_event("clock mistake", f"dates said to be a mistake: {said}")
        flash(clock_mistake.DONE.format(days=said, today=web.today().isoformat()), "success")
    return redirect(url_for("data_backup.index"))
