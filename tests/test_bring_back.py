"""Bring back one thing (issue 23): a copy's items against the live data, and the chosen
ones put back, for each kind of item (to-dos, events, posts with their replies), without
rolling anyone else back; the copy proven as a restore proves it and never changed."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import date, time

import pytest

from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.backup import RestoreError
from portal.backup.errors import UnprovenCopy
from portal.bring_back import service
from portal.bring_back.differences import CHANGED, DELETED, UNCHANGED
from portal.web import data_backup_of, get_db, instance_of
from tests.serving import run_flask


def _items(app, name, generation=0):
    ref = service.CopyRef(generation)
    return service.items(instance_of(app), data_backup_of(app), name, ref, "admin")


def _bring(app, name, ids, generation=0):
    ref = service.CopyRef(generation)
    return service.bring_back(instance_of(app), data_backup_of(app), name, ref, ids, "admin")


def _row(app, table_file, table, row_id):
    with app.app_context():
        row = get_db(table_file).execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))  # noqa: S608
        found = row.fetchone()
    return dict(found) if found else None


def _back_up(app):
    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")


@pytest.fixture
def office(app, people, clock):
    """alice's to-dos, bob's event, carol's post with two replies, then a backup."""
    with app.app_context():
        todos = get_db("todo.db")
        ids = {
            "report": todo.add(
                todos, people["alice"].id, "Send the report", date(2026, 12, 1), "by noon", clock()
            ),
            "room": todo.add(todos, people["alice"].id, "Book the room", None, "", clock()),
            "call": todo.add(todos, people["bob"].id, "Call the supplier", None, "", clock()),
        }
        todo.set_done(todos, ids["room"], people["alice"].id, True, clock())
        event = scheduler.EventData(
            date(2026, 11, 30), time(10), time(11), "Friday meeting", "room 2"
        )
        ids["meeting"] = scheduler.add(get_db("schedule.db"), people["bob"].id, event, clock())
        board = get_db("bulletin.db")
        ids["post"] = bulletin.add_post(
            board, people["carol"].id, "New supplier", "Thoughts?", clock()
        )
        for who, words in (("alice", "Yes, please."), ("bob", "Agreed.")):
            bulletin.add_reply(board, ids["post"], people[who].id, words, clock())
    _back_up(app)
    return ids


def test_a_deleted_to_do_comes_back_with_every_field(app, people, office):
    before = _row(app, "todo.db", "todos", office["room"])
    with app.app_context():
        todo.delete(get_db("todo.db"), office["room"], people["alice"].id)
    found = [(i.id, i.state) for i in _items(app, "todo.db") if i.state != UNCHANGED]
    assert found == [(office["room"], DELETED)]
    (done,) = _bring(app, "todo.db", [office["room"]])
    assert done.live_id == office["room"] and "is back" in done.sentence()
    assert _row(app, "todo.db", "todos", office["room"]) == before  # done_at, memo, all


def test_an_id_taken_meanwhile_gives_a_new_one_and_the_new_item_stays(app, people, clock, office):
    before = _row(app, "todo.db", "todos", office["call"])  # the newest: its id is reused
    with app.app_context():
        todos = get_db("todo.db")
        todo.delete(todos, office["call"], people["bob"].id)
        clock.advance(minutes=5)
        newcomer = todo.add(todos, people["carol"].id, "Water the plants", None, "", clock())
    assert newcomer == office["call"]
    items = {i.id: i for i in _items(app, "todo.db")}
    assert items[office["call"]].state == DELETED  # another item holds the id: not "changed"
    (done,) = _bring(app, "todo.db", [office["call"]])
    assert done.live_id != office["call"] and "was taken meanwhile" in done.sentence()
    back = _row(app, "todo.db", "todos", done.live_id)
    assert {k: v for k, v in back.items() if k != "id"} == {
        k: v for k, v in before.items() if k != "id"
    }
    assert _row(app, "todo.db", "todos", newcomer)["title"] == "Water the plants"


def test_a_changed_item_is_set_back_only_when_chosen(app, people, office):
    with app.app_context():
        todos = get_db("todo.db")
        todos.execute(
            "UPDATE todos SET title = 'Send the report (late)' WHERE id = ?", (office["report"],)
        )
        todo.delete(todos, office["call"], people["bob"].id)
    items = {i.id: i for i in _items(app, "todo.db")}
    assert items[office["report"]].state == CHANGED and items[office["report"]].changed == (
        "title",
    )
    _bring(app, "todo.db", [office["call"]])  # the deleted one only
    assert _row(app, "todo.db", "todos", office["report"])["title"] == "Send the report (late)"
    (done,) = _bring(app, "todo.db", [office["report"]])  # now chosen
    assert "set back to the copy's version" in done.sentence()
    assert _row(app, "todo.db", "todos", office["report"])["title"] == "Send the report"


def test_a_deleted_event_comes_back(app, people, office):
    before = _row(app, "schedule.db", "events", office["meeting"])
    with app.app_context():
        get_db("schedule.db").execute("DELETE FROM events WHERE id = ?", (office["meeting"],))
    _bring(app, "schedule.db", [office["meeting"]])
    assert _row(app, "schedule.db", "events", office["meeting"]) == before


