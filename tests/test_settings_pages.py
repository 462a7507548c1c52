"""Schedule Data Backup, Data Backup and Backup history, as an elevated user meets them."""

from __future__ import annotations

import os
import re
import time as wall
from datetime import time

import pytest

from portal.reminder import store
from portal.web import get_db
from tests.helpers import PASSWORD, login, submit, utc
from tests.serving import ROOT
from tests.settings_helpers import elevated


def schedule(client, **data):
    return submit(client, "/settings/schedule-backup", data=data)


def members_of(app) -> set[str]:
    with app.app_context():
        return {u.login for u in store.members(get_db("system.db"))}


def test_schedule_page_shows_the_manuals_controls(app, people):
    page = elevated(app).get("/settings/schedule-backup").get_data(as_text=True)
    for label in ("Group", "Add", "Schedule Data Backup", "Save", "From", "Until"):
        assert label in page
    assert 'value="12:00"' in page and 'value="18:00"' in page


def test_group_pull_down_filters_the_users(app, people):
    alice = elevated(app)
    sales = str(people["alice"].group_id)
    page = schedule(alice, action="filter", group=sales, start="12:00", end="18:00")
    users = re.search(r'<select[^>]*id="candidates".*?</select>', page.get_data(as_text=True), re.S)
    names = set(re.findall(r">([^<]+)</option>", users.group(0)))
    assert names == {"Alice Brown", "Bob Clark"}


def test_add_then_save(app, people, clock):
    alice = elevated(app)
    ids = [str(people["alice"].id), str(people["bob"].id)]
    added = schedule(alice, action="add", candidates=ids, start="12:00", end="18:00")
    page = added.get_data(as_text=True)
    members = re.search(r'<select[^>]*id="selected_members".*?</select>', page, re.S).group(0)
    assert "Alice Brown" in members and "Bob Clark" in members
    assert "Not saved yet" in page
    assert members_of(app) == set()  # Add alone stores nothing
    hidden = re.search(r'name="members" type="hidden" value="([^"]*)"', page).group(1)
    saved = schedule(alice, action="save", members=hidden, enabled="y", start="12:00", end="18:00")
    assert saved.headers["Location"] == "/settings/schedule-backup"
    assert "Saved." in alice.get("/settings/schedule-backup").get_data(as_text=True)
    assert members_of(app) == {"alice", "bob"}
    with app.app_context():
        assert store.get_settings(get_db("system.db")).enabled
    # At once: bob is forwarded in the afternoon.
    clock.set(utc(2026, 11, 27, 13, 0))
    bob = app.test_client()
    login(bob, "bob", PASSWORD)
    assert bob.get("/").headers["Location"].startswith("/backup/")


def test_remove_and_switch_off(app, people, clock):
    with app.app_context():
        conn = get_db("system.db")
        store.add_members(conn, [people["alice"].id, people["bob"].id], clock())
        store.save_settings(conn, store.ReminderSettings(True))
    alice = elevated(app)
    members = f"{people['alice'].id},{people['bob'].id}"
    removed = schedule(
        alice,
        action="remove",
        members=members,
        selected_members=[str(people["bob"].id)],
        enabled="y",
        start="12:00",
        end="18:00",
    ).get_data(as_text=True)
    hidden = re.search(r'name="members" type="hidden" value="([^"]*)"', removed).group(1)
    assert hidden == str(people["alice"].id)
    schedule(alice, action="save", members=hidden, start="13:00", end="17:30")  # box unticked
    assert members_of(app) == {"alice"}
    with app.app_context():
        assert store.get_settings(get_db("system.db")) == store.ReminderSettings(
            False, time(13), time(17, 30)
        )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("18:00", "12:00", "The reminder must end after it starts."),
        ("25:00", "18:00", "Give the time as HH:MM in 24 hours, e.g. 09:30 or 18:00."),
        ("", "18:00", "Give the time the reminder starts."),
    ],
)
def test_bad_times_are_explained_and_nothing_is_saved(app, people, start, end, message):
    alice = elevated(app)
    member = str(people["carol"].id)
    response = schedule(alice, action="save", members=member, enabled="y", start=start, end=end)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{end}"' in page  # typed input kept
    assert "Carol Diaz" in page  # and the list being edited
    assert members_of(app) == set()


