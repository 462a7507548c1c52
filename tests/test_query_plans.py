"""Issue 15: every query that serves a list page is answered from an index in the order
the page shows it: no temporary B-tree for the ORDER BY over a person's whole list
(checked with EXPLAIN QUERY PLAN on the real schema)."""

from __future__ import annotations

import pytest

from portal import audit
from portal.apps.bulletin import store as bulletin
from portal.apps.todo import store as todo
from portal.paging import NEWEST
from portal.web import get_db

HISTORY = {
    "wanted": '["backup completed"]',
    "others": True,
    "known": audit._KNOWN,
    "at": NEWEST[0],
    "id": NEWEST[1],
    "limit": 51,
}

QUERIES = {
    "to-do, open": (
        "todo.db",
        todo._OPEN_PAGE,
        {"owner": 1, "day": "2026-12-01", "id": 42, "limit": 51},
    ),
    "to-do, done": (
        "todo.db",
        "SELECT * FROM todos INDEXED BY todos_done_in_order WHERE owner_id = ?"
        " AND done_at IS NOT NULL ORDER BY done_at DESC LIMIT ?",
        (1, 20),
    ),
    "scheduler, a week": (
        "schedule.db",
        "SELECT * FROM events WHERE owner_id = ? AND day BETWEEN ? AND ?"
        " ORDER BY day, start_time IS NOT NULL, start_time, id",
        (1, "2026-11-23", "2026-11-29"),
    ),
    "bulletin board, older": ("bulletin.db", bulletin._OLDER, (*NEWEST, 21)),
    "bulletin board, newer": ("bulletin.db", bulletin._NEWER, ("2026-11-27", 1, 21)),
    "backup history, older": ("system.db", audit._OLDER, HISTORY),
    "backup history, newer": ("system.db", audit._NEWER, HISTORY),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_a_list_page_is_read_from_an_index_in_its_order(app, name):
    file, query, args = QUERIES[name]
    with app.app_context():
        plan = [row[3] for row in get_db(file).execute("EXPLAIN QUERY PLAN " + query, args)]
    assert "TEMP B-TREE" not in " | ".join(plan), plan
    assert "USING INDEX" in plan[0] or "USING COVERING INDEX" in plan[0], plan


KEYSET = ["to-do, open", *(n for n in QUERIES if n.endswith(("older", "newer")))]


@pytest.mark.parametrize("name", KEYSET)
def test_a_deep_page_starts_at_its_key_in_the_index(app, name):
    """Keyset paging: the index is searched from the last row shown (no OFFSET, which
    reads and skips every row before the page)."""
    file, query, args = QUERIES[name]
    assert "OFFSET" not in query.upper()
    with app.app_context():
        plan = [row[3] for row in get_db(file).execute("EXPLAIN QUERY PLAN " + query, args)]
    assert plan[0].startswith("SEARCH") and ("<?)" in plan[0] or ">?)" in plan[0]), plan
