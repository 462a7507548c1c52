"""Issue 21 items 3-4: the recovery kit, a new key, every file from one off-site day, and
the whole recovery drill from outside: an office with data and an off-site folder, its
instance folder deleted, a newer day of another portal planted on the share, a new one
built from the share and the kit alone with the operator's commands, served, and its
pages showing the old data (and the planted day refused)."""

from __future__ import annotations

import html
import shutil
import sqlite3
import urllib.error
from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.data_backup import offsite_keys, recovery_kit
from portal.offsite.seal import Key
from portal.web import data_backup_of, instance_of
from tests.backup_helpers import mark_of, set_mark, set_mark_table
from tests.helpers import submit
from tests.http_client import Browser
from tests.offsite_helpers import use_share
from tests.serving import run_flask, serve
from tests.settings_helpers import elevated

ADMIN_PASSWORD = "the old admin password"
ATTACKER_PASSWORD = "the attacker's own password"


def _counts(instance: Path) -> dict[str, int]:
    """Every person, event, post and to-do of an instance, counted."""
    found = {}
    for file, table in (
        ("system.db", "users"),
        ("schedule.db", "events"),
        ("bulletin.db", "posts"),
        ("todo.db", "todos"),
    ):
        conn = sqlite3.connect(instance / "data" / file)
        try:
            found[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        finally:
            conn.close()
    return found


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _plant_a_newer_day_of_another_portal(tmp_path: Path, share: Path) -> str:
    """An attacker who can write to the share runs a portal of their own (their admin
    password, their key) and puts its sealed day into the share under a newer date."""
    attacker, their_share = tmp_path / "attacker", tmp_path / "attacker-share"
    _ok(run_flask(attacker, "init"))
    _ok(run_flask(attacker, "set-admin-password", "--password-stdin", stdin=ATTACKER_PASSWORD))
    their_share.mkdir()
    _ok(run_flask(attacker, "backup", "offsite", "set", str(their_share)))
    _ok(run_flask(attacker, "backup", "run"))
    (their_day,) = [p for p in their_share.iterdir() if p.is_dir()]
    newer = (date.fromisoformat(their_day.name) + timedelta(days=1)).isoformat()
    shutil.copytree(their_day, share / newer)
    return newer


def test_the_recovery_drill_from_the_share_and_the_kit_alone(tmp_path):
    office, share = tmp_path / "office", tmp_path / "nas" / "portal"
    _ok(run_flask(office, "init"))
    _ok(run_flask(office, "set-admin-password", "--password-stdin", stdin=ADMIN_PASSWORD))
    _ok(run_flask(office, "demo"))
    before = _counts(office)
    assert all(before.values()), before
    conn = sqlite3.connect(office / "data" / "bulletin.db")
    newest_post = conn.execute("SELECT title FROM posts ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    share.mkdir(parents=True)
    _ok(run_flask(office, "backup", "offsite", "set", str(share)))
    _ok(run_flask(office, "backup", "run"))
    kit = tmp_path / "usb-stick" / "recovery-kit.txt"
    kit.parent.mkdir()
    kit.write_text(_ok(run_flask(office, "backup", "offsite", "kit")), encoding="utf-8")
    assert "AGE-SECRET-KEY-1" in kit.read_text()
    shutil.rmtree(office)  # the server is lost: only the share and the kit are left
    planted = _plant_a_newer_day_of_another_portal(tmp_path, share)

    new = tmp_path / "new-server" / "instance"
    rebuilt = _ok(run_flask(new, "backup", "offsite", "rebuild", str(share), "--kit", str(kit)))
    assert "The portal was rebuilt from the off-site copy of" in rebuilt
    assert planted not in rebuilt  # the real newest day, never the planted one
    for name in ("system.db", "todo.db", "schedule.db", "bulletin.db"):
        assert f"Restored {name}" in rebuilt
    assert _counts(new) == before
    with serve(new) as (url, _log):
        browser = Browser(url)
        with pytest.raises(urllib.error.HTTPError) as refused:  # a login refused: 400
            Browser(url).log_in("admin", ATTACKER_PASSWORD)
        assert refused.value.code == 400
        page = browser.log_in("admin", ADMIN_PASSWORD)
        assert "Log out" in page  # the old administrator password works
        assert html.escape(newest_post) in browser.get("/bulletin/")  # the old data, served
        listed = _ok(run_flask(new, "backup", "offsite", "list"))
        assert "complete" in listed
        assert f"{planted}  REFUSED" in listed  # named, never offered
    # The rebuilt portal goes on sealing to the same folder, with the same keys.
    _ok(run_flask(new, "backup", "run"))
    checked = run_flask(new, "backup", "offsite", "verify")
    assert checked.returncode == 1 and f"{planted}: forged or altered" in checked.stdout
    assert (share / planted).is_dir()  # named, and left for the administrator to remove
    shutil.rmtree(share / planted)
    assert "verified" in _ok(run_flask(new, "backup", "offsite", "verify"))


def test_the_kit_holds_the_keys_and_the_warning_stays_until_it_was_shown(app, tmp_path):
    use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
        assert "never shown" in recovery_kit.warning(instance_of(app))
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["backup", "offsite", "kit"])
    assert shown.exit_code == 0, shown.output
    with app.app_context():
        first = offsite_keys.load(instance_of(app)).current
        assert first.secret in shown.output and "Portal id:" in shown.output
        assert recovery_kit.warning(instance_of(app)) is None
    made = runner.invoke(args=["backup", "offsite", "new-key"])
    assert made.exit_code == 0, made.output
    with app.app_context():
        assert "A new off-site key" in recovery_kit.warning(instance_of(app))
        second = offsite_keys.load(instance_of(app)).current
    again = runner.invoke(args=["backup", "offsite", "kit"])
    # The kept day was sealed with the first key: the kit lists both.
    assert first.secret in again.output and second.secret in again.output
    with app.app_context():
        assert recovery_kit.warning(instance_of(app)) is None
        data_backup_of(app).run_backup(None, "alice")  # sealed with the new key
    assert runner.invoke(args=["backup", "offsite", "verify"]).exit_code == 0


def _sent_off_site_then_changed(app, instance_path) -> Path:
    """todo.db marked "on the 27th", backed up and sent off site, then marked "later"."""
    todo = instance_path / "data" / "todo.db"
    set_mark_table(todo)
    set_mark(todo, "on the 27th")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    set_mark(todo, "later")
    return todo


def test_restore_all_from_one_off_site_day(app, tmp_path, instance_path, clock):
    use_share(app, tmp_path / "nas")
    todo = _sent_off_site_then_changed(app, instance_path)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["backup", "restore", "--all", "--offsite", "2026-11-27", "--yes"])
    assert done.exit_code == 0, done.output
    for name in ("system.db", "todo.db", "schedule.db", "bulletin.db"):
        assert f"Restored {name} from the off-site copy of 2026-11-27" in done.output
    assert mark_of(todo) == "on the 27th"
    wrong = runner.invoke(args=["backup", "restore", "--all", "--generation", "0"])
    assert wrong.exit_code == 2 and "--all restores every data file" in wrong.output


