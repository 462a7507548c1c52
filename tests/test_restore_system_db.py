"""Issue 10, defect 2: restoring system.db brought back ended sessions and erased the
audit entries written since the copy. After a restore, the sessions, the audit log and
the login throttle are those of the moment of the restore; everything else in
system.db (people, passwords, groups, settings) is the copy's."""

from __future__ import annotations

from portal.db import close_kept_connections
from portal.web import data_backup_of, get_db
from tests.helpers import PASSWORD, login, logout
from tests.settings_helpers import elevated

COOKIE = "portal_session"


def back_up_system_db(app) -> None:
    with app.app_context():
        data_backup_of(app).run_backup(["system.db"], "tester")


def restore_system_db(app) -> None:
    with app.app_context():
        data_backup_of(app).restore("system.db", 0, "tester")


def audit_actions(app) -> list[str]:
    with app.app_context():
        rows = get_db("system.db").execute("SELECT action FROM audit_log ORDER BY id")
        return [row["action"] for row in rows]


def test_a_session_ended_after_the_copy_stays_ended(app, people):
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    cookie = alice.get_cookie(COOKIE).value
    back_up_system_db(app)  # the copy holds alice's session
    logout(alice)
    restore_system_db(app)
    replayed = app.test_client()
    replayed.set_cookie(COOKIE, cookie)
    answer = replayed.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_sessions_live_at_the_restore_survive_it(app, people):
    back_up_system_db(app)
    admin = elevated(app, "admin")  # logged in after the copy was taken
    restore_system_db(app)
    assert admin.get("/settings/data-backup").status_code == 200  # still in, still elevated


def test_a_restore_never_erases_history(app, people):
    back_up_system_db(app)
    bob = app.test_client()
    login(bob, "bob", PASSWORD)  # written down after the copy
    login(app.test_client(), "carol", "a wrong password")
    before = audit_actions(app)
    restore_system_db(app)
    after = audit_actions(app)
    assert after[: len(before)] == before
    assert after[len(before) :] == ["restore completed"]


def test_a_restore_does_not_unlock_a_locked_name(app, people):
    back_up_system_db(app)
    guesser = app.test_client()
    for _ in range(5):
        login(guesser, "alice", "a wrong password")
    restore_system_db(app)
    refused = login(app.test_client(), "alice", PASSWORD)
    assert refused.status_code != 302
    assert "Too many wrong passwords" in refused.get_data(as_text=True)


def test_the_confirmation_screen_says_what_returns_and_what_stays(app, people):
    back_up_system_db(app)
    page = elevated(app, "admin").get("/settings/data-backup/restore?file=system.db&generation=0")
    text = page.get_data(as_text=True)
    assert "people, their passwords, the groups and the settings" in text
    assert "sessions, the audit log and the login throttle stay as they are now" in text


def test_restoring_a_missing_system_db_ends_every_session(app, people, instance_path):
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    back_up_system_db(app)  # the copy holds alice's session
    close_kept_connections()  # the file is lost while no connection holds it (Windows)
    for part in instance_path.glob("data/system.db*"):
        part.unlink()
    restore_system_db(app)  # nothing of the present to keep: no session comes back
    answer = alice.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert "restore completed" in audit_actions(app)


def test_every_column_of_the_present_tables_is_carried(app):
    import re

    from portal.system_restore import KEEP_THE_PRESENT

    carried = {}
    for statement in KEEP_THE_PRESENT:
        if match := re.match(r"INSERT INTO main\.(\w+) \(([^)]*)\)", statement):
            carried[match.group(1)] = {c.strip() for c in match.group(2).split(",")}
    with app.app_context():
        conn = get_db("system.db")
        for table, columns in carried.items():
            actual = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            assert columns == actual, table
    assert set(carried) == {"sessions", "audit_log", "login_failures", "login_lockouts"}


def test_people_added_since_the_copy_are_kept_removed_at_the_portal_clocks_time(app, people, clock):
    """Issue 22, one clock: the ids of people added since the copy are kept as removed,
    dated by the portal's clock and in the data files' one time format. SQLite's own
    strftime('now') was read instead: the real time, whatever the portal's clock said,
    and in a second format ('...+00:00' beside to_db's '...Z')."""
    from portal.clock import to_db
    from portal.passwords import hash_password
    from portal.users import add_user

    with app.app_context():
        data_backup_of(app).run_backup(["system.db"], "tester")
        added = add_user(
            get_db("system.db"), "dave", "Dave Evans", "Sales", hash_password(PASSWORD), clock()
        )
    clock.advance(hours=2)
    restore_system_db(app)
    with app.app_context():
        row = (
            get_db("system.db")
            .execute("SELECT login, removed_at FROM removed_users WHERE id = ?", (added.id,))
            .fetchone()
        )
    assert (row["login"], row["removed_at"]) == ("dave", to_db(clock()))