def test_a_deleted_post_comes_back_with_its_replies(app, people, office):
    with app.app_context():
        board = get_db("bulletin.db")
        replies = [dict(r) for r in board.execute("SELECT * FROM replies ORDER BY id")]
        bulletin.delete_post(board, office["post"])
        assert board.execute("SELECT count(*) FROM replies").fetchone()[0] == 0
    (item,) = _items(app, "bulletin.db")
    assert item.state == DELETED and len(item.copy.children) == 2
    _bring(app, "bulletin.db", [office["post"]])
    with app.app_context():
        back = [dict(r) for r in get_db("bulletin.db").execute("SELECT * FROM replies ORDER BY id")]
    assert back == replies
    assert _row(app, "bulletin.db", "posts", office["post"])["title"] == "New supplier"


def test_an_item_of_someone_removed_is_not_brought_back_alone(app, people, clock, office):
    from portal import people as people_mod

    people_mod.remove(instance_of(app), "bob", clock())  # his to-dos and events go too
    with pytest.raises(service.BringBackError, match="bring the person back first"):
        _bring(app, "todo.db", [office["call"]])
    assert _row(app, "todo.db", "todos", office["call"]) is None


def test_all_or_nothing(app, people, clock, office):
    from portal import people as people_mod

    with app.app_context():
        todo.delete(get_db("todo.db"), office["room"], people["alice"].id)
    people_mod.remove(instance_of(app), "bob", clock())
    with pytest.raises(service.BringBackError):
        _bring(app, "todo.db", [office["room"], office["call"]])
    assert _row(app, "todo.db", "todos", office["room"]) is None  # not half done


def test_the_copy_is_proven_first_and_never_changed(app, people, office, instance_path):
    copy = instance_path / "backup" / "todo.db"
    before = (copy.read_bytes(), os.stat(copy).st_mtime_ns)
    _items(app, "todo.db")
    _bring(app, "todo.db", [office["report"]])
    assert (copy.read_bytes(), os.stat(copy).st_mtime_ns) == before
    # One private file, proven once and read by both (kept minutes: portal/backup/proven.py).
    assert len(list((instance_path / "backup" / "copies-opened").iterdir())) == 1
    data = bytearray(copy.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])  # changed since
    copy.write_bytes(bytes(data))
    with pytest.raises(UnprovenCopy, match="not opened"):
        _items(app, "todo.db")
    (instance_path / "backup" / "backup.txt").unlink()  # no record of any copy
    with pytest.raises(UnprovenCopy, match="unrecorded"):
        _items(app, "todo.db")
    with pytest.raises(RestoreError, match="has no copy at generation 3"):
        _items(app, "todo.db", generation=3)


def test_bring_back_is_in_the_backup_history(app, people, office):
    with app.app_context():
        todo.delete(get_db("todo.db"), office["room"], people["alice"].id)
    _bring(app, "todo.db", [office["room"]])
    with app.app_context():
        (action, actor, detail) = (
            get_db("system.db")
            .execute("SELECT action, actor, detail FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetchone()
        )
    assert (action, actor) == ("items brought back", "admin")
    assert "from the newest copy of todo.db" in detail and "Book the room" in detail


def test_no_save_is_lost_while_items_come_back(app, people, clock, office, instance_path):
    """A writer saves a to-do every 10 ms while items are brought back, again and again:
    every save it was told succeeded is there at the end."""
    with app.app_context():
        todos = get_db("todo.db")
        for key in ("report", "room"):
            todos.execute("DELETE FROM todos WHERE id = ?", (office[key],))
    saved, stop = [], threading.Event()

    def writer():
        conn = sqlite3.connect(instance_path / "data" / "todo.db", timeout=30, isolation_level=None)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO todos (owner_id, title, created_at) VALUES (?, ?, ?)",
                (people["carol"].id, f"save {len(saved)}", "2026-11-27T08:00:00.000000Z"),
            )
            conn.execute("COMMIT")
            saved.append(cur.lastrowid)
            stop.wait(0.01)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(5):
            _bring(app, "todo.db", [office["report"], office["room"]])
            with app.app_context():
                get_db("todo.db").execute(
                    "DELETE FROM todos WHERE id IN (?, ?)", (office["report"], office["room"])
                )
    finally:
        stop.set()
        thread.join()
    with app.app_context():
        live = {r[0] for r in get_db("todo.db").execute("SELECT id FROM todos")}
    assert saved and set(saved) <= live


def test_the_commands_from_outside(app, people, office, instance_path):
    with app.app_context():
        todo.delete(get_db("todo.db"), office["room"], people["alice"].id)
    listed = run_flask(instance_path, "backup", "items", "todo.db", "--generation", "0")
    assert listed.returncode == 0, listed.stderr
    assert f"{office['room']}  deleted since  alice" in listed.stdout
    assert "1 deleted since, 0 changed since, 2 unchanged" in listed.stdout
    mine = run_flask(instance_path, "backup", "items", "todo.db", "-g", "0", "--person", "bob")
    assert "deleted since" not in mine.stdout.splitlines()[1:-1]
    back = run_flask(
        instance_path, "backup", "bring-back", "todo.db", "-g", "0", str(office["room"]), "--yes"
    )
    assert back.returncode == 0, back.stderr
    assert f"To-do item {office['room']} ('Book the room') is back." in back.stdout
    missing = run_flask(instance_path, "backup", "bring-back", "todo.db", "-g", "0", "999", "--yes")
    assert (
        missing.returncode == 1
        and "Error: The copy has no to-do item with the id 999" in missing.stderr
    )
    other = run_flask(instance_path, "backup", "items", "system.db", "-g", "0")
    assert other.returncode == 2
