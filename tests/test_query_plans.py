"""Issue 15: every query that serves a list page is answered from an index in the order
the page shows it: no temporary B-tree for the ORDER BY over a person's whole list
(checked with EXPLAIN QUERY PLAN on the real schema)."""

from __future__ import annotations

import pytest

from portal.apps.bulletin import store as bulletin
from portal.apps.todo import store as todo
from portal.db import get_db

QUERIES = {
    "to-do, open": ("todo.db", todo._OPEN_PAGE, (1, "", 0, 51)),
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
    "bulletin board": (
        "bulletin.db",
        bulletin._POST_SELECT + " ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?",
        (20, 0),
    ),
    "backup history": (
        "system.db",
        "SELECT at, actor, action, detail FROM audit_log WHERE action IN"
        " (SELECT value FROM json_each(?)) ORDER BY at DESC, id DESC LIMIT ?",
        ('["backup completed"]', 50),
    ),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_a_list_page_is_read_from_an_index_in_its_order(app, name):
    file, query, args = QUERIES[name]
    with app.app_context():
        plan = [row[3] for row in get_db(file).execute("EXPLAIN QUERY PLAN " + query, args)]
    assert "TEMP B-TREE" not in " | ".join(plan), plan
    assert "USING INDEX" in plan[0] or "USING COVERING INDEX" in plan[0], plan
