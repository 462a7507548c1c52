"""The Data Backup Group: who is reminded. Schedule Data Backup edits it as a list on
the page until Save (with_added, without, replace); `flask --app portal backup-group
add/remove` change it at once and say what was already so (add, remove)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from portal.reminder import store
from portal.users import User


def with_added(members: list[int], picked: Iterable[int | None], known: set[int]) -> list[int]:
    """The list with the picked people added at its end (unknown ids and people already
    in it are left out)."""
    result = list(members)
    for person in picked:
        if person in known and person not in result:
            result.append(person)
    return result


def without(members: list[int], dropped: Iterable[int | None]) -> list[int]:
    """The list without the dropped people."""
    gone = set(dropped)
    return [person for person in members if person not in gone]


def replace(conn: sqlite3.Connection, members: list[int], now: datetime) -> None:
    """Make the stored group exactly `members` (those who stay keep their date added)."""
    before = {user.id for user in store.members(conn)}
    after = set(members)
    store.remove_members(conn, sorted(before - after))
    store.add_members(conn, sorted(after - before), now)


@dataclass(frozen=True)
class Change:
    """What a command did: the people changed, and those for whom it was already so."""

    changed: list[User]
    already: list[User]


def add(conn: sqlite3.Connection, users: list[User], now: datetime) -> Change:
    """Put people in the group; those already in it are named, not an error."""
    already, new = _split_by_membership(conn, users)
    store.add_members(conn, [u.id for u in new], now)
    return Change(new, already)


def remove(conn: sqlite3.Connection, users: list[User]) -> Change:
    """Take people out of the group; those not in it are named, not an error."""
    leaving, outside = _split_by_membership(conn, users)
    store.remove_members(conn, [u.id for u in leaving])
    return Change(leaving, outside)


def _split_by_membership(conn: sqlite3.Connection, users: list[User]) -> tuple[list, list]:
    """(the people in the group, the people not in it), each asked once."""
    inside = {u.id for u in users if store.is_member(conn, u.id)}
    return [u for u in users if u.id in inside], [u for u in users if u.id not in inside]
