"""Issue 11 as an office meets it on its first day: sizes that add up, names and dates
that read the same on every page, result pages worded for who is reading them."""

from __future__ import annotations

import os
import re
import sqlite3

from portal.data_backup import status
from portal.filters import filesize
from portal.web import data_backup_of, get_db
from tests.settings_helpers import elevated
from tests.test_settings_pages import press


def swell_the_wal(app, rows: int = 400) -> None:
    """Write to todo.db the way a busy office does: many commits that sit in the WAL,
    which SQLite does not shrink when it checkpoints."""
    with app.app_context():
        conn = get_db("todo.db")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        for n in range(rows):
            with conn:
                conn.execute(
                    "INSERT INTO todos (owner_id, title, created_at) VALUES (1, ?, ?)",
                    (f"to-do {n} " + "x" * 200, "2026-11-27T08:00:00+00:00"),
                )
        with conn:
            conn.execute("DELETE FROM todos")


def test_a_fresh_copy_shows_the_size_of_the_live_file_it_was_taken_from(app, people, instance_path):
    swell_the_wal(app)
    live = instance_path / "data" / "todo.db"
    wal = live.with_name("todo.db-wal")
    assert wal.stat().st_size > live.stat().st_size  # the situation of the report

    admin = elevated(app, "admin")
    press(admin, "todo.db")
    copy = instance_path / "backup" / "todo.db"
    with sqlite3.connect(copy) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    assert copy.stat().st_size == pages * page_size
    shown = filesize(copy.stat().st_size)

    with app.app_context():
        planned = {f.name: f.size for f in status.planned_files(data_backup_of(app))}
    assert planned["todo.db"] == copy.stat().st_size

    page = admin.get("/settings/data-backup").get_data(as_text=True)
    row = re.search(r"<td><code>todo\.db</code></td>.*?</tr>", page, re.S).group(0)
    assert f"<td>{shown}</td>" in row  # the live file's size, next to its newest copy
    confirm = admin.get("/settings/data-backup/restore?file=todo.db&generation=0")
    text = re.sub(r"\s+", " ", confirm.get_data(as_text=True))
    assert text.count(shown) == 2, "the live file and its fresh copy have the same size"


# -- part 4: hints that name the instance they act on ---------------------------------

PASSWORD_LINE = re.compile(r"admin password .*\(login: admin\): (\S+)")


def test_the_admin_password_hint_names_the_instance_and_a_second_start_says_how_to_set_it(
    tmp_path,
):
    from tests.serving import serve

    instance = tmp_path / "site with space"
    with serve(instance) as (_url, output):
        first = output()
    assert PASSWORD_LINE.search(first)
    hint = next(line for line in first.splitlines() if "set-admin-password" in line)
    assert str(instance) in hint and "PORTAL_INSTANCE_PATH" in hint, hint

    with serve(instance) as (_url, output):
        second = output()
    assert not PASSWORD_LINE.search(second)
    said = " ".join(second.split())
    assert "still the one made at the first start" in said, second
    assert "set-admin-password" in said and str(instance) in said

    # Once it was changed, a start says nothing more about it.
    from tests.serving import run_flask

    changed = run_flask(instance, "set-admin-password", "--password-stdin", stdin="a new one 42\n")
    assert changed.returncode == 0, changed.stderr
    with serve(instance) as (_url, output):
        third = output()
    assert "set-admin-password" not in third and "first start" not in third


def test_a_restore_hint_names_the_instance(tmp_path):
    from tests.serving import run_flask

    instance = tmp_path / "site"
    assert run_flask(instance, "init").returncode == 0
    assert run_flask(instance, "backup", "run").returncode == 0
    (instance / "data" / "todo.db").unlink()
    result = run_flask(instance, "backup", "list")
    warning = next(line for line in result.stderr.splitlines() if "todo.db" in line)
    command = warning.split("with: ", 1)[1]
    assert "backup restore todo.db --generation 0" in command
    assert "PORTAL_INSTANCE_PATH" in command and str(instance) in command, warning


