"""Issue 9's defect reports, each reproduced with the operator commands as the report
did: a restore that trusts what it cannot prove, a ledger rebuild that blesses what is on
disk, a missing data file backed up over its good copy, two safety copies under one
name, a clock stepped back counted as a new day, and tracebacks instead of `Error:`."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portal.db import close_kept_connections
from portal.web import data_backup_of, get_db
from tests.helpers import open_app
from tests.serving import run_flask

TODAY = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def flask(instance: Path, *args: str) -> object:
    return run_flask(instance, *args, env={"PORTAL_TIMEZONE": "UTC"})


def site(tmp_path: Path, days: int = 3) -> Path:
    """An instance with to-dos and bulletin posts, backed up once a day for `days` days
    ending yesterday, so generations newest to `days - 1` exist, each telling its day."""
    instance = tmp_path / "site"
    for back in range(days, 0, -1):
        moment = TODAY - timedelta(days=back)
        app = open_app(
            {"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "CLOCK": lambda m=moment: m}
        )
        with app.app_context():
            conn = get_db("todo.db")
            conn.execute(
                "INSERT INTO todos (owner_id, title, created_at) VALUES (1, ?, ?)",
                (f"written {moment:%d %b}", moment.isoformat()),
            )
            conn = get_db("bulletin.db")
            conn.execute(
                "INSERT INTO posts (author_id, title, body, created_at) VALUES (1, ?, 'body', ?)",
                (f"post {moment:%d %b}", moment.isoformat()),
            )
            data_backup_of(app).run_backup(None, "setup")
    # The setup's kept connections let go of the data files, as a stopped portal would:
    # the tests below delete and damage them by hand (which Windows refuses while open).
    close_kept_connections()
    return instance


def titles(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT title FROM todos")}
    finally:
        conn.close()


def output(result) -> str:
    return result.stdout + result.stderr


# -- 1. Restore trusts copies it cannot prove --------------------------------------------


def test_a_copy_of_another_data_file_is_never_restored(tmp_path):
    instance = site(tmp_path)
    backup = instance / "backup"
    shutil.copyfile(backup / "system.db", backup / "1" / "todo.db")
    live_before = titles(instance / "data" / "todo.db")

    refused = flask(instance, "backup", "restore", "todo.db", "--generation", "1", "--yes")
    assert refused.returncode == 1, output(refused)
    assert "Error:" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in output(refused)

    forced = flask(
        instance, "backup", "restore", "todo.db", "--generation", "1", "--yes", "--force"
    )
    assert forced.returncode == 1, output(forced)
    assert "todo.db" in forced.stderr and "generation 1" in forced.stderr
    assert "not a copy of todo.db" in forced.stderr
    assert titles(instance / "data" / "todo.db") == live_before


def test_a_copy_changed_inside_a_text_is_refused_whatever_its_file_time(tmp_path):
    instance = site(tmp_path)
    copy = instance / "backup" / "1" / "todo.db"
    data = copy.read_bytes()
    at = data.index(b"written")
    copy.write_bytes(data[:at] + b"W" + data[at + 1 :])  # a new file time, same size
    live_before = titles(instance / "data" / "todo.db")

    refused = flask(instance, "backup", "restore", "todo.db", "--generation", "1", "--yes")
    assert refused.returncode == 1, output(refused)
    assert "SHA-256" in refused.stderr and "--force" in refused.stderr
    assert titles(instance / "data" / "todo.db") == live_before


def test_an_unrecorded_copy_needs_force(tmp_path):
    instance = site(tmp_path)
    (instance / "backup" / "backup.txt").unlink()
    refused = flask(instance, "backup", "restore", "todo.db", "--generation", "1", "--yes")
    assert refused.returncode == 1, output(refused)
    assert "unrecorded" in refused.stderr and "--force" in refused.stderr
    forced = flask(
        instance, "backup", "restore", "todo.db", "--generation", "1", "--yes", "--force"
    )
    assert forced.returncode == 0, output(forced)
    assert "written" in " ".join(titles(instance / "data" / "todo.db"))


# -- 2. A rebuild of backup.txt blesses what is on disk -------------------------------------


def test_a_rebuild_never_writes_down_the_hash_of_a_tampered_copy(tmp_path):
    instance = site(tmp_path)
    copy = instance / "backup" / "1" / "todo.db"
    data = copy.read_bytes()
    at = data.index(b"written")
    copy.write_bytes(data[:at] + b"W" + data[at + 1 :])

    assert flask(instance, "backup", "verify").returncode == 1
    assert flask(instance, "backup", "run", "schedule.db").returncode == 0
    after = flask(instance, "backup", "verify")
    assert after.returncode == 1, output(after)
    assert "todo.db, generation 1" in after.stdout and "SHA-256" in after.stdout


# -- 3. A missing data file is recreated empty and backed up over the good copy -----------


def test_a_missing_data_file_is_not_backed_up_over_its_copy(tmp_path):
    instance = site(tmp_path)
    good = (instance / "backup" / "bulletin.db").read_bytes()
    for part in instance.glob("data/bulletin.db*"):
        part.unlink()

    result = flask(instance, "backup", "run")
    assert result.returncode == 1, output(result)
    assert "bulletin.db" in result.stderr and "missing" in result.stderr
    assert "backup restore bulletin.db --generation 0" in result.stderr
    assert "Traceback" not in output(result)
    assert (instance / "backup" / "bulletin.db").read_bytes() == good
    assert not (instance / "data" / "bulletin.db").exists()

    restored = flask(instance, "backup", "restore", "bulletin.db", "--generation", "0", "--yes")
    assert restored.returncode == 0, output(restored)
    conn = sqlite3.connect(instance / "data" / "bulletin.db")
    assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 3
    conn.close()


# -- 4. Two restores of one file in the same second share one safety-copy name -------------


def test_two_restores_in_one_second_keep_two_safety_copies(tmp_path):
    instance = site(tmp_path)
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "CLOCK": lambda: TODAY})
    with app.app_context():
        get_db("todo.db").execute(
            "INSERT INTO todos (owner_id, title, created_at) VALUES (1, 'typed today', 'now')"
        )
        first = data_backup_of(app).restore("todo.db", 0, "admin")
        second = data_backup_of(app).restore("todo.db", 2, "admin")
    assert first.safety_copy != second.safety_copy
    assert first.safety_copy.exists() and second.safety_copy.exists()
    assert "typed today" in titles(first.safety_copy)  # the live data before the first restore
    assert len(titles(second.safety_copy)) == 3  # what the first restore put live
    assert titles(instance / "data" / "todo.db") == {"written 24 Nov"}


# -- 6. Tracebacks instead of Error:, and a backup problem stops the portal -----------------


def test_a_data_file_that_is_not_a_database_is_reported_and_can_be_restored(tmp_path):
    instance = site(tmp_path)
    live = instance / "data" / "todo.db"
    for part in instance.glob("data/todo.db-*"):
        part.unlink()
    live.write_bytes(b"this is not a database" * 100)

    result = flask(instance, "backup", "run")
    assert result.returncode == 1, output(result)
    assert "todo.db" in result.stderr and "not a database" in result.stderr
    assert "Traceback" not in output(result)

    restored = flask(instance, "backup", "restore", "todo.db", "--generation", "0", "--yes")
    assert restored.returncode == 0, output(restored)
    assert len(titles(live)) == 3


def test_a_backup_folder_that_is_a_file_gives_error_not_traceback(tmp_path):
    instance = site(tmp_path, days=1)
    shutil.rmtree(instance / "backup")
    (instance / "backup").write_text("not a folder")
    for args in (("backup", "run"), ("backup", "list"), ("backup", "verify")):
        result = flask(instance, *args)
        assert result.returncode == 1, (args, output(result))
        assert "Error:" in result.stderr and "Traceback" not in output(result), args
        assert "not a folder" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_modes_of_existing_folders_are_never_changed(tmp_path):
    instance = site(tmp_path, days=1)
    (instance / "backup").chmod(0o750)
    (instance / "backup" / "3").mkdir(exist_ok=True)
    (instance / "backup" / "3").chmod(0o500)
    assert flask(instance, "backup", "list").returncode == 0
    assert flask(instance, "backup", "run", "todo.db").returncode == 0
    assert (instance / "backup").stat().st_mode & 0o777 == 0o750
    assert (instance / "backup" / "3").stat().st_mode & 0o777 == 0o500


# -- 5. A clock stepped back counts as a new day -----------------------------------------


def test_a_clock_stepped_back_never_costs_a_generation(tmp_path):
    from tests.backup_helpers import NAMES, full_generations, local, make_engine, set_mark, slots
    from tests.helpers import FakeClock

    clock = FakeClock(local(2026, 11, 27, 0, 0, 30))
    engine = make_engine(full_generations(tmp_path), clock)
    engine.run(who="just after midnight")  # a new day: one rotation, as it should
    for moment in (local(2026, 11, 26, 23, 59, 50), local(2026, 11, 27, 0, 0, 40)):
        clock.set(moment)  # the clock corrected back by a minute, then on again
        for name in NAMES:
            set_mark(engine.sources[name].path, f"{name} at {moment:%H:%M:%S}")
        result = engine.run(who="after the correction")
        assert [f.outcome for f in result.files] == ["replaced", "replaced"]
    assert any("clock" in note for note in result.notes) is False  # 00:00:40 is not behind
    for name in NAMES:
        # Generations 1 to 7 are still days 7 to 1: only one rotation happened.
        assert slots(engine, name) == [f"{name} at 00:00:40"] + [
            f"{name} day {d}" for d in range(7, 0, -1)
        ]


def test_a_run_behind_the_clock_says_so(tmp_path):
    from tests.backup_helpers import full_generations, local, make_engine
    from tests.helpers import FakeClock

    clock = FakeClock(local(2026, 11, 25, 9, 0))  # two days before the newest copy
    engine = make_engine(full_generations(tmp_path), clock)
    result = engine.run(who="slow clock")
    assert {f.outcome for f in result.files} == {"replaced"}
    assert any("clock" in note and "2026-11-26" in note for note in result.notes), result.notes


# -- 7. Smaller ------------------------------------------------------------------------------


def _ledger_lines(instance: Path) -> list[str]:
    return (instance / "backup" / "backup.txt").read_text().splitlines()


def _write_ledger(instance: Path, lines: list[str]) -> None:
    (instance / "backup" / "backup.txt").write_text("\n".join(lines) + "\n")


def test_duplicate_ledger_lines_are_reported(tmp_path):
    instance = site(tmp_path, days=2)
    lines = _ledger_lines(instance)
    todo_newest = next(line for line in lines if line.startswith("todo.db\tnewest\t"))
    _write_ledger(instance, [*lines, todo_newest])
    result = flask(instance, "backup", "verify")
    assert "todo.db" in result.stdout and "twice" in result.stdout, output(result)


def test_a_ledger_line_with_a_wrong_size_is_not_called_missing(tmp_path):
    instance = site(tmp_path, days=2)
    lines = []
    for line in _ledger_lines(instance):
        if line.startswith("todo.db\t1\t"):
            fields = line.split("\t")
            fields[3] = str(int(fields[3]) + 4096)
            line = "\t".join(fields)
        lines.append(line)
    _write_ledger(instance, lines)
    result = flask(instance, "backup", "verify")
    assert result.returncode == 1
    assert "missing on disk" not in result.stdout, result.stdout
    assert "todo.db, generation 1" in result.stdout and "size" in result.stdout


def test_a_run_that_fails_midway_says_which_files_were_backed_up(tmp_path):
    import errno

    from portal.backup import BackupError
    from portal.backup.fileops import FileOps
    from tests.backup_helpers import full_generations, local, make_engine
    from tests.helpers import FakeClock

    class TodoFails(FileOps):
        def snapshot(self, source, target, progress=None):
            if source.name == "todo.db":
                raise OSError(errno.EIO, "injected read error")
            return super().snapshot(source, target, progress)

    engine = make_engine(full_generations(tmp_path), FakeClock(local(2026, 11, 27, 9)), TodoFails())
    with pytest.raises(BackupError) as failed:
        engine.run(who="midway")
    message = str(failed.value)
    assert "todo.db" in message and "injected read error" in message
    assert "Backed up: system.db" in message and "Not backed up: todo.db" in message


def test_init_makes_a_missing_data_file_only_when_it_has_no_copies(tmp_path):
    instance = site(tmp_path, days=1)
    for part in instance.glob("data/bulletin.db*"):
        part.unlink()
    refused = flask(instance, "init")
    assert refused.returncode == 1, output(refused)
    assert "backup restore bulletin.db --generation 0" in refused.stderr
    assert not (instance / "data" / "bulletin.db").exists()

    for copy in instance.glob("backup/**/bulletin.db"):
        copy.unlink()
    made = flask(instance, "init")
    assert made.returncode == 0, output(made)
    assert "bulletin.db: created empty (it was missing and has no copies)" in made.stdout
    conn = sqlite3.connect(instance / "data" / "bulletin.db")
    assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 0
    conn.close()


def test_every_command_says_which_data_file_is_missing(tmp_path):
    instance = site(tmp_path, days=1)
    for part in instance.glob("data/todo.db*"):
        part.unlink()
    for command in (("user", "list"), ("backup", "list"), ("backup-group", "list")):
        result = flask(instance, *command)
        assert "Warning: The data file" in result.stderr, command
        assert "todo.db is missing" in result.stderr
        assert "backup restore todo.db --generation 0" in result.stderr
    assert not (instance / "data" / "todo.db").exists()


def test_backup_list_shows_unrecorded_copies_and_safety_copies(tmp_path):
    instance = site(tmp_path, days=2)
    restored = flask(instance, "backup", "restore", "todo.db", "--generation", "1", "--yes")
    assert restored.returncode == 0, output(restored)
    kept = next((instance / "backup" / "pre-restore").iterdir())
    assert str(kept) in restored.stdout  # the message names the real file
    (instance / "backup" / "backup.txt").unlink()
    listing = flask(instance, "backup", "list").stdout
    assert "todo.db      1" in listing and "UNRECORDED, not verifiable" in listing
    assert "Safety copies" in listing and kept.name in listing
