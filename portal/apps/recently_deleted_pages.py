"""A member's Recently deleted on the To-Do List and the Scheduler (issue 23, item 5):
their own items deleted since the newest backup, each with Bring back. Each app's
blueprint adds the two routes (`add_routes`) under its own URL prefix; the work is done
by the members' Recently deleted that create_app built (portal/bring_back/
recently_deleted.py), reached through portal/web.py."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import web
from portal.backup.errors import BackupError, NoCopy, RestoreError
from portal.forms import ConfirmForm


@dataclass(frozen=True)
class Place:
    """Where an app keeps its Recently deleted: its data file and its words."""

    blueprint: str  # "todo"
    file: str  # "todo.db"
    page: str  # the app's page, as the header names it: "To-Do List"
    items: str  # what its items are called: "to-dos"
    home: str  # the endpoint of the app's page: "todo.index"


def available() -> bool:
    """Whether the administrator lets members bring back their own (the pages' link)."""
    return web.recently_deleted().on(web.get_db("system.db"))


def add_routes(bp: Blueprint, place: Place) -> None:
    """/<prefix>/recently-deleted (the list) and /<prefix>/recently-deleted/<id> (Bring back)."""

    def recently_deleted():
        """My own items deleted since the newest backup."""
        service = web.recently_deleted()
        found, problem = [], ""
        if not available():
            problem = "Your administrator has switched Recently deleted off."
        else:
            try:
                found = service.items(place.file, current_user.id, current_user.login)
            except BackupError as exc:
                problem = _in_words(place, exc)
            except sqlite3.Error:  # the live file busy past the timeout, or unreadable
                problem = f"Your {place.items} cannot be read just now. Try again in a minute."
        return render_template(
            "recently_deleted.html",
            place=place,
            items=found,
            problem=problem,
            form=ConfirmForm(),
        )

    def bring_back(item_id: int):
        """Bring one of my deleted items back, as it was in the newest backup."""
        service = web.recently_deleted()
        back = url_for(f"{place.blueprint}.recently_deleted")
        if not available():
            flash("Your administrator has switched Recently deleted off.", "error")
            return redirect(back)
        try:
            done = service.bring_back(place.file, current_user.id, item_id, current_user.login)
        except BackupError as exc:
            flash(_in_words(place, exc), "error")
            return redirect(back)
        except sqlite3.Error:
            flash(f"Your {place.items} cannot be written just now. Try again in a minute.", "error")
            return redirect(back)
        except ValueError as exc:  # a BringBackError: not theirs, not there, already back
            flash(str(exc), "error")
            return redirect(back)
        flash(f"“{done.title}” is back on your {place.page}.", "success")
        return redirect(url_for(place.home))

    # The app's pages show the link only while the administrator lets members use it.
    bp.context_processor(lambda: {"recently_deleted_available": available})
    bp.add_url_rule("/recently-deleted", "recently_deleted", recently_deleted, methods=["GET"])
    bp.add_url_rule("/recently-deleted/<int:item_id>", "bring_back", bring_back, methods=["POST"])


def _in_words(place: Place, exc: BackupError) -> str:
    """What a member is told when the newest backup cannot be read: never the copy's
    path nor its checks (those are the administrator's, on the Data Backup page)."""
    if isinstance(exc, NoCopy):
        return f"There is no backup of your {place.items} yet, so there is nothing to bring back."
    if not isinstance(exc, RestoreError):  # a backup is running and holds the copies
        return "A backup is running just now. Try again in a minute."
    return (
        f"Your deleted {place.items} cannot be read from the newest backup just now. "
        "Your administrator can see why on the Data Backup page."
    )