# -- part 5: only init and python -m portal make an instance --------------------------


def test_help_creates_nothing(tmp_path):
    from tests.serving import run_flask

    instance = tmp_path / "nothing here"
    result = run_flask(instance, "--help")
    assert result.returncode == 0
    assert "backup-group" in result.stdout
    assert not instance.exists()
    assert run_flask(instance, "backup", "--help").returncode == 0
    assert not instance.exists()


def test_a_command_on_a_folder_without_an_instance_says_so(tmp_path):
    from tests.serving import run_flask

    instance = tmp_path / "typo"
    for command in (["user", "list"], ["backup", "list"], ["backup-group", "add", "alice"]):
        result = run_flask(instance, *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert f"Error: there is no portal instance at {instance}" in result.stderr
        assert "flask --app portal init" in result.stderr
        assert "Traceback" not in result.stderr
        assert not instance.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_flask(empty, "user", "list")
    assert result.returncode == 1 and "no portal instance" in result.stderr
    assert list(empty.iterdir()) == []

    made = run_flask(instance, "init")
    assert made.returncode == 0 and (instance / "data" / "system.db").is_file()
    assert run_flask(instance, "user", "list").returncode == 0


# -- part 6: commands report what they did --------------------------------------------


def test_backup_group_add_and_remove_say_what_they_did(app, people):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["backup-group", "add", "alice"])
    assert first.exit_code == 0 and "Added to the Data Backup Group: Alice Brown" in first.output
    again = runner.invoke(args=["backup-group", "add", "alice", "bob"])
    assert again.exit_code == 0, again.output
    assert "Alice Brown is already in the Data Backup Group" in again.output
    assert "Added to the Data Backup Group: Bob Clark" in again.output
    assert "Alice Brown" not in again.output.split("Added")[1]

    out = runner.invoke(args=["backup-group", "remove", "carol"])
    assert out.exit_code == 0, out.output  # documented: asking for what is already so is fine
    assert "Carol Diaz is not in the Data Backup Group" in out.output
    assert "Removed" not in out.output
    removed = runner.invoke(args=["backup-group", "remove", "alice"])
    assert "Removed from the Data Backup Group: Alice Brown" in removed.output


def test_the_command_list_reads_whole():
    import subprocess
    import sys

    from tests.serving import ROOT

    for group in ([], ["user"], ["backup"], ["backup-group"], ["backup", "offsite"], ["notify"]):
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "portal", *group, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "COLUMNS": "80"},
        )
        assert result.returncode == 0
        listed = result.stdout.split("Commands:")[1]
        for line in listed.splitlines():
            assert not line.rstrip().endswith("..."), (group, line)


def test_plurals(app, people, clock):
    runner = app.test_cli_runner()
    one = runner.invoke(args=["backup", "run", "todo.db"])
    assert one.exit_code == 0, one.output
    wrong = re.compile(r"\b1 (?:\w+ )?(?:copies|files|file\(s\))")
    assert "Backup complete: 1 file in" in one.output, one.output
    checked = runner.invoke(args=["backup", "verify"])
    assert checked.exit_code == 0, checked.output
    assert not wrong.search(one.output + checked.output), checked.output
    assert "The 1 recorded copy was verified" in checked.output


# -- part 8: full names, one date format, "newest copy" -------------------------------


