"""The chosen items of a copy put back into the live data file, in one transaction (the
write rules of every save: BEGIN IMMEDIATE, the busy timeout; nobody's save is lost, and
nothing else in the live data changes):

- a deleted item is inserted again with its fields as in the copy, under its old id if
  that is free, else under a new one (said); a post with its replies;
- a changed item (chosen by naming it) is set back to the copy's version; a post's
  replies that the copy has and the live data lost are put back, replies written since
  are kept;
- an item whose owner no longer exists is not brought back alone: the person first."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from portal.bring_back.differences import CHANGED, DELETED, Row, compare, read
from portal.bring_back.kinds import Kind
from portal.db import transaction


class BringBackError(ValueError):
    """Why nothing was brought back, in words for the page and the command line (a
    ValueError: what was asked for cannot be done, as the To-Do List's pages catch it
    from a layer below this one)."""


@dataclass(frozen=True)
class Brought:
    kind: Kind
    copy_id: int  # its id in the copy
    live_id: int  # its id live now
    title: str
    how: str  # what was done, as a sentence ends

    def sentence(self) -> str:
        return f"{self.kind.label.capitalize()} {self.copy_id} ({self.title!r}) {self.how}."


def bring_back(
    copy: sqlite3.Connection,
    live: sqlite3.Connection,
    kind: Kind,
    ids: list[int],
    people: set[int],
) -> list[Brought]:
    """Bring the items `ids` of the copy back into `live` (all of them, or none: a
    BringBackError says why); `people` are the ids of the people who exist now."""
    in_copy = read(copy, kind, ids)
    if missing := [i for i in ids if i not in in_copy]:
        raise BringBackError(
            f"The copy has no {kind.label} with the id {', '.join(map(str, missing))}; "
            "nothing was brought back."
        )
    done = []
    with transaction(live):
        in_live = read(live, kind, ids)
        for item_id in ids:
            item = compare(kind, in_copy[item_id], in_live.get(item_id))
            if item.owner_id not in people:
                raise BringBackError(
                    f"{kind.label.capitalize()} {item_id} ({item.title!r}) belongs to someone "
                    f"who no longer has an account (user id {item.owner_id}): bring the "
                    "person back first; nothing was brought back."
                )
            if item.state == DELETED:
                live_id = _insert(live, kind, item.copy, taken=item_id in in_live)
                how = (
                    "is back"
                    if live_id == item_id
                    else (f"is back under the id {live_id} (its id {item_id} was taken meanwhile)")
                )
            elif item.state == CHANGED:
                _set_back(live, kind, item.copy)
                live_id, how = item_id, "is set back to the copy's version"
            else:
                live_id, how = item_id, "was already as in the copy: nothing to do"
            done.append(Brought(kind, item_id, live_id, item.title, how))
    return done


def _insert(conn: sqlite3.Connection, kind: Kind, row: Row, taken: bool) -> int:
    """Insert `row` (its old id unless `taken`) with its children; its live id."""
    values = ([row.id] if not taken else []) + [row.values[f] for f in kind.fields]
    cursor = conn.execute(kind.insert(with_id=not taken), values)
    live_id = cursor.lastrowid
    if kind.children is not None:
        for child in row.children:
            _insert_child(conn, kind.children, child, live_id)
    return live_id


def _insert_child(conn: sqlite3.Connection, kind: Kind, row: Row, parent_id: int) -> None:
    free = conn.execute(kind.column("id"), (row.id,)).fetchone() is None
    child = Row(row.id, {**row.values, kind.parent: parent_id})
    _insert(conn, kind, child, taken=not free)


def _set_back(conn: sqlite3.Connection, kind: Kind, row: Row) -> None:
    values = dict(row.values)
    if "revision" in values:  # a post: one revision more, so an edit form open on it
        (now,) = conn.execute(kind.column("revision"), (row.id,)).fetchone()  # sees it changed
        values["revision"] = now + 1
    conn.execute(kind.update(), [values[f] for f in kind.fields] + [row.id])
    if kind.children is None:
        return
    live = read(conn, kind.children, [row.id], kind.children.parent)
    for child in row.children:
        if not child.same_item(live.get(child.id)):  # lost since: put back; newer ones stay
            _insert_child(conn, kind.children, child, row.id)
