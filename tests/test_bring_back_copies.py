"""Every copy has Open (issue 23, item 1): an off-site day (proven through the share's
checks, a sealed copy opened with the portal's keys, the share treated as hostile) and a
safety copy (unrecorded: opened only after "Open anyway"), as well as the generations.
The commands take --offsite DATE as `backup restore` does."""

from __future__ import annotations

import html
import os
import sqlite3

import pytest

from portal.apps.todo import store as todo
from portal.backup.errors import RestoreError, UnprovenCopy
from portal.bring_back import service
from portal.bring_back.copies import CopyRef
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import submit
from tests.offsite_helpers import use_share
from tests.serving import run_flask
from tests.settings_helpers import elevated

DAY = "2026-11-27"  # the test clock's day


def _text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


@pytest.fixture
def office(app, people, clock, tmp_path):
    """alice's two to-dos, backed up and sent off site; then both deleted."""
    share = use_share(app, tmp_path / "nas")
    with app.app_context():
        todos = get_db("todo.db")
        alice = people["alice"].id
        ids = [todo.add(todos, alice, title, None, "", clock()) for title in ("Minutes", "Plan")]
        data_backup_of(app).run_backup(None, "alice")
        for item_id in ids:
            todo.delete(todos, item_id, alice)
    return {"ids": ids, "share": share}


def _titles(app) -> set[str]:
    with app.app_context():
        return {row[0] for row in get_db("todo.db").execute("SELECT title FROM todos")}


def _share_files(share) -> dict:
    return {
        path: (path.read_bytes(), os.stat(path).st_mtime_ns)
        for path in sorted(share.rglob("*"))
        if path.is_file()
    }


def test_an_off_site_day_opens_and_brings_back_without_touching_the_share(app, office):
    share, ids = office["share"], office["ids"]
    before = _share_files(share)
    admin = elevated(app)
    index = admin.get("/settings/data-backup").get_data(as_text=True)
    url = f"/settings/data-backup/copies/todo.db/offsite-{DAY}"
    assert f'href="{url}"' in index
    page = _text(admin.get(url))
    assert f"The off-site copy of todo.db of {DAY}" in page and "2 deleted since" in page
    done = submit(
        admin,
        url,
        "/settings/data-backup/bring-back",
        data={"file": "todo.db", "copy": f"offsite-{DAY}", "item": str(ids[0])},
        follow_redirects=True,
    )
    assert f"To-do item {ids[0]} ('Minutes') is back." in _text(done)
    assert _titles(app) == {"Minutes"}
    assert _share_files(share) == before  # not a byte, not a file time
    leftovers = [p for p in (instance_of(app).backup_dir).rglob("*.opened")]
    assert leftovers == []
    with app.app_context():
        detail = (
            get_db("system.db")
            .execute("SELECT detail FROM audit_log WHERE action = 'items brought back'")
            .fetchone()[0]
        )
    assert f"from the off-site copy of todo.db of {DAY}" in detail


def test_an_off_site_copy_changed_on_the_share_is_refused(app, office):
    """The share is hostile ground: a copy swapped there never opens."""
    day = office["share"] / DAY
    sealed = day / "todo.db.age"
    sealed.write_bytes(sealed.read_bytes()[:-40] + os.urandom(40))
    with app.app_context(), pytest.raises(UnprovenCopy, match="Nothing was opened"):
        service.items(
            instance_of(app),
            data_backup_of(app),
            "todo.db",
            CopyRef(offsite=day_of(DAY)),
            "admin",
            force=True,  # never forced for an off-site copy: it does not open
        )
    sealed.unlink()
    sealed.symlink_to(day / "schedule.db.age")
    admin = elevated(app)
    refused = admin.get(
        f"/settings/data-backup/copies/todo.db/offsite-{DAY}", follow_redirects=True
    )
    assert "a link or a special file" in _text(refused) and "Nothing was opened" in _text(refused)
    assert _titles(app) == set()


