"""`flask --app portal backup run/list/verify/restore`, as an operator uses them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portal.passwords import hash_password
from portal.users import add_user
from portal.web import data_backup_of, get_db
from tests.helpers import open_app
from tests.http_client import Browser
from tests.serving import run_flask, serve

ROOT = Path(__file__).resolve().parent.parent


def flask(instance: Path, *args: str) -> subprocess.CompletedProcess:
    return run_flask(instance, *args, env={"PORTAL_TIMEZONE": "UTC"})


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_run_list_verify(runner, app, instance_path):
    result = runner.invoke(args=["backup", "run"])
    assert result.exit_code == 0, result.output
    for name in ("system.db", "schedule.db", "bulletin.db", "todo.db"):
        assert name in result.output
        assert (instance_path / "backup" / name).exists()
    assert "Backup complete: 4 files" in result.output
    listing = runner.invoke(args=["backup", "list"]).output
    assert "FILE" in listing and "GENERATION" in listing and "BY" in listing
    assert "todo.db      newest" in listing and "command line" in listing
    verified = runner.invoke(args=["backup", "verify"])
    assert verified.exit_code == 0
    assert "All 4 recorded copies were verified" in verified.output


def test_run_one_file(runner, instance_path):
    assert runner.invoke(args=["backup", "run", "todo.db"]).exit_code == 0
    assert (instance_path / "backup" / "todo.db").exists()
    assert not (instance_path / "backup" / "system.db").exists()


def test_unknown_file_is_a_usage_error(runner):
    result = runner.invoke(args=["backup", "run", "nope.db"])
    assert result.exit_code == 2
    assert "'nope.db' is not one of" in result.output


def test_list_with_no_backups(runner):
    assert "No backups yet." in runner.invoke(args=["backup", "list"]).output


def test_verify_fails_with_status_1(runner, instance_path):
    runner.invoke(args=["backup", "run"])
    copy = instance_path / "backup" / "todo.db"
    data = bytearray(copy.read_bytes())
    data[-100:] = b"\x01" * 100
    stamp = copy.stat().st_mtime
    copy.write_bytes(bytes(data))
    os.utime(copy, (stamp, stamp))
    result = runner.invoke(args=["backup", "verify"])
    assert result.exit_code == 1
    assert "PROBLEM: todo.db, newest copy: SHA-256 differs" in result.output


def test_restore_asks_first(runner, app, instance_path):
    runner.invoke(args=["backup", "run"])
    declined = runner.invoke(
        args=["backup", "restore", "todo.db", "--generation", "0"], input="n\n"
    )
    # No is the operator's answer, not a failure (issue 24): said, and status 0.
    assert declined.exit_code == 0 and "Nothing was restored." in declined.output
    assert not (instance_path / "backup" / "pre-restore").exists()
    done = runner.invoke(args=["backup", "restore", "todo.db", "--generation", "0"], input="y\n")
    assert done.exit_code == 0, done.output
    assert "Restored todo.db" in done.output
    assert len(list((instance_path / "backup" / "pre-restore").iterdir())) == 1


def test_restore_of_a_missing_generation_fails_clearly(runner):
    runner.invoke(args=["backup", "run"])
    result = runner.invoke(args=["backup", "restore", "todo.db", "-g", "4", "--yes"])
    assert result.exit_code == 1
    assert "todo.db has no copy at generation 4" in result.output


def test_runs_are_audited(runner, app):
    runner.invoke(args=["backup", "run", "todo.db"])
    with app.app_context():
        rows = get_db("system.db").execute("SELECT action, actor FROM audit_log").fetchall()
    assert ("backup started", "command line") in [tuple(r) for r in rows]
    assert ("backup completed", "command line") in [tuple(r) for r in rows]


def yesterdays_backup(instance: Path) -> None:
    """A backup stamped yesterday (UTC), so today's first run rotates."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "CLOCK": lambda: yesterday})
    with app.app_context():
        data_backup_of(app).run_backup(None, "setup")


def test_two_processes_at_the_same_instant_rotate_once(tmp_path):
    instance = tmp_path / "site"
    yesterdays_backup(instance)
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_TIMEZONE": "UTC"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "backup", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    joined = "\n".join(outputs)
    assert joined.count("earlier copies moved one generation older") == 4  # one per file
    assert joined.count("replaced today's earlier copy") == 4
    for name in ("system.db", "todo.db"):
        assert (instance / "backup" / "1" / name).exists()
        assert not (instance / "backup" / "2" / name).exists()


def test_restore_while_the_portal_is_serving(tmp_path):
    instance = tmp_path / "site"
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    with app.app_context():
        add_user(
            get_db("system.db"),
            "alice",
            "Alice",
            "Sales",
            hash_password("pw-alice-1"),
            datetime.now(UTC),
        )
    with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}) as (url, _output):
        browser = Browser(url)
        browser.log_in("alice", "pw-alice-1")
        browser.submit("/todo/", {"title": "Kept by the backup"})
        assert flask(instance, "backup", "run", "todo.db").returncode == 0
        page = browser.submit("/todo/", {"title": "Typed after the backup"})
        assert "Typed after the backup" in page
        restored = flask(instance, "backup", "restore", "todo.db", "-g", "0", "--yes")
        assert restored.returncode == 0, restored.stderr
        page = browser.get("/todo/")  # same server process, no restart
        assert "Kept by the backup" in page
        assert "Typed after the backup" not in page
        safety = next((instance / "backup" / "pre-restore").iterdir())
        conn = sqlite3.connect(safety)
        titles = {row[0] for row in conn.execute("SELECT title FROM todos")}
        conn.close()
        assert titles == {"Kept by the backup", "Typed after the backup"}


def test_verify_on_the_command_line_is_recorded_like_the_page(app, people, clock):
    """Issue 12: one verify service. `backup verify` records 'last verified' and writes
    the audit entry, as the Data Backup page's Verify does."""
    from tests.settings_helpers import elevated

    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    clock.advance(minutes=5)
    assert runner.invoke(args=["backup", "verify"]).exit_code == 0
    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "Last verified 27 Nov 2026 09:05: 4 recorded copies good" in page
    history = admin.get("/settings/history?kind=backups").get_data(as_text=True)
    assert "backup verified" in history and "All 4 recorded copies were verified" in history
