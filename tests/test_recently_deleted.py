"""A member's Recently deleted (issue 23, item 5): on the To-Do List and the Scheduler,
their own items deleted since the newest backup, each with Bring back; never anyone
else's, never the copies as such; the administrator can switch it off."""

from __future__ import annotations

import html
import sqlite3
from datetime import date, time

from portal.apps.scheduler import store as schedule
from portal.apps.scheduler.store import EventData
from portal.apps.todo import store as todo
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import PASSWORD, login, submit
from tests.settings_helpers import elevated

LIST = "/todo/recently-deleted"


def _member(app, name: str):
    client = app.test_client()
    login(client, name, PASSWORD)
    return client


def _text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def _office(app, people, clock):
    """Alice's and Bob's to-dos, backed up; then one of each deleted, one added since."""
    with app.app_context():
        todos = get_db("todo.db")
        alice, bob = people["alice"].id, people["bob"].id
        ids = {
            "report": todo.add(todos, alice, "Send the report", date(2026, 12, 9), "PDF", clock()),
            "done": todo.add(todos, alice, "Water the plants", None, "", clock()),
            "call": todo.add(todos, bob, "Call the supplier", None, "", clock()),
        }
        todo.set_done(todos, ids["done"], alice, True, clock())
        data_backup_of(app).run_backup(None, "admin")
        before = {
            row[0]: tuple(row)
            for row in todos.execute("SELECT * FROM todos").fetchall()
            if row[0] in (ids["report"], ids["done"])
        }
        for key, owner in (("report", alice), ("done", alice), ("call", bob)):
            todo.delete(todos, ids[key], owner)
    return ids, before


def test_a_member_sees_only_their_own_deleted_items_and_brings_one_back(app, people, clock):
    ids, before = _office(app, people, clock)
    alice = _member(app, "alice")
    assert f'href="{LIST}"' in alice.get("/todo/").get_data(as_text=True)
    page = _text(alice.get(LIST))
    assert "Send the report" in page and "Water the plants" in page
    assert "Call the supplier" not in page  # Bob's
    assert "generation" not in page and "todo.db" not in page  # no copies as such
    done = submit(alice, LIST, f"{LIST}/{ids['report']}", follow_redirects=True)
    assert "“Send the report” is back on your To-Do List." in _text(done)
    with app.app_context():
        todos = get_db("todo.db")
        row = todos.execute("SELECT * FROM todos WHERE id = ?", (ids["report"],)).fetchone()
        assert tuple(row) == before[ids["report"]]  # every field, its old id
        entry = (
            get_db("system.db")
            .execute("SELECT actor, detail FROM audit_log WHERE action = 'items brought back'")
            .fetchone()
        )
    assert entry[0] == "alice" and "Recently deleted" in entry[1] and "Send the report" in entry[1]
    again = _text(alice.get(LIST))
    assert "Send the report" not in again and "Water the plants" in again
    twice = submit(alice, LIST, f"{LIST}/{ids['report']}", follow_redirects=True)
    assert "“Send the report” is already on your list." in _text(twice)


def test_another_members_item_is_never_brought_back_nor_named(app, people, clock):
    ids, _ = _office(app, people, clock)
    alice = _member(app, "alice")
    refused = _text(submit(alice, LIST, f"{LIST}/{ids['call']}", follow_redirects=True))
    assert "There is no such to-do item of yours to bring back." in refused
    assert "Call the supplier" not in refused
    with app.app_context():
        count = get_db("todo.db").execute("SELECT count(*) FROM todos WHERE id = ?", (ids["call"],))
        assert count.fetchone()[0] == 0


def test_bring_back_is_a_csrf_checked_post_for_a_logged_in_member(app, people, clock):
    ids, _ = _office(app, people, clock)
    anonymous = app.test_client()
    assert anonymous.get(LIST).status_code == 302
    alice = _member(app, "alice")
    assert alice.post(f"{LIST}/{ids['report']}").status_code == 400  # no CSRF token
    assert alice.get(f"{LIST}/{ids['report']}").status_code == 405


