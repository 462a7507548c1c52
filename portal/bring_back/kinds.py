"""The items each data file keeps, as bring-back sees them: a table, whose rows belong to
whom (the owner or author, a users.id in system.db), what names an item to a person, and
the rows that go with it (a post's replies). An item is the same item in a copy and live
when its id and its creation time are the same: SQLite may give a deleted item's id to a
new one, which is then another item."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    file: str  # the data file, e.g. "todo.db"
    table: str
    label: str  # what the pages and commands call one
    owner: str  # the column naming its owner (a users.id in system.db)
    title: str  # the column that names it to a person
    fields: tuple[str, ...]  # every column but the id, as compared and brought back
    children: Kind | None = None  # rows that belong to it (a post's replies)
    parent: str = ""  # for a child kind: the column naming its item

    # The statements, made from this module's own names only (never from input), the
    # values always bound as parameters.
    def select(self) -> str:
        columns = ", ".join(("id", *self.fields))
        return f"SELECT {columns} FROM {self.table}"  # noqa: S608  # nosec B608

    def select_of_owner(self) -> str:
        return f"{self.select()} WHERE {self.owner} = ?"  # noqa: S608  # nosec B608

    def insert(self, with_id: bool) -> str:
        columns = ("id", *self.fields) if with_id else self.fields
        marks = ", ".join("?" * len(columns))
        names = ", ".join(columns)
        return f"INSERT INTO {self.table} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608

    def update(self) -> str:
        assignments = ", ".join(f"{f} = ?" for f in self.fields)
        return f"UPDATE {self.table} SET {assignments} WHERE id = ?"  # noqa: S608  # nosec B608

    def column(self, name: str) -> str:
        assert name in self.fields or name == "id"  # noqa: S101 - names from this module
        return f"SELECT {name} FROM {self.table} WHERE id = ?"  # noqa: S608  # nosec B608


REPLIES = Kind(
    "bulletin.db",
    "replies",
    "reply",
    "author_id",
    "body",
    ("post_id", "author_id", "body", "created_at"),
    parent="post_id",
)

KINDS = {
    "todo.db": Kind(
        "todo.db",
        "todos",
        "to-do item",
        "owner_id",
        "title",
        ("owner_id", "title", "due_date", "memo", "done_at", "created_at"),
    ),
    "schedule.db": Kind(
        "schedule.db",
        "events",
        "event",
        "owner_id",
        "title",
        ("owner_id", "day", "start_time", "end_time", "title", "memo", "created_at", "updated_at"),
    ),
    "bulletin.db": Kind(
        "bulletin.db",
        "posts",
        "post",
        "author_id",
        "title",
        ("author_id", "title", "body", "created_at", "edited_at", "edited_by", "revision"),
        children=REPLIES,
    ),
}


def kind_of(name: str) -> Kind:
    """The kind of item data file `name` keeps; ValueError for one that keeps none this
    way (system.db: its people are brought back on their own)."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(
            f"{name} keeps no items to bring back one by one; the data files that do: "
            f"{', '.join(sorted(KINDS))}."
        ) from None
