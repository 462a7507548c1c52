"""System Settings > Data Backup > Open (issue 23): the copy's items against the live data,
filtered; the ticked ones brought back after a confirmation; only for an elevated
administrator; every state change a CSRF-checked POST."""

from __future__ import annotations

import html

from portal.apps.todo import store as todo
from portal.web import data_backup_of, get_db
from tests.helpers import submit
from tests.settings_helpers import elevated

OPEN = "/settings/data-backup/copies/todo.db/0"


def _office(app, people, clock):
    with app.app_context():
        todos = get_db("todo.db")
        ids = [
            todo.add(todos, people["alice"].id, "Send the report", None, "", clock()),
            todo.add(todos, people["bob"].id, "Call the supplier", None, "", clock()),
            todo.add(todos, people["bob"].id, "Order paper", None, "", clock()),
        ]
        data_backup_of(app).run_backup(None, "admin")
        for todo_id, owner in ((ids[0], "alice"), (ids[1], "bob")):
            todo.delete(todos, todo_id, people[owner].id)
        todos.execute("UPDATE todos SET title = 'Order more paper' WHERE id = ?", (ids[2],))
    return ids


def test_open_lists_what_was_deleted_or_changed_and_filters(app, people, clock):
    ids = _office(app, people, clock)
    admin = elevated(app)
    index = admin.get("/settings/data-backup").get_data(as_text=True)
    assert f'href="{OPEN}"' in index and 'aria-label="Open todo.db newest copy"' in index
    page = html.unescape(admin.get(OPEN).get_data(as_text=True))
    assert "2 deleted since" in page and "1 changed since" in page
    assert "Send the report" in page and "Call the supplier" in page
    assert "now “Order more paper”, in the copy “Order paper”" in page
    bobs = html.unescape(admin.get(OPEN + "?person=bob&show=deleted").get_data(as_text=True))
    assert (
        "Call the supplier" in bobs and "Send the report" not in bobs and "Order paper" not in bobs
    )
    words = html.unescape(admin.get(OPEN + "?q=REPORT").get_data(as_text=True))
    assert "Send the report" in words and "Call the supplier" not in words
    assert f'value="{ids[0]}"' in words


def test_tick_confirm_and_bring_back(app, people, clock):
    ids = _office(app, people, clock)
    admin = elevated(app)
    asked = submit(admin, OPEN, data={"item": [str(ids[0]), str(ids[2])]})
    said = " ".join(html.unescape(asked.get_data(as_text=True)).split())
    assert asked.status_code == 200
    assert "“Send the report” (Alice Brown): inserted again as it is in the copy" in said
    assert "set back to the copy's version (title)" in said
    with app.app_context():  # asking changed nothing
        assert get_db("todo.db").execute("SELECT count(*) FROM todos").fetchone()[0] == 1
    done = submit(
        admin,
        OPEN,
        "/settings/data-backup/bring-back",
        data={"file": "todo.db", "copy": "0", "item": [str(ids[0]), str(ids[2])]},
        follow_redirects=True,
    )
    shown = html.unescape(done.get_data(as_text=True))
    assert f"To-do item {ids[0]} ('Send the report') is back." in shown
    assert f"To-do item {ids[2]} ('Order paper') is set back to the copy's version." in shown
    with app.app_context():
        titles = {r[0] for r in get_db("todo.db").execute("SELECT title FROM todos")}
    assert titles == {"Send the report", "Order paper"}  # bob's call stays deleted


def test_only_an_elevated_administrator_and_only_by_post(app, people, clock):
    ids = _office(app, people, clock)
    member = app.test_client()
    from tests.helpers import PASSWORD, login

    login(member, "bob", PASSWORD)
    assert member.get(OPEN).status_code in (302, 403)
    refused = member.post("/settings/data-backup/bring-back", data={"item": str(ids[1])})
    assert refused.status_code in (302, 400, 403)
    admin = elevated(app)
    no_token = admin.post(
        "/settings/data-backup/bring-back",
        data={"file": "todo.db", "copy": "0", "item": str(ids[1])},
    )
    assert no_token.status_code == 400  # CSRF
    with app.app_context():
        assert (
            get_db("todo.db")
            .execute("SELECT count(*) FROM todos WHERE id = ?", (ids[1],))
            .fetchone()[0]
            == 0
        )


def test_bad_input_is_a_clear_page_never_a_500(app, people, clock):
    _office(app, people, clock)
    admin = elevated(app)
    assert admin.get("/settings/data-backup/copies/passwd/0").status_code == 404
    assert admin.get("/settings/data-backup/copies/todo.db/9").status_code == 404
    missing = admin.get("/settings/data-backup/copies/todo.db/3", follow_redirects=True)
    assert "has no copy at generation 3" in html.unescape(missing.get_data(as_text=True))
    nothing = submit(admin, OPEN, data={}, follow_redirects=True)
    assert "Tick the items to bring back first." in nothing.get_data(as_text=True)
    odd = submit(admin, OPEN, data={"item": "١٢"})  # digits of another script
    assert odd.status_code == 400
    gone = submit(
        admin,
        OPEN,
        "/settings/data-backup/bring-back",
        data={"file": "todo.db", "copy": "0", "item": "999"},
        follow_redirects=True,
    )
    assert "The copy has no to-do item with the id 999" in html.unescape(
        gone.get_data(as_text=True)
    )


def test_a_long_copy_is_paged_with_show_more(app, people, clock):
    """Paged like the other long lists: 50 at a time, newest first, each item once."""
    import re

    with app.app_context():
        todos = get_db("todo.db")
        for n in range(120):
            clock.advance(minutes=1)
            todo.add(todos, people["alice"].id, f"Item {n:03d}", None, "", clock())
        data_backup_of(app).run_backup(None, "admin")
        todos.execute("DELETE FROM todos")
    admin = elevated(app)
    seen, url, pages = [], OPEN + "?person=alice", 0
    while url:
        page = html.unescape(admin.get(url).get_data(as_text=True))
        pages += 1
        assert "120 deleted since" in page
        seen += re.findall(r"Item \d{3}(?=</label>)", page)
        more = re.search(r'href="([^"]+)">Show more<', page)
        url = more and more.group(1)
    assert pages == 3
    assert seen == [f"Item {n:03d}" for n in reversed(range(120))]


def test_what_differs_is_never_shown_stale(app, people, clock):
    """What differs is kept between pages while neither side changes (listing.py): a save
    by anyone, through any connection, or a new backup, is seen on the next page."""
    import re

    from portal.db import open_data_file
    from portal.web import instance_of

    ids = _office(app, people, clock)  # 2 deleted since, 1 changed since
    admin = elevated(app)

    def counts() -> tuple[int, int]:
        page = " ".join(html.unescape(admin.get(OPEN).get_data(as_text=True)).split())
        found = re.search(r"(\d+) deleted since</strong>, <strong>(\d+) changed since", page)
        return int(found[1]), int(found[2])

    assert counts() == (2, 1)
    assert counts() == (2, 1)  # kept: the same answer
    with open_data_file("todo.db", instance_of(app)) as other:  # another connection saves
        other.execute("UPDATE todos SET title = 'Order paper' WHERE id = ?", (ids[2],))
    assert counts() == (2, 0)
    with app.app_context():  # a save through the pages' own connection (this thread's)
        todo.delete(get_db("todo.db"), ids[2], people["bob"].id)
    assert counts() == (3, 0)
    with app.app_context():  # a new backup: another copy, proven anew
        data_backup_of(app).run_backup(None, "admin")
    assert counts() == (0, 0)
