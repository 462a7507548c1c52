"""The recovery kit on the Data Backup page (data_backup/recovery_kit.py): the page meant
to be printed or saved, the warning until it was shown, and Make a new key."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from portal.data_backup import offsite_keys, recovery_kit
from portal.forms import ConfirmForm
from portal.offsite import OffsiteError
from portal.web import current_instance, log_event

NEW_KEY = "Make a new key"


def page_context() -> dict:
    """What the Data Backup page says of the kit: the warning until the current key's kit
    was shown, and whether there is a key at all (the link to the kit)."""
    instance = current_instance()
    return {
        "kit_warning": recovery_kit.warning(instance),
        "kit_exists": offsite_keys.load(instance) is not None,
    }


def show_recovery_kit():
    """The kit, to print or save; showing it is written in the Backup history."""
    instance = current_instance()
    try:
        kit = recovery_kit.make(instance)
    except OffsiteError as exc:
        flash(str(exc), "error")
        return redirect(url_for("data_backup.index"))
    recovery_kit.mark_shown(instance, kit)
    log_event("recovery kit shown", f"keys {', '.join(key.id for key in kit.keys)}")
    return render_template(
        "data_backup/recovery_kit.html", kit=kit, new_key_form=ConfirmForm(), new_key=NEW_KEY
    )


def new_key():
    """A new off-site key for the copies from now on; then the kit, to keep again."""
    if not ConfirmForm().validate():
        flash("The form expired; press the button again.", "error")
        return redirect(url_for("data_backup.recovery_kit"))
    try:
        key = offsite_keys.new_key(current_instance())
    except OffsiteError as exc:
        flash(str(exc), "error")
        return redirect(url_for("data_backup.index"))
    log_event("off-site key made", f"key {key.id}")
    flash(
        f"A new off-site key ({key.id}) seals the copies from now on. Keep this new kit: "
        "print it or save it, away from the server.",
        "success",
    )
    return redirect(url_for("data_backup.recovery_kit"))
