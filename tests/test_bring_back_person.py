"""Bring back a removed colleague (issue 23, item 4): the account as it was in a copy of
system.db taken before the removal (id, login, name, group, password; no session), the
Data Backup Group membership, and their to-dos and events from the newest copies that
still hold them; refused, changing nothing, when the copy does not hold them or they are
live."""

from __future__ import annotations

import html
import re
from datetime import date, time, timedelta

import pytest

from portal import people as people_mod
from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.bring_back.bring import BringBackError
from portal.bring_back.copies import CopyRef
from portal.bring_back.person import bring_back_person
from portal.passwords import hash_password
from portal.reminder import store as reminder
from portal.users import add_user, find_user, names_by_login
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import PASSWORD, login, submit
from tests.serving import run_flask
from tests.settings_helpers import elevated


def _bring(app, login_name, generation=0, password_hash=None):
    return bring_back_person(
        instance_of(app),
        data_backup_of(app),
        login_name,
        CopyRef(generation),
        "admin",
        password_hash,
    )


@pytest.fixture
def bob_removed(app, people, clock):
    """bob, in the Data Backup Group, with two to-dos, an event and a post; backed up;
    then removed, and logged in nowhere."""
    bob = people["bob"]
    with app.app_context():
        reminder.add_members(get_db("system.db"), [bob.id], clock())
        todos = get_db("todo.db")
        for title in ("Call the supplier", "Order paper"):
            todo.add(todos, bob.id, title, date(2026, 12, 1), "", clock())
        event = scheduler.EventData(date(2026, 11, 30), time(10), time(11), "Supplier visit", "")
        scheduler.add(get_db("schedule.db"), bob.id, event, clock())
        bulletin.add_post(get_db("bulletin.db"), bob.id, "Paper prices", "Up again.", clock())
        before = find_user(get_db("system.db"), "bob")
        data_backup_of(app).run_backup(None, "admin")
    people_mod.remove(instance_of(app), "bob", clock())
    return before


