"""System Settings > Data Backup > Open (issue 23): a copy's to-dos, events or posts
against the live data, filtered by person, by kind of difference and by words in the
title; the ones ticked brought back after a confirmation that says what will happen to
each. The copy is proven first, as a restore proves it (portal/bring_back/)."""

from __future__ import annotations

import sqlite3

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.backup import BackupError
from portal.backup.errors import UnprovenCopy
from portal.bring_back import listing, recently_deleted, service
from portal.bring_back.copies import CopyRef
from portal.bring_back.differences import SHOW
from portal.bring_back.kinds import KINDS
from portal.data_backup_pages import people_copy_page
from portal.data_backup_pages.copy_pages import (
    anyway_args,
    anyway_field,
    copy_ref,
    opened_anyway,
)
from portal.data_backup_pages.forms import BringBackForm, MembersBringBackForm
from portal.users import Someone, people_by_id
from portal.web import current_data_backup, current_instance, get_db, now

MEMBERS_PREFIX = "members"  # its fields' ids, apart from the page's other forms
SHOWN = 50  # items a page shows, as the To-Do List; Show more gives the next


def _file(name: str) -> str:
    return name if name in KINDS else abort(404)


# The data files whose copies have Open: those of items, and system.db's people.
OPENABLE = (*KINDS, people_copy_page.SYSTEM)


def _people() -> dict[int, Someone]:
    return people_by_id(get_db("system.db"))


def _items(name: str, ref: CopyRef, ids: list[int] | None = None, filters=None):
    """The copy's items `ids`, or the page `filters` choose (a listing.Page); the refusal
    itself for a copy that cannot be proven (the page then asks "Open anyway"); None,
    said in a flash, for any other refusal."""
    who, instance, data_backup = current_user.login, current_instance(), current_data_backup()
    try:
        if filters is not None:
            live = get_db(name)  # the thread's kept connection: what differs is kept by it
            return service.page(
                instance, data_backup, name, ref, who, filters, opened_anyway(), live
            )
        return service.items(instance, data_backup, name, ref, who, opened_anyway(), ids)
    except UnprovenCopy as exc:
        return exc
    except BackupError as exc:
        flash(str(exc), "error")
        return None
    except sqlite3.Error as exc:  # the live file, busy past the timeout or unreadable
        flash(f"The live {name} cannot be read just now ({exc}); try again.", "error")
        return None


def _unproven(name: str, ref: CopyRef, exc: UnprovenCopy):
    """The "Open anyway" question, as a restore asks "Restore anyway" (issue 23)."""
    return render_template(
        "data_backup/open_anyway.html",
        name=name,
        words=ref.words(name),
        reason=exc.reason,
        anyway=url_for("data_backup.open_copy", file=name, copy=ref.token, anyway="1"),
    )


def _open_people(ref: CopyRef):
    """A copy of system.db: its people and groups (people_copy_page.py)."""
    try:
        people, groups = people_copy_page.listing(ref)
    except UnprovenCopy as exc:
        return _unproven(people_copy_page.SYSTEM, ref, exc)
    except BackupError as exc:
        flash(str(exc), "error")
        return redirect(url_for("data_backup.index"))
    return people_copy_page.open_people(ref, people, groups)


def open_copy(file: str, copy: str):
    """A page of the copy's items, as filtered; the ones ticked go to the confirmation."""
    if file == people_copy_page.SYSTEM:
        return _open_people(copy_ref(copy))
    name, ref = _file(file), copy_ref(copy)
    people = _people()
    show = request.args.get("show", "differences")
    show = show if show in SHOW else "differences"
    person = (request.args.get("person") or "").strip().casefold()
    words = (request.args.get("q") or "").strip().casefold()
    owners = {i for i, someone in people.items() if someone.login.casefold() == person}
    filters = listing.Filters(
        show,
        frozenset(owners) if person else None,
        words,
        listing.parse_key(request.args.get("after")),
        SHOWN,
    )
    found = _items(name, ref, filters=filters)
    if found is None:
        return redirect(url_for("data_backup.index"))
    if isinstance(found, UnprovenCopy):
        return _unproven(name, ref, found)
    shown = {"show": show, "person": person, "q": request.args.get("q", "")[:200]}
    return render_template(
        "data_backup/open_copy.html",
        name=name,
        ref=ref,
        words=ref.words(name),
        anyway=opened_anyway(),
        kind=KINDS[name],
        items=found.items,
        whose=_whose(found.items, people),
        more=found.more
        and url_for(
            "data_backup.open_copy",
            file=name,
            copy=ref.token,
            after=found.more,
            **shown,
            **anyway_args(),
        ),
        continued=filters.after is not None,
        counts=found.counts,
        people=people,
        logins=sorted({someone.login for someone in people.values()}),
        filters=shown,
        form=BringBackForm(formdata=None, file=name, copy=ref.token, anyway=anyway_field()),
    )