def day_of(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_a_safety_copy_opens_only_after_open_anyway(app, people, clock, office):
    """The use of a safety copy: a restore threw away what was written since the copy;
    the to-do written then comes back from the safety copy, alone."""
    clock.advance(hours=2)
    with app.app_context():
        fresh = todo.add(get_db("todo.db"), people["bob"].id, "Written since", None, "", clock())
        data_backup_of(app).restore("todo.db", 0, "admin")  # keeps the safety copy first
        (safety,) = data_backup_of(app).engine().safety_copies()
    assert _titles(app) == {"Minutes", "Plan"}
    admin = elevated(app)
    url = f"/settings/data-backup/copies/todo.db/safety-{safety.path.name}"
    assert f'href="{url}"' in admin.get("/settings/data-backup").get_data(as_text=True)
    asked = _text(admin.get(url))
    assert "This copy cannot be proven" in asked and "Open anyway" in asked
    assert "deleted since" not in asked  # nothing of it shown before the answer
    opened = _text(admin.get(url + "?anyway=1"))
    assert "Opened anyway" in opened and "1 deleted since" in opened
    ref = CopyRef(safety=safety.path.name)
    with app.app_context(), pytest.raises(UnprovenCopy):  # not without the answer
        service.bring_back(instance_of(app), data_backup_of(app), "todo.db", ref, [fresh], "a")
    done = submit(
        admin,
        url + "?anyway=1",
        "/settings/data-backup/bring-back",
        data={"file": "todo.db", "copy": ref.token, "anyway": "1", "item": str(fresh)},
        follow_redirects=True,
    )
    assert f"To-do item {fresh} ('Written since') is back under the id 3 (its id {fresh} was " in (
        _text(done)
    )
    assert _titles(app) == {"Minutes", "Plan", "Written since"}


def test_copy_names_that_are_not_copies_are_refused(app, office):
    admin = elevated(app)
    for token in ("8", "-1", "offsite-2026-13-01", "safety-..", "safety-a/b", "anything"):
        assert admin.get(f"/settings/data-backup/copies/todo.db/{token}").status_code == 404
    other = admin.get(
        "/settings/data-backup/copies/todo.db/safety-system-20261127-090000.db",
        follow_redirects=True,
    )
    assert "todo.db has no safety copy" in _text(other)
    with app.app_context(), pytest.raises(RestoreError, match="no safety copy"):
        service.items(
            instance_of(app),
            data_backup_of(app),
            "todo.db",
            CopyRef(safety="../todo.db"),
            "admin",
            force=True,
        )


def test_the_commands_take_an_off_site_day(app, office, instance_path):
    share, ids = office["share"], office["ids"]
    env = {"PORTAL_OFFSITE_DIR": str(share), "PORTAL_TIMEZONE": "Europe/Berlin"}
    listed = run_flask(instance_path, "backup", "items", "todo.db", "--offsite", DAY, env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"The off-site copy of todo.db of {DAY}, against the live data:" in listed.stdout
    assert f"{ids[1]}  deleted since" in listed.stdout
    back = run_flask(
        instance_path,
        *("backup", "bring-back", "todo.db", "--offsite", DAY, str(ids[1]), "--yes"),
        env=env,
    )
    assert back.returncode == 0, back.stderr
    assert _titles(app) == {"Plan"}
    both = run_flask(
        instance_path, "backup", "items", "todo.db", "-g", "0", "--offsite", DAY, env=env
    )
    neither = run_flask(instance_path, "backup", "items", "todo.db", env=env)
    assert both.returncode == neither.returncode == 2
    assert "Give --generation or --offsite, not both" in both.stderr
    assert "Name the copy: --generation 0-7, or --offsite YYYY-MM-DD." in neither.stderr


def test_an_unrecorded_copy_opens_only_when_asked(app, office, instance_path):
    (instance_path / "backup" / "backup.txt").unlink()
    admin = elevated(app)
    asked = _text(admin.get("/settings/data-backup/copies/todo.db/0"))
    assert "This copy cannot be proven" in asked and "is unrecorded" in asked
    refused = run_flask(instance_path, "backup", "items", "todo.db", "-g", "0")
    assert refused.returncode == 1 and "Error: The newest copy of todo.db is unrecorded" in (
        refused.stderr
    )
    forced = run_flask(instance_path, "backup", "items", "todo.db", "-g", "0", "--force")
    assert forced.returncode == 0 and "2 deleted since" in forced.stdout
    ids = office["ids"]
    done = submit(
        admin,
        "/settings/data-backup/copies/todo.db/0?anyway=1",
        "/settings/data-backup/bring-back",
        data={"file": "todo.db", "copy": "0", "anyway": "1", "item": str(ids[0])},
        follow_redirects=True,
    )
    assert f"To-do item {ids[0]} ('Minutes') is back." in _text(done)
    with app.app_context():
        detail = (
            get_db("system.db")
            .execute("SELECT detail FROM audit_log WHERE action = 'items brought back'")
            .fetchone()[0]
        )
    assert "opened anyway" in detail
    damaged = instance_path / "backup" / "todo.db"
    with sqlite3.connect(damaged) as conn:
        conn.execute("DROP TABLE todos")
    conn.close()
    never = _text(
        admin.get("/settings/data-backup/copies/todo.db/0?anyway=1", follow_redirects=True)
    )
    assert "is not a copy of todo.db" in never or "damaged" in never
