"""To-do items in todo.db. Each item belongs to one user and only they see it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from portal.clock import from_db, to_db
from portal.db import transaction


@dataclass(frozen=True)
class Todo:
    id: int
    owner_id: int
    title: str
    due_date: date | None
    memo: str
    done_at: datetime | None
    created_at: datetime

    def is_overdue(self, today: date) -> bool:
        """Open and due before today."""
        return self.done_at is None and self.due_date is not None and self.due_date < today


def _todo(row: sqlite3.Row) -> Todo:
    return Todo(
        id=row["id"],
        owner_id=row["owner_id"],
        title=row["title"],
        due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
        memo=row["memo"],
        done_at=from_db(row["done_at"]) if row["done_at"] else None,
        created_at=from_db(row["created_at"]),
    )


def add(
    conn: sqlite3.Connection,
    owner_id: int,
    title: str,
    due_date: date | None,
    memo: str,
    now: datetime,
) -> int:
    """Create an open item; return its id."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO todos (owner_id, title, due_date, memo, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (owner_id, title, due_date.isoformat() if due_date else None, memo, to_db(now)),
        )
    return cur.lastrowid


def get(conn: sqlite3.Connection, todo_id: int, owner_id: int) -> Todo | None:
    """The owner's item with this id, or None."""
    row = conn.execute(
        "SELECT * FROM todos WHERE id = ? AND owner_id = ?", (todo_id, owner_id)
    ).fetchone()
    return _todo(row) if row else None


# Open items are listed by this key: soonest due first, undated last, then by id. The
# index todos_open_in_order holds it, so a page is read in order, never sorted, and the
# next page starts after the last key shown (keyset paging: no OFFSET to scan past).
# The key is compared as "day >= d AND (day > d OR id > i)", not as the row value
# (day, id) > (d, i): SQLite searches an expression index from the first form only, and
# with the second it read a person's list from the start up to a deep page's key.
UNDATED = "9999-12-31"
_OPEN_PAGE = (
    "SELECT * FROM todos INDEXED BY todos_open_in_order"
    " WHERE owner_id = :owner AND done_at IS NULL"
    " AND coalesce(due_date, '9999-12-31') >= :day"
    " AND (coalesce(due_date, '9999-12-31') > :day OR id > :id)"
    " ORDER BY coalesce(due_date, '9999-12-31'), id LIMIT :limit"
)


def open_key(todo: Todo) -> str:
    """Where a page that ends with `todo` continues: '2026-12-01.42'."""
    return f"{todo.due_date.isoformat() if todo.due_date else UNDATED}.{todo.id}"


def parse_key(text: str | None) -> tuple[str, int] | None:
    """A key from open_key, or None for anything else (the first page)."""
    day, _, number = (text or "").partition(".")
    try:
        date.fromisoformat(day)
        return (day, int(number)) if number.isdigit() and len(number) <= 18 else None
    except ValueError:
        return None


def open_items(
    conn: sqlite3.Connection,
    owner_id: int,
    limit: int = -1,
    after: tuple[str, int] | None = None,
) -> list[Todo]:
    """Open items, soonest due first, undated last; `after` a key, for the next page."""
    day, last_id = after or ("", 0)
    rows = conn.execute(_OPEN_PAGE, {"owner": owner_id, "day": day, "id": last_id, "limit": limit})
    return [_todo(row) for row in rows]


def done_items(conn: sqlite3.Connection, owner_id: int, limit: int = 20) -> list[Todo]:
    """Recently completed items, newest first."""
    rows = conn.execute(
        "SELECT * FROM todos INDEXED BY todos_done_in_order"
        " WHERE owner_id = ? AND done_at IS NOT NULL ORDER BY done_at DESC LIMIT ?",
        (owner_id, limit),
    )
    return [_todo(row) for row in rows]


def update(
    conn: sqlite3.Connection,
    todo_id: int,
    owner_id: int,
    title: str,
    due_date: date | None,
    memo: str,
) -> bool:
    """Change an item's text and due date; False if it is not the owner's."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE todos SET title = ?, due_date = ?, memo = ? WHERE id = ? AND owner_id = ?",
            (title, due_date.isoformat() if due_date else None, memo, todo_id, owner_id),
        )
    return cur.rowcount == 1


def set_done(
    conn: sqlite3.Connection, todo_id: int, owner_id: int, done: bool, now: datetime
) -> bool:
    """Complete or reopen an item; False if it is not the owner's."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE todos SET done_at = ? WHERE id = ? AND owner_id = ?",
            (to_db(now) if done else None, todo_id, owner_id),
        )
    return cur.rowcount == 1


def delete(conn: sqlite3.Connection, todo_id: int, owner_id: int) -> bool:
    """Delete an item; False if it is not the owner's."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM todos WHERE id = ? AND owner_id = ?", (todo_id, owner_id))
    return cur.rowcount == 1


def delete_all_of(conn: sqlite3.Connection, owner_id: int) -> int:
    """Delete every one of a person's to-dos (they are being removed); how many."""
    with transaction(conn):
        return conn.execute("DELETE FROM todos WHERE owner_id = ?", (owner_id,)).rowcount


def owner_ids(conn: sqlite3.Connection) -> set[int]:
    """Every person id that owns to-dos."""
    return {row[0] for row in conn.execute("SELECT DISTINCT owner_id FROM todos")}
