"""Issue 10, defect 1: a removed person's id went to the next new account, with their
private to-dos and events. Ids are never reused; removing a person deletes their private
items and keeps their posts under their name, marked as removed."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.passwords import hash_password
from portal.users import add_user
from portal.web import data_backup_of, get_db
from tests.helpers import PASSWORD, login, open_app

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def private_things(app, person) -> dict[str, int]:
    """A to-do, an event and a post of `person`; their ids."""
    with app.app_context():
        made = {
            "todo": todo.add(get_db("todo.db"), person.id, "Carol's secret to-do", None, "", NOW),
            "event": scheduler.add(
                get_db("schedule.db"),
                person.id,
                scheduler.EventData(NOW.date(), None, None, "Carol's private event", ""),
                NOW,
            ),
            "post": bulletin.add_post(
                get_db("bulletin.db"), person.id, "Carol's post", "body", NOW
            ),
        }
    return made


def test_a_new_person_never_gets_a_removed_persons_id_or_things(app, people, clock):
    carol = people["carol"]  # the highest id: the one SQLite would give again
    made = private_things(app, carol)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "remove", "carol"]).exit_code == 0
    added = runner.invoke(
        args=[
            "user",
            "add",
            "dave",
            "--name",
            "Dave Evans",
            "--group",
            "Accounting",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    with app.app_context():
        dave = get_db("system.db").execute("SELECT id FROM users WHERE login = 'dave'").fetchone()
        assert dave["id"] != carol.id
        # Carol's private items are gone with her; her post stays.
        assert (
            get_db("todo.db")
            .execute("SELECT count(*) FROM todos WHERE owner_id = ?", (carol.id,))
            .fetchone()[0]
            == 0
        )
        assert (
            get_db("schedule.db")
            .execute("SELECT count(*) FROM events WHERE owner_id = ?", (carol.id,))
            .fetchone()[0]
            == 0
        )
    browser = app.test_client()
    login(browser, "dave", PASSWORD)
    assert "Carol's secret to-do" not in browser.get("/todo/").get_data(as_text=True)
    assert browser.get(f"/todo/{made['todo']}/edit").status_code == 404
    assert browser.get(f"/scheduler/{made['event']}").status_code == 404
    board = browser.get("/bulletin/").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*Carol(?:&#39;|')s post.*?</tr>", board, re.S).group(0)
    assert "Carol Diaz (removed)" in row and "Dave Evans" not in row


def test_an_upgraded_instance_reserves_the_ids_of_people_removed_before(tmp_path, clock):
    instance = tmp_path / "old"
    app = open_app({"INSTANCE_PATH": str(instance), "CLOCK": clock, "TIMEZONE": "UTC"})
    with app.app_context():
        conn = get_db("system.db")
        eve = add_user(conn, "eve", "Eve Fox", "Sales", hash_password(PASSWORD), NOW)
        todo.add(get_db("todo.db"), eve.id, "Eve's to-do", None, "", NOW)
        # As the portal removed people before: the row deleted, the to-do left behind,
        # and system.db at schema version 4.
        conn.execute("DELETE FROM users WHERE id = ?", (eve.id,))
        conn.execute("DROP TABLE removed_users")
        conn.execute("PRAGMA user_version = 4")
    from portal.db import close_kept_connections

    close_kept_connections()
    upgraded = open_app({"INSTANCE_PATH": str(instance), "CLOCK": clock, "TIMEZONE": "UTC"})
    with upgraded.app_context():
        frank = add_user(get_db("system.db"), "frank", "Frank Gray", "Sales", None, NOW)
    assert frank.id != eve.id
    conn = sqlite3.connect(instance / "data" / "system.db")
    assert (
        conn.execute("SELECT count(*) FROM removed_users WHERE id = ?", (eve.id,)).fetchone()[0]
        == 1
    )
    conn.close()


def test_a_restore_of_system_db_never_frees_an_id(app, people, clock):

    with app.app_context():
        data_backup_of(app).run_backup(["system.db"], "tester")
        conn = get_db("system.db")
        gina = add_user(conn, "gina", "Gina Hill", "Sales", None, NOW)  # after the copy
        todo.add(get_db("todo.db"), gina.id, "Gina's to-do", None, "", NOW)
        data_backup_of(app).restore("system.db", 0, "tester")  # gina is gone again
        hank = add_user(get_db("system.db"), "hank", "Hank Ives", "Sales", None, NOW)
    assert hank.id != gina.id


def test_an_administrator_made_again_gets_a_new_id_too(app, people, clock):
    from portal.users import ensure_admin, remove_user

    with app.app_context():
        conn = get_db("system.db")
        carol = remove_user(conn, "carol", clock())
        conn.execute("DELETE FROM users WHERE login = 'admin'")  # lost by hand
        admin = ensure_admin(conn, clock())
    assert admin.id > carol.id
