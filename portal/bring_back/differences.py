"""A copy's items against the live data file: each item of the copy is deleted since (not
live, or its id now another item's), changed since (live, with other fields or other
replies: both versions kept, to show side by side), or unchanged."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from portal.bring_back.kinds import Kind

DELETED, CHANGED, UNCHANGED = "deleted since", "changed since", "unchanged"
# What a list of a copy's items shows (the page's Show, the command's flags): by default
# what differs from now.
SHOW = {
    "differences": (DELETED, CHANGED),
    "deleted": (DELETED,),
    "changed": (CHANGED,),
    "all": (DELETED, CHANGED, UNCHANGED),
}


@dataclass(frozen=True)
class Row:
    id: int
    values: dict  # the kind's fields, by column
    children: tuple[Row, ...] = ()

    def same_item(self, other: Row | None) -> bool:
        return other is not None and other.values["created_at"] == self.values["created_at"]


@dataclass(frozen=True)
class Item:
    kind: Kind
    id: int
    state: str  # DELETED, CHANGED or UNCHANGED
    copy: Row
    live: Row | None  # the live item, when it is the same item
    changed: tuple[str, ...] = field(default=())  # the fields that differ ("replies" too)

    @property
    def owner_id(self) -> int:
        return self.copy.values[self.kind.owner]

    @property
    def title(self) -> str:
        return str(self.copy.values[self.kind.title])


def read(
    conn: sqlite3.Connection, kind: Kind, ids: list[int] | None = None, column: str = "id"
) -> dict[int, Row]:
    """The kind's rows in `conn` (all, or those whose `column` is one of `ids`), with
    their children (only theirs: a post's replies, not the whole board's)."""
    query = kind.select()
    rows = conn.execute(query).fetchall() if ids is None else _by_ids(conn, query, column, ids)
    children: dict[int, list[Row]] = {}
    if kind.children is not None:
        parents = None if ids is None else [row[0] for row in rows]
        for child in read(conn, kind.children, parents, kind.children.parent).values():
            children.setdefault(child.values[kind.children.parent], []).append(child)
    return {
        row[0]: Row(
            row[0], dict(zip(kind.fields, row[1:], strict=True)), tuple(children.get(row[0], ()))
        )
        for row in rows
    }


def _by_ids(conn: sqlite3.Connection, query: str, column: str, ids: list[int]) -> list:
    found = []
    for start in range(0, len(ids), 500):  # SQLite's limit on variables, well within
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        # `column` is a name of kinds.py ("id", "post_id"), never input.
        found += conn.execute(f"{query} WHERE {column} IN ({marks})", chunk).fetchall()
    return found


def compare(kind: Kind, copy: Row, live: Row | None) -> Item:
    """One item of the copy against the live row with its id."""
    if not copy.same_item(live):
        return Item(kind, copy.id, DELETED, copy, None)
    changed = tuple(f for f in kind.fields if copy.values[f] != live.values[f])
    if _children(copy) != _children(live):
        changed += ("replies",)
    return Item(kind, copy.id, CHANGED if changed else UNCHANGED, copy, live, changed)


def _children(row: Row) -> list[tuple]:
    return sorted((c.id, tuple(sorted(c.values.items()))) for c in row.children)


def counts(items: list[Item]) -> dict[str, int]:
    """How many items are deleted since, changed since and unchanged."""
    return {state: sum(item.state == state for item in items) for state in SHOW["all"]}


def compared(
    copy: sqlite3.Connection, live: sqlite3.Connection, kind: Kind, ids: list[int]
) -> list[Item]:
    """The copy's items `ids` (those it holds, in that order), each against the live row
    with its id: the items of a page, or of a confirmation."""
    in_copy, in_live = read(copy, kind, ids), read(live, kind, ids)
    return [compare(kind, in_copy[i], in_live.get(i)) for i in ids if i in in_copy]


def differences(copy: sqlite3.Connection, live: sqlite3.Connection, kind: Kind) -> list[Item]:
    """Every item of the copy, marked against the live data; newest first."""
    in_copy = read(copy, kind)
    in_live = read(live, kind, list(in_copy))
    items = [compare(kind, row, in_live.get(row_id)) for row_id, row in in_copy.items()]
    return sorted(items, key=lambda item: (item.copy.values["created_at"], item.id), reverse=True)