def test_restore_all_replaces_nothing_when_one_copy_of_the_day_is_bad(app, tmp_path, instance_path):
    share = use_share(app, tmp_path / "nas")
    todo = _sent_off_site_then_changed(app, instance_path)
    (share / "2026-11-27" / "bulletin.db.age").write_bytes(b"damaged")
    done = app.test_cli_runner().invoke(
        args=["backup", "restore", "--all", "--offsite", "2026-11-27", "--yes"]
    )
    assert done.exit_code == 1
    assert "cannot be restored whole: bulletin.db: forged or altered" in done.output
    assert mark_of(todo) == "later"  # todo.db was good, but nothing was replaced


def test_the_kit_page_the_warning_and_a_new_key(app, people, tmp_path):
    """The Data Backup page warns until the kit was shown; the kit page shows the key and
    makes a new one (a CSRF-checked POST), after which the kit holds both."""
    use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
        first = offsite_keys.load(instance_of(app)).current
    client = elevated(app, "admin")
    page = client.get("/settings/data-backup").get_data(as_text=True)
    assert "The recovery kit was never shown" in page and "Show the recovery kit" in page
    kit = client.get("/settings/data-backup/recovery-kit").get_data(as_text=True)
    assert first.secret in kit and "backup offsite rebuild" in kit
    page = client.get("/settings/data-backup").get_data(as_text=True)
    assert "never shown" not in page and "Recovery kit" in page
    assert client.post("/settings/data-backup/new-key").status_code == 400  # no CSRF token
    made = submit(client, "/settings/data-backup/recovery-kit", "/settings/data-backup/new-key")
    assert made.status_code == 302
    kit = client.get(made.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        second = offsite_keys.load(instance_of(app)).current
    assert second != first and first.secret in kit and second.secret in kit
    assert "seals the copies from now on" in kit
    stranger = app.test_client()  # not logged in: sent to log in, no kit
    answer = stranger.get("/settings/data-backup/recovery-kit")
    assert answer.status_code == 302 and "AGE-SECRET-KEY" not in answer.get_data(as_text=True)


def test_rebuild_refuses_an_instance_that_is_another_portal(app, tmp_path):
    use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    kit = tmp_path / "someone-elses-kit.txt"
    kit.write_text(
        f"Portal id:       {'f' * 32}\n  {Key.make(date(2026, 11, 1)).secret}\n", encoding="utf-8"
    )
    refused = app.test_cli_runner().invoke(
        args=["backup", "offsite", "rebuild", str(tmp_path / "nas"), "--kit", str(kit)]
    )
    assert refused.exit_code == 1, refused.output
    assert "is another portal with off-site keys of its own" in refused.output