def test_scheduler_events_come_back_too(app, people, clock):
    with app.app_context():
        events = get_db("schedule.db")
        alice = people["alice"].id
        data = EventData(date(2026, 12, 10), time(9, 0), time(10, 0), "Friday meeting", "Room 2")
        event_id = schedule.add(events, alice, data, clock())
        data_backup_of(app).run_backup(None, "admin")
        before = tuple(events.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone())
        schedule.delete(events, event_id, alice)
    member = _member(app, "alice")
    assert 'href="/scheduler/recently-deleted"' in member.get("/scheduler/").get_data(as_text=True)
    page = "/scheduler/recently-deleted"
    assert "Friday meeting" in _text(member.get(page))
    done = submit(member, page, f"{page}/{event_id}", follow_redirects=True)
    assert "“Friday meeting” is back on your Scheduler." in _text(done)
    with app.app_context():
        row = get_db("schedule.db").execute("SELECT * FROM events WHERE id = ?", (event_id,))
        assert tuple(row.fetchone()) == before


def test_the_administrator_switches_it_off_and_on(app, people, clock):
    ids, _ = _office(app, people, clock)
    admin = elevated(app, "admin")
    index = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "Members may bring back their own deleted to-dos and events" in index
    off = submit(admin, "/settings/data-backup", "/settings/data-backup/recently-deleted", data={})
    assert off.status_code == 302
    alice = _member(app, "alice")
    assert f'href="{LIST}"' not in alice.get("/todo/").get_data(as_text=True)
    assert "Your administrator has switched Recently deleted off." in _text(alice.get(LIST))
    refused = submit(alice, "/todo/", f"{LIST}/{ids['report']}", follow_redirects=True)
    assert "switched Recently deleted off" in _text(refused)
    with app.app_context():
        assert todo.get(get_db("todo.db"), ids["report"], people["alice"].id) is None
        said = get_db("system.db").execute(
            "SELECT actor FROM audit_log WHERE action = 'recently deleted switched'"
        )
        assert said.fetchone()[0] == "admin"
    submit(
        admin,
        "/settings/data-backup",
        "/settings/data-backup/recently-deleted",
        data={"members-on": "y"},
    )
    assert "Send the report" in _text(alice.get(LIST))


def test_no_backup_yet_and_a_damaged_copy_are_said_in_a_members_words(app, people, clock):
    alice = _member(app, "alice")
    assert "There is no backup of your to-dos yet" in _text(alice.get(LIST))
    ids, _ = _office(app, people, clock)
    newest = instance_of(app).backup_dir / "todo.db"
    with sqlite3.connect(newest) as copy:  # the copy changed after it was recorded
        copy.execute("UPDATE todos SET title = 'forged'")
    copy.close()
    page = _text(alice.get(LIST))
    assert "cannot be read from the newest backup just now" in page
    assert "SHA-256" not in page and str(newest) not in page
    refused = _text(submit(alice, "/todo/", f"{LIST}/{ids['report']}", follow_redirects=True))
    assert "cannot be read from the newest backup just now" in refused
    with app.app_context():
        assert todo.get(get_db("todo.db"), ids["report"], people["alice"].id) is None


def test_a_live_file_held_by_another_writer_is_said_not_a_500(app, people, clock):
    """Bad moments get a clear message: the live todo.db held past the busy timeout."""
    ids, _ = _office(app, people, clock)
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 100
    live = instance_of(app).data_dir / "todo.db"
    holder = sqlite3.connect(live, timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        alice = _member(app, "alice")
        answer = submit(alice, "/todo/", f"{LIST}/{ids['report']}", follow_redirects=True)
        assert answer.status_code == 200
        assert "Your to-dos cannot be written just now. Try again in a minute." in _text(answer)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with app.app_context():
        assert todo.get(get_db("todo.db"), ids["report"], people["alice"].id) is None