def test_saving_is_audited(app, people):
    alice = elevated(app)
    schedule(
        alice,
        action="save",
        members=str(people["carol"].id),
        enabled="y",
        start="12:00",
        end="18:00",
    )
    with app.app_context():
        rows = (
            get_db("system.db")
            .execute("SELECT detail FROM audit_log WHERE action = 'backup schedule saved'")
            .fetchall()
        )
    assert "Schedule Data Backup on, 12:00 to 18:00; Data Backup Group: carol" in rows[0][0]


def finish(client, url: str) -> str:
    deadline = wall.monotonic() + 30
    while True:
        page = client.get(url).get_data(as_text=True)
        if "Backup in progress" not in page:
            return page
        assert wall.monotonic() < deadline
        wall.sleep(0.05)


def press(client, file: str = "") -> str:
    response = submit(
        client, "/settings/data-backup", "/settings/data-backup/backup", data={"file": file}
    )
    assert response.status_code == 302
    return finish(client, response.headers["Location"])


def row_button(page: str, name: str) -> str:
    row = re.search(rf"<code>{re.escape(name)}</code>.*?</tr>", page, re.S).group(0)
    return re.search(r'aria-label="(Create|Update) ', row).group(1)


def test_create_then_update(app, people, instance_path):
    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert row_button(page, "todo.db") == "Create"
    assert str(instance_path / "backup") in page and "free disk space" in page
    result = press(admin, "todo.db")
    assert "Backup complete" in result and "<code>todo.db</code>" in result
    assert "<code>system.db</code>" not in result  # one file only
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert row_button(page, "todo.db") == "Update"
    assert row_button(page, "system.db") == "Create"
    assert "27 Nov 2026 09:00 by Administrator" in page


def test_back_up_all_and_generations(app, people, clock):
    admin = elevated(app, "admin")
    press(admin)
    clock.advance(days=1)
    admin = elevated(app, "admin")
    press(admin)
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    section = re.search(r"Copies of <code>todo.db</code>.*?</section>", page, re.S).group(0)
    assert "<td>newest copy</td>" in section and "<td>1</td>" in section
    assert "28 Nov 2026 09:00" in section and "27 Nov 2026 09:00" in section
    assert "verified when taken" in section


def test_verify_reports_problems_by_file_and_generation(app, people, instance_path):
    admin = elevated(app, "admin")
    press(admin)
    ok = submit(admin, "/settings/data-backup", "/settings/data-backup/verify")
    assert "All 4 recorded copies were verified: integrity and SHA-256 are good." in admin.get(
        ok.headers["Location"]
    ).get_data(as_text=True)
    copy = instance_path / "backup" / "todo.db"
    stamp = copy.stat().st_mtime
    copy.write_bytes(copy.read_bytes()[:-10] + b"corrupted!")
    os.utime(copy, (stamp, stamp))
    bad = submit(admin, "/settings/data-backup", "/settings/data-backup/verify")
    page = admin.get(bad.headers["Location"]).get_data(as_text=True)
    assert "1 problem found: todo.db, newest copy: SHA-256 differs" in page


def test_restore_behind_a_confirmation(app, people, clock):
    admin = elevated(app, "admin")
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    submit(alice, "/todo/", data={"title": "From yesterday"})
    press(admin)
    clock.advance(days=1)
    login(alice, "alice", PASSWORD)
    submit(alice, "/todo/", data={"title": "From today"})
    assert "From today" in alice.get("/todo/").get_data(as_text=True)  # and the flash is read
    admin = elevated(app, "admin")
    press(admin)  # today's copy; yesterday's is now generation 1
    confirm = admin.get("/settings/data-backup/restore?file=todo.db&generation=1")
    page = confirm.get_data(as_text=True)
    assert "<strong>replaced</strong>" in page
    assert "27 Nov 2026 09:00" in page and "generation 1" in page
    assert "safety copy" in page
    done = submit(
        admin,
        "/settings/data-backup/restore?file=todo.db&generation=1",
        "/settings/data-backup/restore",
        data={"file": "todo.db", "generation": "1"},
    )
    assert "Restored todo.db from the copy taken 27 Nov 2026 09:00" in admin.get(
        done.headers["Location"]
    ).get_data(as_text=True)
    todos = alice.get("/todo/").get_data(as_text=True)
    assert "From yesterday" in todos and "From today" not in todos
    with app.app_context():
        actions = [r[0] for r in get_db("system.db").execute("SELECT action FROM audit_log")]
    assert "restore completed" in actions


