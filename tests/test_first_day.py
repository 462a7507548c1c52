"""Issue 11 as an office meets it on its first day: sizes that add up, names and dates
that read the same on every page, result pages worded for who is reading them."""

from __future__ import annotations

import os
import re
import sqlite3

from portal.db import get_db
from portal.filters import filesize
from portal.reminder import status
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
        planned = {f.name: f.size for f in status.planned_files(app)}
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

    for group in ([], ["user"], ["backup"], ["backup-group"]):
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