def test_people_are_shown_by_full_name_and_times_in_one_format(app, people, clock):
    from tests.test_reminder import back_up, browser, office  # noqa: F401

    with app.app_context():
        from datetime import time

        from portal.reminder import store

        conn = get_db("system.db")
        store.save_settings(conn, store.ReminderSettings(True, time(12), time(18)))
        store.add_members(conn, [people["alice"].id], clock())
    from tests.helpers import utc

    clock.set(utc(2026, 11, 27, 13, 0))
    alice = browser(app, "alice")
    assert "Backup complete" in back_up(alice)
    portal = alice.get("/").get_data(as_text=True)
    assert "Today's backup is done: Alice Brown backed up at 14:00." in portal

    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "27 Nov 2026 14:00 by Alice Brown" in page
    assert ">alice<" not in page and "by alice" not in page
    from tests.helpers import submit

    submit(admin, "/settings/data-backup", "/settings/data-backup/verify")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "Last verified 27 Nov 2026 14:00" in page
    assert "2026-11-27" not in page
    assert "<td>newest copy</td>" in page

    confirm = admin.get("/settings/data-backup/restore?file=todo.db&generation=0")
    text = " ".join(confirm.get_data(as_text=True).split())
    assert "by Alice Brown" in text
    assert "generation newest" not in text and "the newest copy" in text

    history = admin.get("/settings/history").get_data(as_text=True)
    assert "<td>Alice Brown</td>" in history and "<td>alice</td>" not in history


def test_backup_list_shows_full_names_and_local_times(app, people, clock):
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    listed = app.test_cli_runner().invoke(args=["backup", "list"])
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if line.startswith("todo.db"))
    assert "newest copy" in row
    assert "27 Nov 2026 09:00" in row  # the portal's zone, the pages' format
    assert row.rstrip().endswith("Alice Brown (alice)")


# -- part 9: the administrator's result page; never "in progress" at 100% -------------


def test_a_backup_started_on_data_backup_leads_back_to_it(app, people):
    admin = elevated(app, "admin")
    result = press(admin)
    assert "Backup complete" in result
    assert "Continue to the page you wanted" not in result
    assert '<a href="/settings/data-backup" class="button primary">Back to Data Backup</a>' in (
        result
    )


def test_a_running_backup_never_shows_100_percent():
    from datetime import UTC, datetime

    from portal.data_backup.jobs import BackupJob

    job = BackupJob("j", "alice", datetime(2026, 11, 27, tzinfo=UTC), "/")
    job.fractions = {"system.db": 1.0, "todo.db": 1.0}
    job.weights = {"system.db": 100, "todo.db": 50}
    assert job.state == "running"
    assert job.percent < 100
    assert job.as_json()["percent"] < 100
    job.state = "done"
    assert job.percent == 100


# -- part 10: Backup history shows backups first, and can be filtered -----------------


def test_backup_history_shows_backup_kinds_by_default_and_filters(app, people, clock):
    from tests.helpers import PASSWORD, login

    for _ in range(60):  # a busy office logs in all day
        browser = app.test_client()
        assert login(browser, "alice", PASSWORD).status_code == 302
    admin = elevated(app, "admin")
    press(admin, "todo.db")

    page = admin.get("/settings/history").get_data(as_text=True)
    assert "backup completed" in page and "backup started" in page
    assert "<td>login</td>" not in page
    assert 'type="checkbox" name="kind" value="backups" checked' in page
    assert 'type="checkbox" name="kind" value="sign-ins"' in page
    assert 'value="sign-ins" checked' not in page

    sign_ins = admin.get("/settings/history?kind=sign-ins").get_data(as_text=True)
    assert sign_ins.count("<td>login</td>") == 50  # one page of them
    assert "backup completed" not in sign_ins
    assert 'value="sign-ins" checked' in sign_ins
    older = re.search(r'<a href="([^"]+)">Older', sign_ins).group(1)
    assert "kind=sign-ins" in older
    rest = admin.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count("<td>login</td>") >= 11  # 61 logins (alice's 60, admin's 1)

    both = admin.get("/settings/history?kind=backups&kind=settings").get_data(as_text=True)
    assert "backup completed" in both and "<td>login</td>" not in both
    bad = admin.get("/settings/history?kind=nonsense&page=x")
    assert bad.status_code == 200  # an unknown kind is ignored, never a 500


def test_the_system_settings_page_names_the_instance_in_its_command_hint(app, people):
    admin = elevated(app, "admin")
    page = admin.get("/settings/").get_data(as_text=True)
    assert f"PORTAL_INSTANCE_PATH={app.instance_path} flask --app portal user add" in page