BAD_FILES = [
    "../system.db",
    "..%2fsystem.db",
    "%2e%2e/system.db",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "todo.db/../system.db",
    "",
    "TODO.DB",
    "todo.db\x00",
]


@pytest.mark.parametrize("name", BAD_FILES)
def test_file_parameters_are_checked_against_the_list(app, people, name):
    admin = elevated(app, "admin")
    from urllib.parse import quote

    assert (
        admin.get(f"/settings/data-backup/restore?file={quote(name)}&generation=0").status_code
        == 404
    )
    restore = submit(
        admin,
        "/settings/data-backup",
        "/settings/data-backup/restore",
        data={"file": name, "generation": "0"},
    )
    assert restore.status_code in (400, 404)
    if name:
        backup = submit(
            admin, "/settings/data-backup", "/settings/data-backup/backup", data={"file": name}
        )
        assert backup.status_code in (400, 404)


@pytest.mark.parametrize("generation", ["8", "-1", "1.5", "abc", "", "0x1", "１"])
def test_generation_parameters_are_checked(app, people, clock, generation):
    admin = elevated(app, "admin")
    press(admin)
    clock.advance(days=1)
    admin = elevated(app, "admin")
    press(admin)  # generation 1 exists too, so a value read as 1 would find a copy
    url = f"/settings/data-backup/restore?file=todo.db&generation={generation}"
    assert admin.get(url).status_code == 404


def test_history_newest_first_and_paged(app, people, clock):
    from portal import audit

    with app.app_context():
        conn = get_db("system.db")
        for n in range(60):
            clock.advance(seconds=1)
            audit.record(conn, clock(), "backup completed", "tester", detail=f"run {n}")
    admin = elevated(app, "admin")
    first = admin.get("/settings/history").get_data(as_text=True)
    assert first.index("run 59") < first.index("run 58")
    assert "run 10<" in first and "run 9<" not in first  # 50 a page
    older = re.search(r'<a href="([^"]+)">Older', first).group(1).replace("&amp;", "&")
    assert "kind=" in older  # the chosen kinds go along
    second = admin.get(older).get_data(as_text=True)
    assert "run 9<" in second and "run 0<" in second and "run 10<" not in second
    assert "Older" not in second and "Back to the newest" in second
    newer = re.search(r'<a href="([^"]+)">← Newer', second).group(1).replace("&amp;", "&")
    assert admin.get(newer).get_data(as_text=True).count("run ") == first.count("run ")


def test_history_says_what_its_default_hides_and_shows_everything_in_one_click(app, people):
    """Issue 24, item 8: the docs say the Backup history lists elevations, group changes
    and settings; by default they were hidden without a word. The default says what it
    does not show, and Show everything shows every kind."""
    import html

    admin = elevated(app)  # alice's elevation is an entry of its own (sign-ins)
    page = " ".join(html.unescape(admin.get("/settings/history").get_data(as_text=True)).split())
    assert "By default this shows backups, restores and bring-backs, reminders and skips." in page
    assert "Not shown: notices sent, sign-ins, settings and people." in page
    everything = re.search(r'<a href="([^"]+)">Show everything</a>', page).group(1)
    shown = " ".join(html.unescape(admin.get(everything).get_data(as_text=True)).split())
    assert "elevation granted" in shown and "Not shown" not in shown
    said = (ROOT / "docs" / "data-backup.md").read_text(encoding="utf-8")
    assert "**Show everything**" in said