def test_a_removed_person_comes_back_with_their_to_dos_and_events(app, people, bob_removed):
    with app.app_context():
        assert "bob clark (removed)" in {
            v.lower() for v in names_by_login(get_db("system.db")).values()
        }
    back = _bring(app, "bob")
    assert back.sentences() == [
        "Bob Clark (bob) is back in Sales, in the Data Backup Group again.",
        "2 to-do items from the newest copy of todo.db.",
        "1 event from the newest copy of schedule.db.",
    ]
    with app.app_context():
        system = get_db("system.db")
        bob = find_user(system, "bob")
        assert (bob.id, bob.name, bob.group_name) == (bob_removed.id, "Bob Clark", "Sales")
        assert reminder.is_member(system, bob.id)
        assert (
            system.execute("SELECT count(*) FROM sessions WHERE user_id = ?", (bob.id,)).fetchone()[
                0
            ]
            == 0
        )
        assert names_by_login(system)["bob"] == "Bob Clark"  # his posts: no longer "(removed)"
        titles = {
            r[0]
            for r in get_db("todo.db").execute(
                "SELECT title FROM todos WHERE owner_id = ?", (bob.id,)
            )
        }
        assert titles == {"Call the supplier", "Order paper"}
        assert (
            get_db("schedule.db")
            .execute("SELECT title FROM events WHERE owner_id = ?", (bob.id,))
            .fetchone()[0]
            == "Supplier visit"
        )
        (action, detail) = system.execute(
            "SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert action == "person brought back" and "Bob Clark (bob) is back" in detail
    client = app.test_client()
    assert login(client, "bob", PASSWORD).status_code == 302  # the password he had


def test_a_new_password_when_asked(app, people, bob_removed):
    _bring(app, "bob", password_hash=hash_password("a new one for bob"))
    client = app.test_client()
    assert login(client, "bob", PASSWORD).status_code != 302
    assert login(client, "bob", "a new one for bob").status_code == 302


def test_refused_changing_nothing(app, people, clock, bob_removed):
    with pytest.raises(BringBackError, match="has nobody with the login 'nobody'"):
        _bring(app, "nobody")
    with pytest.raises(BringBackError, match="has an account now"):
        _bring(app, "alice")  # never removed
    with app.app_context():  # someone new has his login meanwhile
        add_user(
            get_db("system.db"), "bob", "Bob Newman", "Sales", hash_password(PASSWORD), clock()
        )
    with pytest.raises(BringBackError, match="someone else has that login"):
        _bring(app, "bob")
    with app.app_context():
        assert find_user(get_db("system.db"), "bob").name == "Bob Newman"
        assert (
            get_db("todo.db")
            .execute("SELECT count(*) FROM todos WHERE owner_id = ?", (bob_removed.id,))
            .fetchone()[0]
            == 0
        )


def test_the_command_from_outside(app, people, bob_removed, instance_path):
    back = run_flask(instance_path, "user", "bring-back", "bob", "--generation", "0", "--yes")
    assert back.returncode == 0, back.stderr
    assert "Bob Clark (bob) is back in Sales" in back.stdout
    again = run_flask(instance_path, "user", "bring-back", "bob", "-g", "0", "--yes")
    assert again.returncode == 1 and "Error: bob has an account now" in again.stderr


# -- on the pages (issue 23: Open on a copy of system.db; "bring the person back first") --


def _page(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def test_the_page_lists_who_was_removed_and_brings_them_back(app, people, bob_removed):
    admin = elevated(app, "admin")
    index = admin.get("/settings/data-backup").get_data(as_text=True)
    assert 'href="/settings/data-backup/copies/system.db/0"' in index
    listing = _page(admin.get("/settings/data-backup/copies/system.db/0"))
    assert "1 removed since" in listing and "Bob Clark" in listing
    assert "Alice Brown" not in listing  # unchanged: hidden unless asked for
    assert "Alice Brown" in _page(admin.get("/settings/data-backup/copies/system.db/0?show=all"))
    confirm = f"/settings/data-backup/copies/system.db/0/people/{bob_removed.id}"
    asked = _page(admin.get(confirm))
    assert "comes back with the same id, in the group Sales" in asked
    assert "put back in the Data Backup Group" in asked
    assert "Their 1 post on the Bulletin Board is no longer marked “(removed)”." in asked
    with app.app_context():  # asking changed nothing
        assert find_user(get_db("system.db"), "bob") is None
    short = submit(admin, confirm, data={"password": "new", "new_password": "x", "again": "x"})
    said = _page(short)
    assert short.status_code == 400
    assert "A password needs at least 8 characters." in said
    assert '<input checked id="password-1" name="password" type="radio" value="new">' in said
    done = submit(admin, confirm, data={"password": "old"}, follow_redirects=True)
    shown = _page(done)
    assert "Bob Clark (bob) is back in Sales, in the Data Backup Group again." in shown
    assert "2 to-do items from the newest copy of todo.db." in shown
    member = app.test_client()
    assert login(member, "bob", PASSWORD).status_code == 302  # the password he had


def test_an_item_of_someone_removed_leads_to_bringing_them_back_first(app, people, bob_removed):
    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup/copies/todo.db/0?person=bob").get_data(as_text=True)
    link = f'href="/settings/data-backup/people/{bob_removed.id}"'
    assert link in page and "Bring them back first" in page
    led = admin.get(f"/settings/data-backup/people/{bob_removed.id}")
    assert led.headers["Location"].endswith(
        f"/settings/data-backup/copies/system.db/0/people/{bob_removed.id}"
    )
    nobody = admin.get("/settings/data-backup/people/999", follow_redirects=True)
    assert "No copy of system.db holds this person" in _page(nobody)
    alice = people["alice"].id  # not removed: no page to bring her back
    assert admin.get(f"/settings/data-backup/copies/system.db/0/people/{alice}").status_code == 404
    confirm = f"/settings/data-backup/copies/system.db/0/people/{bob_removed.id}"
    assert admin.post(confirm, data={"password": "old"}).status_code == 400  # no CSRF token
    with app.app_context():
        assert find_user(get_db("system.db"), "bob") is None


def test_a_deleted_group_comes_back_before_its_people(app, people, clock):
    """A group deleted since comes back (empty, by its name), then its people into it."""
    admin = elevated(app, "admin")
    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
    people_mod.remove(instance_of(app), "carol", clock())
    with app.app_context():
        system = get_db("system.db")
        system.execute("DELETE FROM groups WHERE name = 'Accounting'")
    listing = _page(admin.get("/settings/data-backup/copies/system.db/0"))
    assert "<td>Accounting</td><td>deleted since</td>" in listing
    carol = people["carol"].id
    confirm = f"/settings/data-backup/copies/system.db/0/people/{carol}"
    assert "in no group: the group Accounting has been deleted since" in _page(admin.get(confirm))
    page = "/settings/data-backup/copies/system.db/0"
    html_page = admin.get(page).get_data(as_text=True)
    action = re.search(r'action="(/settings/data-backup/copies/system.db/0/groups/\d+)"', html_page)
    done = submit(admin, page, action.group(1), follow_redirects=True)
    assert "The group Accounting is back" in _page(done)
    again = submit(admin, page, action.group(1), follow_redirects=True)
    assert "A group named 'Accounting' exists now" in _page(again)
    back = submit(admin, confirm, data={"password": "old"}, follow_redirects=True)
    assert "Carol Diaz (carol) is back in Accounting." in _page(back)


def test_a_changed_colleague_is_set_back_only_when_chosen(app, people, clock):
    """A person changed since (renamed, moved out of the Data Backup Group, a new
    password) is set back to the copy only when the administrator chooses it, in one
    step that ends their sessions when the password goes back; never the Administrator,
    never onto a login someone else has."""
    from portal.auth import sessions
    from portal.passwords import set_password

    bob = people["bob"]
    with app.app_context():
        system = get_db("system.db")
        reminder.add_members(system, [bob.id], clock())
        data_backup_of(app).run_backup(None, "admin")
        system.execute("UPDATE users SET name = 'Robert Clark' WHERE id = ?", (bob.id,))
        reminder.remove_members(system, [bob.id])
        set_password(system, bob.id, hash_password("a new password"))
        sessions.start(system, bob.id, clock(), timedelta(hours=8))
    admin = elevated(app, "admin")
    listing = _page(admin.get("/settings/data-backup/copies/system.db/0"))
    assert "changed since: name, in Data Backup Group, password" in listing
    assert "a new password" not in listing and "scrypt" not in listing  # no hash shown
    confirm = f"/settings/data-backup/copies/system.db/0/people/{bob.id}/set-back"
    asked = _page(admin.get(confirm))
    assert "Name: now “Robert Clark”, back to “Bob Clark”." in asked
    assert "They are put back in the Data Backup Group." in asked
    assert "every session of theirs ends" in asked
    with app.app_context():  # asking changed nothing
        assert find_user(get_db("system.db"), "bob").name == "Robert Clark"
    done = submit(admin, confirm, follow_redirects=True)
    assert "Bob Clark (bob) is set back to the newest copy of system.db" in _page(done)
    with app.app_context():
        system = get_db("system.db")
        assert find_user(system, "bob").name == "Bob Clark"
        assert reminder.is_member(system, bob.id)
        assert (
            system.execute("SELECT count(*) FROM sessions WHERE user_id = ?", (bob.id,)).fetchone()[
                0
            ]
            == 0
        )
    member = app.test_client()
    assert login(member, "bob", PASSWORD).status_code == 302  # the password he had
    nothing = submit(admin, "/settings/data-backup", confirm, follow_redirects=True)
    assert "not changed since the copy; nothing was set back" in _page(nothing)
    with app.app_context():  # the Administrator's account changed since: not set back
        get_db("system.db").execute(
            "UPDATE users SET name = 'The Boss' WHERE id = ?", (people["admin"].id,)
        )
    own = f"/settings/data-backup/copies/system.db/0/people/{people['admin'].id}/set-back"
    refused = submit(admin, "/settings/data-backup", own, follow_redirects=True)
    assert "The Administrator's account is not set back from a copy" in _page(refused)


def test_a_login_someone_has_now_or_a_deleted_group_is_never_set_back(app, people, clock):
    bob, carol = people["bob"], people["carol"]
    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
        system = get_db("system.db")
        system.execute("UPDATE users SET login = 'robert' WHERE id = ?", (bob.id,))
        system.execute("UPDATE users SET login = 'bob' WHERE id = ?", (carol.id,))
    admin = elevated(app, "admin")
    confirm = f"/settings/data-backup/copies/system.db/0/people/{bob.id}/set-back"
    refused = submit(admin, confirm, follow_redirects=True)
    assert "Someone else has the login 'bob' now; nothing was set back." in _page(refused)
    with app.app_context():
        system = get_db("system.db")
        assert find_user(system, "robert").id == bob.id
        system.execute("UPDATE users SET login = 'carol' WHERE id = ?", (carol.id,))
        system.execute("DELETE FROM groups WHERE name = 'Sales'")  # bob's group then
    refused = submit(admin, confirm, follow_redirects=True)
    assert "The group Sales was deleted since: bring it back first." in _page(refused)
    with app.app_context():
        assert find_user(get_db("system.db"), "robert").id == bob.id
