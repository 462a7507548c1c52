"""System Settings > Data Backup > Open on a copy of system.db (issue 23): its people
and groups against now; a person removed since is brought back from it, after a
confirmation that says everything that will happen (their account, their group and
Data Backup Group place, their to-dos and events from the newest copies that hold them,
their posts no longer marked removed), with the password they had or a new one. An item
whose owner was removed leads here too ("bring the person back first")."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.backup import BackupError
from portal.bring_back import person, system_copy
from portal.bring_back import person_set_back as person_set_back_mod
from portal.bring_back.bring import BringBackError
from portal.bring_back.copies import CopyRef
from portal.bring_back.differences import CHANGED
from portal.data_backup_pages.copy_pages import (
    anyway_args,
    anyway_field,
    copy_ref,
    opened_anyway,
)
from portal.data_backup_pages.forms import PersonBackForm
from portal.passwords import hash_password
from portal.web import current_data_backup, current_instance, form_status, get_db

SYSTEM = "system.db"


def _copy_page(ref: CopyRef) -> str:
    return url_for("data_backup.open_copy", file=SYSTEM, copy=ref.token, **anyway_args())


def listing(ref: CopyRef):
    return system_copy.people_and_groups(
        current_instance(), current_data_backup(), ref, current_user.login, opened_anyway()
    )


def open_people(ref: CopyRef, people, groups):
    """The copy's people and groups, as filtered (Show: what differs, or all)."""
    show_all = request.args.get("show") == "all"
    counts = {state: sum(p.state == state for p in people) for state in system_copy.STATES}
    return render_template(
        "data_backup/open_people.html",
        name=SYSTEM,
        ref=ref,
        words=ref.words(SYSTEM),
        anyway=opened_anyway(),
        people=[p for p in people if show_all or p.state != "unchanged"],
        groups=[g for g in groups if show_all or g.state != "unchanged"],
        counts=counts,
        show_all=show_all,
        changed=CHANGED,
    )


def _person(ref: CopyRef, user_id: int, state: str):
    """The person of the copy in `state` against now (removed since, changed since);
    404 for anyone else."""
    people, _groups = listing(ref)
    found = next((p for p in people if p.id == user_id), None)
    return found if found is not None and found.state == state else abort(404)


def person_confirm(copy: str, user_id: int, form: PersonBackForm | None = None):
    """Everything that bringing the person back will do, and the button that does it."""
    ref = copy_ref(copy)
    try:
        found = _person(ref, user_id, system_copy.REMOVED)
    except BackupError as exc:
        flash(str(exc), "error")
        return redirect(url_for("data_backup.index"))
    live_groups = {g[0].casefold() for g in get_db(SYSTEM).execute("SELECT name FROM groups")}
    form = form or PersonBackForm(formdata=None, anyway=anyway_field())
    posts = (
        get_db("bulletin.db")
        .execute("SELECT count(*) FROM posts WHERE author_id = ?", (user_id,))
        .fetchone()[0]
    )
    group = found.values["group"]
    return render_template(
        "data_backup/bring_back_person.html",
        person=found,
        words=ref.words(SYSTEM),
        back=_copy_page(ref),
        group_lost=bool(group) and group.casefold() not in live_groups,
        posts=posts,
        form=form,
        action=url_for("data_backup.person_bring_back", copy=ref.token, user_id=user_id),
    ), form_status(form)


def person_bring_back(copy: str, user_id: int):
    """Confirmed: bring the person back; each thing done said in a flash."""
    ref = copy_ref(copy)
    form = PersonBackForm()  # CSRFProtect has checked the token of every POST
    min_length = current_instance().config["PASSWORD_MIN_LENGTH"]
    if problem := form.new_password_problem(min_length):
        form.new_password.errors = [problem]  # shown at the field; the choice is kept
        return person_confirm(copy, user_id, form)
    try:
        found = _person(ref, user_id, system_copy.REMOVED)
        digest = hash_password(form.new_password.data) if form.password.data == "new" else None
        back = person.bring_back_person(
            current_instance(),
            current_data_backup(),
            found.values["login"],
            ref,
            current_user.login,
            digest,
            force=opened_anyway(),
        )
    except (BackupError, BringBackError) as exc:
        flash(str(exc), "error")
        return redirect(_copy_page(ref))
    for sentence in back.sentences():  # the Backup history has it too
        flash(sentence, "success")
    return redirect(_copy_page(ref))


def set_back_confirm(copy: str, user_id: int):
    """What setting the person back to the copy will change, and the button."""
    ref = copy_ref(copy)
    try:
        found = _person(ref, user_id, CHANGED)
    except BackupError as exc:
        flash(str(exc), "error")
        return redirect(url_for("data_backup.index"))
    return render_template(
        "data_backup/set_back_person.html",
        person=found,
        words=ref.words(SYSTEM),
        back=_copy_page(ref),
        anyway=opened_anyway(),
        action=url_for("data_backup.person_set_back", copy=ref.token, user_id=user_id),
    )


def person_set_back(copy: str, user_id: int):
    """Confirmed (a POST; CSRFProtect has checked its token): set the person back."""
    return _carried_out(copy, user_id, person_set_back_mod.set_back_person)


def first_person(user_id: int):
    """From an item whose owner was removed: the newest copy of system.db that holds
    them, where they can be brought back first."""
    ref = person.newest_copy_holding(
        current_instance(), current_data_backup(), user_id, current_user.login
    )
    if ref is None:
        flash(
            "No copy of system.db holds this person any more (they were removed before the "
            "oldest copy was taken), so they cannot be brought back.",
            "error",
        )
        return redirect(url_for("data_backup.index"))
    return redirect(url_for("data_backup.person_confirm", copy=ref.token, user_id=user_id))


def group_bring_back(copy: str, group_id: int):
    """Bring back a group deleted since (a POST; CSRFProtect has checked its token)."""
    return _carried_out(copy, group_id, system_copy.bring_back_group)


def _carried_out(copy: str, row_id: int, action):
    """`action(instance, service, copy, id, who, force)` on the copy's person or group:
    what it says, or why nothing was done, in a flash, back on the copy's page."""
    ref = copy_ref(copy)
    try:
        said = action(
            current_instance(),
            current_data_backup(),
            ref,
            row_id,
            current_user.login,
            opened_anyway(),
        )
    except (BackupError, BringBackError) as exc:
        flash(str(exc), "error")
    else:
        flash(said, "success")
    return redirect(_copy_page(ref))
