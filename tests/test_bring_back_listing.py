"""The page of an opened copy (issue 23, item 2): what differs, found by one join in
SQLite (portal/bring_back/listing.py), agrees with the item-by-item comparison
(differences.py) for every kind, whatever was deleted, changed, re-used or replied since;
and walking Show more gives every item once, newest first, filtered."""

from __future__ import annotations

import random
import sqlite3

import pytest

from portal.bring_back import listing
from portal.bring_back.copies import CopyRef, opened
from portal.bring_back.differences import SHOW, differences
from portal.bring_back.kinds import KINDS
from portal.db import data_path, open_data_file
from portal.web import data_backup_of, get_db, instance_of

OWNERS = (1, 2, 3)


def _office(app, seed: int) -> None:
    """Random to-dos, events and posts with replies, backed up; then random deletions,
    changes, new items (some under a deleted item's id) and replies changed."""
    rng = random.Random(seed)
    with app.app_context():
        todos, events, board = (get_db(n) for n in ("todo.db", "schedule.db", "bulletin.db"))
        for n in range(60):
            at = f"2026-11-{1 + n % 20:02d}T09:{n % 60:02d}:00"
            todos.execute(
                "INSERT INTO todos (owner_id, title, memo, created_at) VALUES (?, ?, '', ?)",
                (rng.choice(OWNERS), f"To-do {n} Ärger" if n % 7 == 0 else f"To-do {n}", at),
            )
            events.execute(
                "INSERT INTO events (owner_id, day, title, memo, created_at, updated_at)"
                " VALUES (?, '2026-12-01', ?, '', ?, ?)",
                (rng.choice(OWNERS), f"Event {n}", at, at),
            )
            post = board.execute(
                "INSERT INTO posts (author_id, title, body, created_at, revision)"
                " VALUES (?, ?, 'body', ?, 1)",
                (rng.choice(OWNERS), f"Post {n}", at),
            ).lastrowid
            for r in range(rng.randrange(3)):
                board.execute(
                    "INSERT INTO replies (post_id, author_id, body, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (post, rng.choice(OWNERS), f"reply {r}", at),
                )
        data_backup_of(app).run_backup(None, "admin")
        for conn, table in ((todos, "todos"), (events, "events"), (board, "posts")):
            ids = [r[0] for r in conn.execute(f"SELECT id FROM {table}")]  # noqa: S608
            for row_id in rng.sample(ids, 15):
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))  # noqa: S608
            for row_id in rng.sample(ids, 15):
                conn.execute(f"UPDATE {table} SET title = 'edited' WHERE id = ?", (row_id,))  # noqa: S608
        reused = [r[0] for r in todos.execute("SELECT max(id) FROM todos")][0]
        todos.execute(  # a deleted item's id given to a new one: another item
            "INSERT OR IGNORE INTO todos (id, owner_id, title, memo, created_at)"
            " VALUES (?, 1, 'new', '', '2026-12-05T10:00:00')",
            (reused,),
        )
        replies = [r[0] for r in board.execute("SELECT id FROM replies")]
        for reply in rng.sample(replies, min(5, len(replies))):
            board.execute("UPDATE replies SET body = 'changed' WHERE id = ?", (reply,))
        board.execute(
            "INSERT INTO replies (post_id, author_id, body, created_at)"
            " SELECT id, 2, 'new reply', '2026-12-05T10:00:00' FROM posts LIMIT 3"
        )


def _walk(app, name: str, filters: listing.Filters) -> tuple[list, dict]:
    """Every page of the copy, following Show more: the items, the counts."""
    instance, service = instance_of(app), data_backup_of(app)
    found, counts = [], None
    with (
        opened(instance, service, name, CopyRef(0), "admin") as copy,
        open_data_file(name, instance) as live,
    ):
        listing.attach_live(copy, data_path(name, instance.data_dir), 5000)
        while True:
            page = listing.page(copy, live, KINDS[name], filters)
            counts = counts or page.counts
            assert page.counts == counts
            found += page.items
            if page.more is None:
                return found, counts
            filters = listing.Filters(
                filters.show, filters.owners, filters.words, listing.parse_key(page.more), 7
            )


def _slow(app, name: str):
    instance, service = instance_of(app), data_backup_of(app)
    with (
        opened(instance, service, name, CopyRef(0), "admin") as copy,
        open_data_file(name, instance) as live,
    ):
        return differences(copy, live, KINDS[name])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_the_join_agrees_with_comparing_item_by_item(app, name, seed):
    _office(app, seed)
    every = _slow(app, name)
    expected_counts = {state: sum(i.state == state for i in every) for state in SHOW["all"]}
    for show, states in SHOW.items():
        for owners, words in ((None, ""), (frozenset({2}), ""), (None, "ärger"), (None, "EDIT")):
            shown, counts = _walk(
                app, name, listing.Filters(show, owners, words.casefold(), None, 7)
            )
            assert counts == expected_counts
            want = [
                (i.id, i.state, i.changed)
                for i in every
                if i.state in states
                and (owners is None or i.owner_id in owners)
                and words.casefold() in i.title.casefold()
            ]
            assert [(i.id, i.state, i.changed) for i in shown] == want, (show, owners, words)


def test_a_key_from_the_url_is_read_or_refused():
    assert listing.parse_key("2026-11-27T09:00:00|42") == ("2026-11-27T09:00:00", 42)
    for bad in (None, "", "42", "x|", "x|4a", "x|١٢", "x|" + "9" * 19):
        assert listing.parse_key(bad) is None


def test_the_live_file_is_attached_read_only(app):
    _office(app, 1)
    instance, service = instance_of(app), data_backup_of(app)
    with opened(instance, service, "todo.db", CopyRef(0), "admin") as copy:
        listing.attach_live(copy, data_path("todo.db", instance.data_dir), 5000)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            copy.execute("DELETE FROM live.todos")
