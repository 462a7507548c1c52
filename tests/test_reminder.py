"""The daily backup reminder through the test client: forwarding, the Backup page, the
confirmation screen, the run and its result, Skip, the portlet, two members at once,
failure, and the audit log."""

from __future__ import annotations

import time as wall
from datetime import time

import pytest

from portal.backup import lock as backup_lock
from portal.backup.fileops import FileOps
from portal.reminder import store
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import PASSWORD, login, submit, utc


@pytest.fixture
def office(app, people, clock):
    """Schedule Data Backup on; alice and bob in the Data Backup Group; 14:00 in Berlin."""
    with app.app_context():
        conn = get_db("system.db")
        store.save_settings(conn, store.ReminderSettings(True, time(12), time(18)))
        store.add_members(conn, [people["alice"].id, people["bob"].id], clock())
    clock.set(utc(2026, 11, 27, 13, 0))
    return people


def browser(app, name):
    client = app.test_client()
    assert login(client, name, PASSWORD).status_code == 302
    return client


def forwarded_to(response) -> str | None:
    if response.status_code == 302 and response.headers["Location"].startswith("/backup/"):
        return response.headers["Location"]
    return None


def finish(client, run_url: str, timeout: float = 30) -> str:
    """Follow a backup's progress page until it is over, as its refresh would."""
    deadline = wall.monotonic() + timeout
    while True:
        page = client.get(run_url).get_data(as_text=True)
        if "Backup in progress" not in page:
            return page
        assert wall.monotonic() < deadline, "the backup did not finish"
        wall.sleep(0.05)


def back_up(client, next_url="/") -> str:
    """Press Backup, then Confirm, and wait for the result."""
    response = submit(client, f"/backup/confirm?next={next_url}", data={"next": next_url})
    assert response.status_code == 302
    run_url = response.headers["Location"]
    assert run_url.startswith("/backup/run/")
    return finish(client, run_url)


def test_a_member_is_forwarded_with_the_page_kept(app, office):
    alice = browser(app, "alice")
    assert forwarded_to(alice.get("/")) == "/backup/?next=/"
    assert (
        forwarded_to(alice.get("/scheduler/week?date=2026-11-27"))
        == "/backup/?next=/scheduler/week?date%3D2026-11-27"
    )


@pytest.mark.parametrize(
    ("hour", "minute", "second", "forwarded"),
    [(10, 59, 59, False), (11, 0, 0, True), (16, 59, 59, True), (17, 0, 0, False)],
)
def test_the_window_in_berlin(app, office, clock, hour, minute, second, forwarded):
    alice = browser(app, "alice")
    clock.set(utc(2026, 11, 27, hour, minute, second))  # UTC; Berlin is one hour ahead
    assert (forwarded_to(alice.get("/")) is not None) is forwarded


def test_others_are_not_forwarded(app, office):
    carol = browser(app, "carol")  # not in the Data Backup Group
    assert carol.get("/").status_code == 200


def test_nothing_is_forwarded_when_the_switch_is_off(app, office, clock):
    with app.app_context():
        store.save_settings(get_db("system.db"), store.ReminderSettings(False))
    assert browser(app, "alice").get("/").status_code == 200


def test_what_is_never_forwarded(app, office):
    alice = browser(app, "alice")
    assert alice.get("/static/portal.css").status_code == 200
    assert alice.get("/backup/").status_code == 200
    assert alice.get("/backup/confirm").status_code == 200
    assert alice.get("/login").status_code == 302  # logged in: to the portal, not a loop
    fetch = alice.get("/todo/", headers={"Sec-Fetch-Dest": "empty"})
    assert fetch.status_code == 200


