"""Issue 15: the To-Do list costs the same with 10 or 10,000 open items. It shows a page
of them (Show more, a plain link: no JavaScript needed), read in order from an index:
no temporary B-tree for the ORDER BY, and the next page starts after the last item
shown (keyset paging), never by scanning past an OFFSET. The query plans are in
tests/test_query_plans.py."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from portal.apps.todo.views import PAGE
from portal.web import get_db
from tests.helpers import utc


def _fill(app, owner_id: int, count: int) -> None:
    with app.app_context():
        conn = get_db("todo.db")
        conn.execute("BEGIN")
        for n in range(count):
            due = (date(2026, 12, 1) + timedelta(days=n % 90)).isoformat() if n % 4 else None
            conn.execute(
                "INSERT INTO todos (owner_id, title, due_date, memo, created_at)"
                " VALUES (?, ?, ?, '', ?)",
                (owner_id, f"Item {n:05d}", due, utc(2026, 11, 27).isoformat()),
            )
        conn.execute("COMMIT")


def _titles(page: str) -> list[str]:
    return re.findall(r'<a href="/todo/\d+/edit">([^<]+)</a>', html.unescape(page))


def test_every_open_item_is_shown_once_page_by_page_in_order(app, people, alice):
    _fill(app, people["alice"].id, 2 * PAGE + 7)
    with app.app_context():
        rows = get_db("todo.db").execute("SELECT id, title, due_date FROM todos").fetchall()
    # Soonest due first, undated last, then by id: worked out here, not by the store.
    expected = [r["title"] for r in sorted(rows, key=lambda r: (r["due_date"] or "~", r["id"]))]
    seen, url, pages = [], "/todo/", 0
    while url:
        page = alice.get(url).get_data(as_text=True)
        titles = _titles(page)
        assert len(titles) <= PAGE
        seen += titles
        pages += 1
        more = re.search(r'href="(/todo/\?after=[^"]+)"[^>]*>Show more', page)
        url = html.unescape(more.group(1)) if more else None
    assert seen == expected and len(seen) == 2 * PAGE + 7 and pages == 3


def test_a_key_that_is_not_one_shows_the_first_page(app, people, alice):
    _fill(app, people["alice"].id, 3)
    for bad in ("x", "2026-13-01.5", "2026-12-01.-1", "2026-12-01.99999999999999999999"):
        page = alice.get(f"/todo/?after={bad}")
        assert page.status_code == 200 and len(_titles(page.get_data(as_text=True))) == 3
