"""System Settings > Data Backup > Open (issue 23): a copy's to-dos, events or posts
against the live data, filtered by person, by kind of difference and by words in the
title; the ones ticked brought back after a confirmation that says what will happen to
each. The copy is proven first, as a restore proves it (portal/bring_back/)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.backup import BackupError
from portal.backup.layout import GENERATIONS, copy_words
from portal.bring_back import service
from portal.bring_back.differences import SHOW, Item, counts
from portal.bring_back.kinds import KINDS
from portal.data_backup_pages.forms import BringBackForm
from portal.users import Someone, people_by_id
from portal.web import current_data_backup, current_instance, get_db

SHOWN = 200  # rows a page shows; a narrower filter finds the rest


def _file(name: str) -> str:
    return name if name in KINDS else abort(404)


def _generation(value: int) -> int:
    return value if 0 <= value <= GENERATIONS else abort(404)


def _people() -> dict[int, Someone]:
    return people_by_id(get_db("system.db"))


def _items(name: str, generation: int) -> list[Item] | None:
    try:
        return service.items(
            current_instance(), current_data_backup(), name, generation, current_user.login
        )
    except BackupError as exc:
        flash(str(exc), "error")
        return None


def open_copy(file: str, generation: int):
    """The copy's items, as filtered; the ones ticked go to the confirmation."""
    name, generation = _file(file), _generation(generation)
    found = _items(name, generation)
    if found is None:
        return redirect(url_for("data_backup.index"))
    people = _people()
    show = request.args.get("show", "differences")
    person = (request.args.get("person") or "").strip().casefold()
    words = (request.args.get("q") or "").strip().casefold()
    chosen = [
        item
        for item in found
        if item.state in SHOW.get(show, SHOW["differences"])
        and (not person or people.get(item.owner_id, ("",))[0].casefold() == person)
        and (not words or words in item.title.casefold())
    ]
    return render_template(
        "data_backup/open_copy.html",
        name=name,
        generation=generation,
        words=copy_words(generation),
        kind=KINDS[name],
        items=chosen[:SHOWN],
        more=max(0, len(chosen) - SHOWN),
        counts=counts(found),
        people=people,
        logins=sorted({someone.login for someone in people.values()}),
        filters={"show": show, "person": person, "q": request.args.get("q", "")},
        form=BringBackForm(formdata=None, file=name, generation=str(generation)),
    )


def _ticked() -> list[int]:
    ids = []
    for value in request.form.getlist("item"):
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            abort(400)
        ids.append(int(value))
    return ids


def confirm(file: str, generation: int):
    """What will happen to each item ticked, and the button that does it."""
    name, generation = _file(file), _generation(generation)
    ids = _ticked()
    back = url_for("data_backup.open_copy", file=name, generation=generation)
    if not ids:
        flash("Tick the items to bring back first.", "error")
        return redirect(back)
    found = _items(name, generation)
    if found is None:
        return redirect(url_for("data_backup.index"))
    by_id = {item.id: item for item in found}
    chosen = [by_id[i] for i in ids if i in by_id]
    return render_template(
        "data_backup/bring_back_confirm.html",
        name=name,
        words=copy_words(generation),
        kind=KINDS[name],
        items=chosen,
        people=_people(),
        form=BringBackForm(formdata=None, file=name, generation=str(generation)),
        back=back,
    )


def bring_back():
    """Confirmed: bring the items back, all or none; each named in the flash."""
    form = BringBackForm()  # CSRFProtect has checked the token of every POST
    name = _file(form.file.data or "")
    generation = _generation(
        int(form.generation.data) if (form.generation.data or "").isdigit() else -1
    )
    ids = _ticked()
    back = url_for("data_backup.open_copy", file=name, generation=generation)
    try:
        done = service.bring_back(
            current_instance(), current_data_backup(), name, generation, ids, current_user.login
        )
    except (BackupError, service.BringBackError) as exc:
        flash(str(exc), "error")
        return redirect(back)
    for brought in done:  # the Backup history has it too (the service's unit of work)
        flash(brought.sentence(), "success")
    return redirect(back)