def _whose(items, people: dict[int, Someone]) -> dict[int, tuple[str, bool]]:
    """Each shown item's owner, by name, and whether they are gone (removed, or never
    known): the page offers to bring them back first."""
    whose = {}
    for item in items:
        someone = people.get(item.owner_id)
        gone = someone is None or someone.removed
        whose[item.owner_id] = (someone.name if someone else f"user {item.owner_id}", gone)
    return whose


def _ticked() -> list[int]:
    ids = []
    for value in request.form.getlist("item"):
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            abort(400)
        ids.append(int(value))
    return ids


def _back(name: str, ref: CopyRef) -> str:
    """The opened copy's page (opened anyway again, when it was)."""
    return url_for("data_backup.open_copy", file=name, copy=ref.token, **anyway_args())


def confirm(file: str, copy: str):
    """What will happen to each item ticked, and the button that does it."""
    name, ref = _file(file), copy_ref(copy)
    ids = _ticked()
    back = _back(name, ref)
    if not ids:
        flash("Tick the items to bring back first.", "error")
        return redirect(back)
    chosen = _items(name, ref, ids)
    if chosen is None:
        return redirect(url_for("data_backup.index"))
    if isinstance(chosen, UnprovenCopy):
        return _unproven(name, ref, chosen)
    return render_template(
        "data_backup/bring_back_confirm.html",
        name=name,
        words=ref.words(name),
        anyway=opened_anyway(),
        kind=KINDS[name],
        items=chosen,
        people=(people := _people()),
        live_owners={user_id for user_id, someone in people.items() if not someone.removed},
        form=BringBackForm(formdata=None, file=name, copy=ref.token, anyway=anyway_field()),
        back=back,
    )


def bring_back():
    """Confirmed: bring the items back, all or none; each named in the flash."""
    form = BringBackForm()  # CSRFProtect has checked the token of every POST
    name, ref = _file(form.file.data or ""), copy_ref(form.copy.data or "")
    ids = _ticked()
    back = _back(name, ref)
    try:
        done = service.bring_back(
            current_instance(),
            current_data_backup(),
            name,
            ref,
            ids,
            current_user.login,
            force=opened_anyway(),
        )
    except (BackupError, service.BringBackError) as exc:
        flash(str(exc), "error")
        return redirect(back)
    for brought in done:  # the Backup history has it too (the service's unit of work)
        flash(brought.sentence(), "success")
    return redirect(back)


def members_form() -> MembersBringBackForm:
    """The switch of members' Recently deleted, as it stands (for the Data Backup page)."""
    on = recently_deleted.members_may(current_instance(), get_db("system.db"))
    return MembersBringBackForm(formdata=None, on=on, prefix=MEMBERS_PREFIX)


def members_switch():
    """Save the switch of members' Recently deleted (the Backup history records it)."""
    # CSRFProtect has checked the token of every POST.
    form = MembersBringBackForm(prefix=MEMBERS_PREFIX)
    on = bool(form.on.data)
    recently_deleted.set_switch(current_instance(), on, current_user.login, now())
    flash(
        "Members can now bring back their own deleted to-dos and events (Recently deleted)."
        if on
        else "Recently deleted is off: members no longer see it; you still can, with Open.",
        "success",
    )
    return redirect(url_for("data_backup.index", _anchor="bring-back-heading"))
