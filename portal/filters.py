"""What the templates get besides their own variables: filters for times, sizes, people and
copies; the operator command for this instance."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from flask import Flask, g, url_for

from portal.backup.layout import copy_label, copy_name, copy_words
from portal.clock import format_datetime
from portal.users import names_by_login
from portal.web import current_instance, get_db, instance_of


def local_datetime(moment: datetime | str | None) -> str:
    """A stored UTC time (or its ISO text) as the portal's local date and time, e.g.
    '27 Nov 2026 14:05'."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    return format_datetime(moment, current_instance().clock.zone)


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as the portal's local time of day, e.g. '14:05'."""
    if moment is None:
        return ""
    return moment.astimezone(current_instance().clock.zone).strftime("%H:%M")


def filesize(size: int) -> str:
    """Bytes in a readable unit: '512 bytes', '1.5 MB'."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def count(number: int, word: str, plural: str | None = None) -> str:
    """A number with its noun: '1 file', '2 files', '1 copy', '3 copies' (give irregular
    plurals). Never 'file(s)'."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def person(who: str | None) -> str:
    """Who did something, by full name: the audit log, the ledger and the day's record
    keep the login (it never changes meaning), the pages show the name. What is not a
    login ('command line', 'automatic backup') is shown as it is."""
    if not who:
        return ""
    names = g.get("portal_names")
    if names is None:
        try:
            names = names_by_login(get_db("system.db"))
        except sqlite3.Error:
            names = {}  # system.db missing or damaged: the pages say so; show logins
        g.portal_names = names
    return names.get(who.casefold(), who)


class RowUrl:
    """The URL of one endpoint for many rows, built once (a list page of 50 rows called
    url_for 150 times, a fifth of its time): row_url("todo.edit", "todo_id")(42)."""

    _MARK = 9_081_726_354  # an id no row has: where the row's id goes in the built URL

    def __init__(self, endpoint: str, key: str, **values):
        built = url_for(endpoint, **{key: self._MARK}, **values)
        self.before, _, self.after = built.partition(str(self._MARK))

    def __call__(self, row_id: int) -> str:
        return f"{self.before}{int(row_id)}{self.after}"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    app.add_template_filter(filesize)
    app.add_template_filter(count)
    app.add_template_filter(person)
    app.add_template_global(RowUrl, "row_url")
    for name_a_copy in (copy_name, copy_label, copy_words):  # portal/backup/layout.py
        app.add_template_filter(name_a_copy)
    # The operator commands a page names, written for this instance (see flask_command).
    app.add_template_global(
        lambda arguments: instance_of(app).command(arguments), "operator_command"
    )
