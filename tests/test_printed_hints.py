"""Issue 20, item 11: every printed hint works when pasted, and says what is wrong.
No `--generation None` and no `--force` where it is refused; a folder where a data file
should be is named (move it away first); a full data disk is said to be full, not a file
to restore; an error names the real file, never a work name; a permission error is said
at once, not after FILE_HELD_SECONDS blamed on "another program"; an instance path too
deep for SQLite is said at the start."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

import pytest

from portal import data_health
from portal.backup import BackupError
from portal.backup.fileops import FileOps
from portal.backup.layout import os_words
from portal.web import data_backup_of, instance_of
from tests.offsite_helpers import use_share
from tests.serving import run_flask


def test_an_unproven_off_site_copy_offers_no_force_and_no_generation_none(app, tmp_path):
    share = use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    copy = share / "2026-11-27" / "todo.db.age"
    data = bytearray(copy.read_bytes())
    data[200] ^= 0xFF
    copy.write_bytes(bytes(data))
    done = app.test_cli_runner().invoke(
        args=["backup", "restore", "todo.db", "--offsite", "2026-11-27", "--yes"]
    )
    assert done.exit_code == 1
    assert "None" not in done.output and "--force" not in done.output
    assert "backup offsite list" in done.output  # a hint that works


def test_a_folder_where_a_data_file_should_be_is_named_as_such(app, instance_path):
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    live = instance_path / "data" / "todo.db"
    for side in (live, live.with_name("todo.db-wal"), live.with_name("todo.db-shm")):
        side.unlink(missing_ok=True)
    live.mkdir()
    problem = data_health.problems(instance_of(app))["todo.db"]
    assert "is a folder" in str(problem)
    assert f"Move the folder {live} out of the way first" in problem.fix
    assert "backup restore todo.db --generation 0" in problem.fix


def test_a_full_data_disk_is_said_to_be_full_not_a_file_to_restore(app, monkeypatch):
    monkeypatch.setattr(
        data_health, "live_problem", lambda path: "cannot be read (database or disk is full)"
    )
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(1, 1, 0))
    problem = data_health.problems(instance_of(app))["todo.db"]
    assert "is full" in problem.fix and "nothing needs to be restored" in problem.fix
    assert "backup restore" not in problem.fix


def test_errors_name_the_real_file_never_a_work_name(tmp_path):
    work = tmp_path / "backup" / ".todo.db.1a2b3c4d.partial"
    error = OSError(errno.ENOSPC, "No space left on device", str(work))
    real = tmp_path / "backup" / "7" / "todo.db"
    words = os_words(error, real)
    assert "No space left on device" in words and str(real) in words
    assert ".partial" not in words


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_permission_error_is_said_at_once_not_waited_for(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "todo.db").write_bytes(b"x")
    folder.chmod(0o500)
    try:
        started = time.monotonic()
        with pytest.raises(OSError) as caught:
            FileOps().unlink(folder / "todo.db")
        assert time.monotonic() - started < 1  # not FILE_HELD_SECONDS
    finally:
        folder.chmod(0o700)
    assert "may not change it" in str(caught.value)
    assert "another program" not in str(caught.value)


def test_a_permission_error_of_the_file_system_is_said_at_once(tmp_path, monkeypatch):
    """As root (who is never refused), the refusal a file system gives is simulated."""

    def refused(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    ops = FileOps()
    monkeypatch.setattr(ops, "raw_unlink", refused)
    started = time.monotonic()
    with pytest.raises(OSError) as caught:
        ops.unlink(tmp_path / "backup" / "7" / "todo.db")
    assert time.monotonic() - started < 1
    message = str(caught.value)
    assert f"{tmp_path / 'backup' / '7' / 'todo.db'} could not be deleted" in message
    assert "may not change it" in message and "another program" not in message


def test_an_instance_path_too_deep_for_sqlite_is_said_at_the_start(tmp_path):
    deep = tmp_path
    while len(str(deep)) < 520:
        deep = deep / ("d" * 60)
    deep.mkdir(parents=True)
    done = run_flask(deep / "instance", "backup", "run")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: The folder ")
    assert "is too deep: SQLite opens no file whose path is longer than 512" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (deep / "instance" / "data").exists() or not any(
        (deep / "instance" / "data").iterdir()
    )


def test_a_backup_into_a_full_backup_folder_names_the_copy_not_a_work_file(app, monkeypatch):
    def full(self, source, target, progress=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(FileOps, "snapshot", full)
    with app.app_context(), pytest.raises(BackupError) as caught:
        data_backup_of(app).run_backup(["todo.db"], "alice")
    message = str(caught.value)
    assert "No space left on device" in message and ".partial" not in message
    assert str(Path(app.config["BACKUP_DIR"]) / "todo.db") in message
