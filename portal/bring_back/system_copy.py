"""What a copy of system.db holds against now (issue 23, item 2): its people and groups,
each removed since (in the copy, not live), changed since (the fields that differ: login,
name, group, Data Backup Group membership) or unchanged. A person removed since is
brought back on their own (person.py), a group deleted since here (`bring_back_group`,
before its people: they come back into it); the passwords are never shown nor compared
as text, only whether one was changed."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace

from portal.bring_back.bring import BringBackError
from portal.bring_back.copies import CopyRef, opened
from portal.bring_back.differences import CHANGED, UNCHANGED
from portal.data_backup.service import DataBackup
from portal.db import open_data_file, transaction
from portal.instance import Instance
from portal.unit_of_work import UnitOfWork

REMOVED = "removed since"
STATES = (REMOVED, CHANGED, UNCHANGED)

PEOPLE = (
    "SELECT u.id, u.created_at, u.login, u.name, g.name,"
    " m.user_id IS NOT NULL, u.password_hash"
    " FROM users u LEFT JOIN groups g ON g.id = u.group_id"
    " LEFT JOIN backup_group_members m ON m.user_id = u.id"
)
GROUPS = "SELECT id, created_at, name FROM groups"
COMPARED = ("login", "name", "group", "in Data Backup Group", "password")


@dataclass(frozen=True)
class Entry:
    """One person or group of the copy, against the live one with its id."""

    id: int
    values: dict
    state: str
    live: dict | None = None
    changed: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.values.get("name", "")


def _people(conn: sqlite3.Connection) -> dict[int, tuple[str, dict]]:
    return {
        row[0]: (row[1], dict(zip(COMPARED, (*row[2:5], bool(row[5]), row[6]), strict=True)))
        for row in conn.execute(PEOPLE)
    }


def _groups(conn: sqlite3.Connection) -> dict[int, tuple[str, dict]]:
    return {row[0]: (row[1], {"name": row[2]}) for row in conn.execute(GROUPS)}


def _compare(in_copy: dict, in_live: dict) -> list[Entry]:
    entries = []
    for key, (created, values) in in_copy.items():
        live = in_live.get(key)
        if live is None or live[0] != created:  # an id given again is another person
            entries.append(Entry(key, values, REMOVED))
            continue
        changed = tuple(f for f in values if values[f] != live[1][f])
        entries.append(Entry(key, values, CHANGED if changed else UNCHANGED, live[1], changed))
    return sorted(entries, key=lambda e: (STATES.index(e.state), e.label.casefold()))


def people_and_groups(
    instance: Instance, service: DataBackup, ref: CopyRef, who: str, force: bool = False
) -> tuple[list[Entry], list[Entry]]:
    """The copy's people and groups, each marked against the live system.db."""
    with (
        opened(instance, service, "system.db", ref, who, force=force) as copy,
        open_data_file("system.db", instance) as live,
    ):
        people = _compare(_people(copy), _people(live))
        groups = _compare(_groups(copy), _groups(live))
    return [_without_hash(person) for person in people], groups


def _without_hash(person: Entry) -> Entry:
    """The person as the page shows them: a password changed since is said, its hash
    goes no further than this module."""
    values = {**person.values, "password": ""}
    live = None if person.live is None else {**person.live, "password": ""}
    return replace(person, values=values, live=live)


def bring_back_group(
    instance: Instance,
    service: DataBackup,
    ref: CopyRef,
    group_id: int,
    who: str,
    force: bool = False,
) -> str:
    """Bring back the group `group_id` of the copy, deleted since: its name, under its
    old id if free (else a new one). Nobody is put in it here: its people come back into
    it when they are brought back. A BringBackError when the copy has no such group, it
    is live, or another group has its name now. What was done, in a sentence."""
    with opened(instance, service, "system.db", ref, who, force=force) as copy:
        found = copy.execute(GROUPS + " WHERE id = ?", (group_id,)).fetchone()
    if found is None:
        raise BringBackError("The copy has no such group; nothing was brought back.")
    _id, created_at, name = found
    with open_data_file("system.db", instance) as live, transaction(live):
        if live.execute("SELECT 1 FROM groups WHERE name = ?", (name,)).fetchone():
            raise BringBackError(f"A group named {name!r} exists now; nothing was brought back.")
        free = live.execute("SELECT 1 FROM groups WHERE id = ?", (group_id,)).fetchone() is None
        live.execute(
            "INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)",
            (group_id if free else None, name, created_at),
        )
    said = f"The group {name} is back; its people come back into it when they are brought back."
    with UnitOfWork.of(instance) as unit:
        unit.audit("group brought back", who, f"from {ref.words('system.db')}: {said}")
    return said
