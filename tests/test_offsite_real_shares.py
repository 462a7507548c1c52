"""Issue 20, items 16-20 on a real network file system: an SFTP server (OpenSSH's
sftp-server on the loopback address) mounted with sshfs, tried with the operator's
commands in real processes. One server cannot rename over a file (no posix-rename),
one fills up, one stops answering, one goes away. Slow tier; skipped where FUSE or sshfs
cannot be had (tests/sftp_share.py)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.backup_helpers import tmpfs
from tests.helpers import todo_titles
from tests.serving import run_flask
from tests.sftp_share import sftp_share

pytestmark = pytest.mark.slow


def flask(instance: Path, *args: str, **env: str):
    return run_flask(instance, *args, env={"PORTAL_TIMEZONE": "UTC", **env})


def add_todo(instance: Path, title: str) -> None:
    conn = sqlite3.connect(instance / "data" / "todo.db")
    with conn:
        conn.execute(
            "INSERT INTO todos (owner_id, title, created_at) VALUES (1, ?, ?)",
            (title, datetime.now(UTC).isoformat()),
        )
    conn.close()


def set_folder(instance: Path, folder: Path) -> None:
    folder.mkdir()
    done = flask(instance, "backup", "offsite", "set", str(folder))
    assert done.returncode == 0, done.stderr


def test_a_share_that_cannot_rename_over_a_file_keeps_every_run_of_the_day(app, tmp_path):
    instance = Path(app.instance_path)
    today = datetime.now(UTC).date().isoformat()
    with sftp_share(tmp_path / "nas", denied=("posix-rename",)) as share:
        folder = share.mount / "portal"
        folder.mkdir()
        tested = flask(instance, "backup", "offsite", "test", str(folder))
        assert tested.returncode == 0, tested.stderr
        assert "cannot rename a file over another" in tested.stdout
        folder.rmdir()
        set_folder(instance, folder)
        add_todo(instance, "morning")
        first = flask(instance, "backup", "run")
        assert first.returncode == 0 and "Off-site copy of" in first.stdout, first.stdout
        add_todo(instance, "afternoon")
        second = flask(instance, "backup", "run")
        assert second.returncode == 0, second.stderr
        assert "failed" not in second.stdout, second.stdout
        verified = flask(instance, "backup", "offsite", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        listed = flask(instance, "backup", "offsite", "list")
        assert f"{today}  complete" in listed.stdout, listed.stdout
        add_todo(instance, "lost by mistake")
        restored = flask(instance, "backup", "restore", "todo.db", "--offsite", today, "--yes")
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert todo_titles(instance / "data" / "todo.db") == {"morning", "afternoon"}


def test_a_share_that_fills_up_says_it_may_be_full_and_leaves_nothing_half_made(app, tmp_path):
    instance = Path(app.instance_path)
    # A server without statvfs (many are): the share's free space is not known, so the
    # copy starts and the server answers the full disk with a failure sshfs gives as EIO.
    with (
        tmpfs(tmp_path / "small", "size=1m") as small,
        sftp_share(small, denied=("statvfs", "fstatvfs")) as share,
    ):
        set_folder(instance, share.mount / "portal")
        add_todo(instance, "x" * 3_000_000)  # more than the share holds
        run = flask(instance, "backup", "run")
        assert run.returncode == 0, run.stderr  # the local backup is complete
        assert "may be full" in run.stdout, run.stdout
        served = small / "served" / "portal"
        assert sorted(p.name for p in served.iterdir()) == ["office-portal-offsite.txt"]
        listed = flask(instance, "backup", "list")
        assert "may be full" in listed.stdout, listed.stdout


def test_a_share_that_stops_answering_hangs_nothing_and_catches_up(app, tmp_path):
    instance = Path(app.instance_path)
    limit = {"PORTAL_OFFSITE_ANSWER_SECONDS": "3"}
    with sftp_share(tmp_path / "nas") as share:
        set_folder(instance, share.mount / "portal")
        share.pause()
        started = time.monotonic()
        run = flask(instance, "backup", "run", **limit)
        assert run.returncode == 0, run.stderr  # the local backup is complete
        assert "The share does not answer" in run.stdout, run.stdout
        listed = flask(instance, "backup", "offsite", "list", **limit)
        assert listed.returncode == 1 and "The share does not answer" in listed.stderr
        assert time.monotonic() - started < 90  # each gave up; none waited for the server
        share.resume()
        again = flask(instance, "backup", "run", **limit)
        assert again.returncode == 0 and "Off-site copy of" in again.stdout, again.stdout
        verified = flask(instance, "backup", "offsite", "verify", **limit)
        assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_share_that_goes_away_gets_nothing_written_and_is_said_unreachable(app, tmp_path):
    instance = Path(app.instance_path)
    with sftp_share(tmp_path / "nas") as share:
        set_folder(instance, share.mount / "portal")
        assert flask(instance, "backup", "run").returncode == 0
        share.cut()  # the connection is lost; sshfs ends, the mount point is left empty
        assert list(share.mount.iterdir()) == []
        run = flask(instance, "backup", "run")
        assert run.returncode == 0, run.stderr
        assert "not connected" in run.stdout or "cannot be reached" in run.stdout, run.stdout
        assert list(share.mount.iterdir()) == []  # nothing written on the server's own disk
        listed = flask(instance, "backup", "offsite", "list")
        assert listed.returncode == 1
        assert "incomplete" not in listed.stderr and "no off-site copy" not in listed.stderr