def test_a_post_in_the_window_is_saved(app, office):
    alice = browser(app, "alice")
    html = alice.get("/backup/").get_data(as_text=True)  # any page with a token
    from tests.helpers import csrf_token

    response = alice.post(
        "/bulletin/new",
        data={"csrf_token": csrf_token(html), "title": "Typed at 14:00", "body": "Not lost"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/bulletin/")
    with app.app_context():
        titles = [r[0] for r in get_db("bulletin.db").execute("SELECT title FROM posts")]
    assert titles == ["Typed at 14:00"]


def test_the_backup_page(app, office):
    alice = browser(app, "alice")
    page = alice.get("/backup/?next=/todo/").get_data(as_text=True)
    assert "Today's backup is not done yet." in page
    assert "Last backup:" in page and "none yet" in page
    assert ">Backup</button>" in page and ">Skip</button>" in page
    assert '<input type="hidden" name="next" value="/todo/">' in page  # Backup keeps it
    assert '<input name="next" type="hidden" value="/todo/">' in page  # and Skip


def test_the_confirmation_screen(app, office):
    alice = browser(app, "alice")
    page = alice.get("/backup/confirm?next=/todo/").get_data(as_text=True)
    for name in ("system.db", "schedule.db", "bulletin.db", "todo.db"):
        assert name in page
    assert "It should take <strong>a few seconds</strong>" in page
    assert "Everyone can keep working" in page
    assert ">Confirm</button>" in page and ">Cancel</a>" in page


def test_backup_result_and_the_way_back(app, office, instance_path):
    alice = browser(app, "alice")
    result = back_up(alice, "/todo/")
    assert "Backup complete" in result
    for name in ("system.db", "schedule.db", "bulletin.db", "todo.db"):
        assert f"<code>{name}</code>" in result
        assert (instance_path / "backup" / name).exists()
    assert result.count("<td>Verified</td>") == 4
    assert '<a href="/todo/" class="button primary">Continue to the page you wanted</a>' in result
    assert alice.get("/todo/").status_code == 200  # no longer forwarded


def test_once_one_member_backed_up_nobody_is_forwarded(app, office):
    alice, bob = browser(app, "alice"), browser(app, "bob")
    back_up(alice)
    assert bob.get("/").status_code == 200
    portal = bob.get("/").get_data(as_text=True)
    assert "Today's backup is done: Alice Brown backed up at 14:00." in portal


def test_skip(app, office, clock):
    alice, bob = browser(app, "alice"), browser(app, "bob")
    response = submit(alice, "/backup/?next=/todo/", "/backup/skip", data={"next": "/todo/"})
    assert response.headers["Location"] == "/todo/"
    assert alice.get("/").status_code == 200  # not forwarded again today
    assert forwarded_to(bob.get("/"))  # the others still are
    assert "You skipped it today." in alice.get("/").get_data(as_text=True)
    with app.app_context():
        rows = get_db("system.db").execute("SELECT action, actor FROM audit_log").fetchall()
    assert ("backup skipped", "alice") in [tuple(r) for r in rows]
    clock.set(utc(2026, 11, 28, 13, 0))  # the next afternoon
    assert forwarded_to(browser(app, "alice").get("/"))


def test_a_backup_from_the_command_line_counts(app, office):
    assert app.test_cli_runner().invoke(args=["backup", "run"]).exit_code == 0
    assert browser(app, "alice").get("/").status_code == 200


def test_todays_backup_needs_every_file(app, office):
    with app.app_context():
        data_backup_of(app).run_backup(["todo.db"], "command line")
    assert forwarded_to(browser(app, "alice").get("/"))
    with app.app_context():
        data_backup_of(app).run_backup(["system.db", "schedule.db", "bulletin.db"], "x")
    assert browser(app, "alice").get("/").status_code == 200


def test_yesterdays_backup_does_not_count_today(app, office, clock):
    clock.set(utc(2026, 11, 26, 13, 0))
    with app.app_context():
        data_backup_of(app).run_backup(None, "command line")
    clock.set(utc(2026, 11, 27, 13, 0))
    assert forwarded_to(browser(app, "alice").get("/"))


def test_the_portlet_is_there_in_the_morning_too(app, office, clock):
    clock.set(utc(2026, 11, 27, 7, 0))  # 08:00 in Berlin
    alice = browser(app, "alice")
    page = alice.get("/").get_data(as_text=True)
    assert 'id="p-backup">Data Backup<' in page
    assert "Today's backup is not done yet." in page
    assert "Data Backup<" not in browser(app, "carol").get("/").get_data(as_text=True)


def test_the_backup_page_is_for_members(app, office):
    assert browser(app, "carol").get("/backup/").status_code == 403


def test_two_members_pressing_backup_at_once_share_one_run(app, office, monkeypatch):
    gate = __import__("threading").Event()
    real = FileOps.snapshot

    def slow_snapshot(self, *args, **kwargs):
        gate.wait(10)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(FileOps, "snapshot", slow_snapshot)
    alice, bob = browser(app, "alice"), browser(app, "bob")
    first = submit(alice, "/backup/confirm", data={"next": "/"}).headers["Location"]
    second = submit(bob, "/backup/confirm", data={"next": "/"}).headers["Location"]
    assert first == second  # the same run
    assert "Backup in progress" in bob.get(second).get_data(as_text=True)
    gate.set()
    assert "Backup complete" in finish(bob, second)
    with app.app_context():
        actions = [r[0] for r in get_db("system.db").execute("SELECT action FROM audit_log")]
    assert actions.count("backup started") == 1


def test_a_run_in_another_process_is_waited_for(app, office, clock):
    with app.app_context():
        engine = data_backup_of(app).engine()
    alice = browser(app, "alice")
    local_now = instance_of(app).clock.now()
    with backup_lock.exclusive(engine.layout, "bob", local_now, wait=0):
        run_url = submit(alice, "/backup/confirm", data={"next": "/"}).headers["Location"]
        page = finish(alice, run_url)
        assert "A backup is already running (started by bob at 14:00)." in page
        assert "This page updates by itself" in page
        with app.app_context():
            store.record_done(get_db("system.db"), clock().date(), clock(), "bob")
    page = alice.get(run_url).get_data(as_text=True)
    assert "Today's backup is done: Bob Clark backed up at 14:00." in page


def test_a_failed_backup_says_so_and_the_reminder_stays(app, office, monkeypatch):
    monkeypatch.setattr(FileOps, "free_space", lambda self, path: 0)
    alice = browser(app, "alice")
    page = back_up(alice)
    assert "Backup failed" in page
    assert "Not enough free disk space" in page
    assert "Nothing was lost" in page
    assert forwarded_to(alice.get("/"))
    with app.app_context():
        actions = [r[0] for r in get_db("system.db").execute("SELECT action FROM audit_log")]
    assert "backup failed" in actions


def test_the_run_is_audited(app, office):
    back_up(browser(app, "alice"))
    with app.app_context():
        rows = get_db("system.db").execute("SELECT action, actor FROM audit_log").fetchall()
    pairs = [tuple(r) for r in rows]
    assert ("backup started", "alice") in pairs
    assert ("backup completed", "alice") in pairs


def test_progress_endpoint(app, office):
    alice = browser(app, "alice")
    run_url = submit(alice, "/backup/confirm", data={"next": "/"}).headers["Location"]
    finish(alice, run_url)
    data = alice.get(run_url + "/progress").get_json()
    assert data["state"] == "done" and data["percent"] == 100
    assert set(data["files"]) == {"system.db", "schedule.db", "bulletin.db", "todo.db"}
    assert alice.get("/backup/run/unknown").status_code == 404


def test_confirm_and_skip_need_a_csrf_token(app, office):
    alice = browser(app, "alice")
    assert alice.post("/backup/confirm", data={"next": "/"}).status_code == 400
    assert alice.post("/backup/skip", data={"next": "/"}).status_code == 400
    assert forwarded_to(alice.get("/"))


def test_next_stays_on_the_site(app, office):
    alice = browser(app, "alice")
    page = alice.get("/backup/?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in page
    response = submit(alice, "/backup/", "/backup/skip", data={"next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_the_portal_page_never_hashes_a_copy(app, office, clock, instance_path, monkeypatch):
    """Issue 12: what the portlet shows is read from the record and the disk, never by
    hashing copies, not even when backup.txt is lost (up to 32 copies on every page)."""
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
        clock.advance(days=1)
        data_backup_of(app).run_backup(None, "alice")  # two generations of four files
    (instance_path / "backup" / "backup.txt").unlink()
    alice = browser(app, "alice")
    hashed = []
    real = FileOps.sha256
    monkeypatch.setattr(
        FileOps, "sha256", lambda self, path: hashed.append(path) or real(self, path)
    )
    clock.set(utc(2026, 11, 28, 8, 0))  # the morning: the portal page with its portlet
    page = alice.get("/").get_data(as_text=True)
    assert 'id="p-backup"' in page  # the portlet is there
    assert "Last backup" in alice.get("/backup/").get_data(as_text=True)
    assert hashed == []
