"""The backup engine: layout, the day rule at its edges, the ledger, leftovers, the lock,
disk space, verify and restore."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import timedelta

import pytest

from portal.backup import BackupBusy, BackupError, RestoreError
from portal.backup import lock as backup_lock
from portal.backup.fileops import FileOps
from portal.backup.ledger import UNKNOWN, parse
from tests.backup_helpers import local, make_engine, mark_of, set_mark, slots
from tests.helpers import FakeClock


@pytest.fixture
def clock():
    return FakeClock(local(2026, 11, 27, 14, 0))


@pytest.fixture
def engine(tmp_path, clock):
    return make_engine(tmp_path, clock)


def live(engine, name="todo.db"):
    return engine.sources[name].path


def daily(engine, clock, days, name="todo.db"):
    """One backup a day for `days` days, marking each; leaves the clock on the last day."""
    for n in range(days):
        set_mark(live(engine, name), f"day {n}")
        engine.run([name], who="tester")
        clock.advance(days=1)
    clock.advance(days=-1)


def test_first_run_lays_out_the_backup_folder(engine, tmp_path):
    set_mark(live(engine), "first")
    result = engine.run(who="alice")
    backup = tmp_path / "backup"
    assert {f.name for f in result.files} == {"system.db", "todo.db"}
    assert all(f.outcome == "first copy" for f in result.files)
    assert (backup / "todo.db").is_file() and mark_of(backup / "todo.db") == "first"
    for g in range(1, 8):
        assert (backup / str(g)).is_dir()
    ledger = parse((backup / "backup.txt").read_text())
    entries = ledger.entries
    assert not ledger.damage
    assert {(e.name, e.generation, e.taken_by) for e in entries} == {
        ("system.db", "newest", "alice"),
        ("todo.db", "newest", "alice"),
    }
    todo = next(e for e in entries if e.name == "todo.db")
    assert todo.taken_at == local(2026, 11, 27, 14, 0)
    assert todo.size == (backup / "todo.db").stat().st_size
    assert len(todo.sha256) == 64
    assert not [p for p in backup.iterdir() if p.name.endswith((".partial", ".discard"))]


def test_a_copy_is_a_self_contained_sound_database(engine, tmp_path):
    set_mark(live(engine), "x")
    engine.run(who="t")
    copy = tmp_path / "backup" / "todo.db"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not (tmp_path / "backup" / "todo.db-wal").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_copies_are_private(engine, tmp_path):
    engine.run(who="t")
    backup = tmp_path / "backup"
    assert stat.S_IMODE((backup / "todo.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((backup / "backup.txt").stat().st_mode) == 0o600
    assert stat.S_IMODE((backup / "3").stat().st_mode) == 0o700
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700


def test_same_day_backup_replaces_the_newest(engine, clock):
    set_mark(live(engine), "morning")
    engine.run(["todo.db"], who="t")
    clock.advance(hours=9, minutes=59, seconds=59)  # 23:59:59 the same day
    set_mark(live(engine), "night")
    result = engine.run(["todo.db"], who="t")
    assert result.files[0].outcome == "replaced"
    assert slots(engine, "todo.db") == ["night"] + [None] * 7


def test_first_backup_after_midnight_rotates(engine, clock):
    clock.set(local(2026, 11, 27, 23, 59, 59))
    set_mark(live(engine), "before")
    engine.run(["todo.db"], who="t")
    clock.set(local(2026, 11, 28, 0, 0, 0))
    set_mark(live(engine), "after")
    assert engine.run(["todo.db"], who="t").files[0].outcome == "rotated"
    assert slots(engine, "todo.db")[:3] == ["after", "before", None]


def test_the_day_is_the_portals_local_day_not_utcs(engine, clock):
    # 23:30 UTC on the 27th is already 00:30 on the 28th in Berlin: a new day.
    clock.set(local(2026, 11, 27, 12, 0))
    engine.run(["todo.db"], who="t")
    from tests.helpers import utc

    clock.set(utc(2026, 11, 27, 23, 30).astimezone(clock().tzinfo))
    assert engine.run(["todo.db"], who="t").files[0].outcome == "rotated"


def test_daylight_saving_change_day_counts_once(engine, clock):
    # Europe/Berlin leaves summer time on 25 Oct 2026: 02:00-03:00 happens twice.
    clock.set(local(2026, 10, 25, 1, 30))
    engine.run(["todo.db"], who="t")
    clock.set(local(2026, 10, 25, 23, 59))
    assert engine.run(["todo.db"], who="t").files[0].outcome == "replaced"
    clock.set(local(2026, 10, 26, 0, 1))
    assert engine.run(["todo.db"], who="t").files[0].outcome == "rotated"


def test_never_more_than_eight_copies(engine, clock):
    daily(engine, clock, 10)
    assert slots(engine, "todo.db") == [f"day {n}" for n in range(9, 1, -1)]
    assert len([e for e in engine.generations() if e.name == "todo.db"]) == 8


def test_a_single_file_backup_leaves_the_others_alone(engine, clock):
    engine.run(who="t")
    clock.advance(days=1)
    engine.run(["todo.db"], who="t")
    layout = engine.layout
    assert layout.slot("todo.db", 1).exists()
    assert not layout.slot("system.db", 1).exists()


def test_missing_ledger_is_rebuilt_and_work_goes_on(engine, clock, tmp_path):
    daily(engine, clock, 3)
    (tmp_path / "backup" / "backup.txt").unlink()
    clock.advance(days=1)
    result = engine.run(["todo.db"], who="bob")
    assert any("backup.txt was missing" in note for note in result.notes)
    entries = parse((tmp_path / "backup" / "backup.txt").read_text()).entries
    by_gen = {e.generation: e for e in entries if e.name == "todo.db"}
    assert by_gen["newest"].taken_by == "bob" and by_gen["newest"].recorded
    # The rebuild never writes down a hash for bytes it did not make.
    assert by_gen["1"].taken_by == UNKNOWN and not by_gen["1"].recorded
    assert by_gen["3"].taken_at.date() == local(2026, 11, 27).date()
    assert engine.verify().ok


def test_damaged_ledger_is_rebuilt(engine, clock, tmp_path):
    daily(engine, clock, 2)
    ledger = tmp_path / "backup" / "backup.txt"
    lines = ledger.read_text().splitlines(keepends=True)
    first_data = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    # A torn line and some noise, as a crashed editor or a bad disk might leave.
    lines[first_data] = lines[first_data][:30] + "\n"
    ledger.write_text("".join(lines) + "\x00garbage\tline\n")
    clock.advance(days=1)
    set_mark(live(engine), "today")
    result = engine.run(["todo.db"], who="t")
    assert any("damaged" in note for note in result.notes)
    assert slots(engine, "todo.db")[:4] == ["today", "day 1", "day 0", None]
    rewritten = parse(ledger.read_text())
    entries = rewritten.entries
    assert not rewritten.damage
    assert len([e for e in entries if e.name == "todo.db"]) == 3
    assert engine.verify().ok


def test_deleted_generation_folders_are_recreated(engine, clock, tmp_path):
    daily(engine, clock, 3)
    import shutil

    shutil.rmtree(tmp_path / "backup" / "2")
    shutil.rmtree(tmp_path / "backup" / "5")
    clock.advance(days=1)
    set_mark(live(engine), "today")
    engine.run(["todo.db"], who="t")
    # the gap left by the deleted copy is filled, nothing else is lost
    assert slots(engine, "todo.db")[:4] == ["today", "day 2", "day 1", None]
    assert (tmp_path / "backup" / "5").is_dir()


def test_leftovers_are_removed_at_the_next_run(engine, tmp_path):
    engine.run(who="t")
    backup = tmp_path / "backup"
    for name in (
        ".todo.db.0badc0de.partial",
        ".todo.db.0badc0de.partial-journal",
        ".system.db.12345678.discard",
    ):
        (backup / name).write_bytes(b"half")
    result = engine.run(who="t")
    assert "leftover" in result.notes[0]
    assert not [p for p in backup.iterdir() if ".partial" in p.name or ".discard" in p.name]


def test_a_second_run_is_told_one_is_running(engine, clock):
    with (
        backup_lock.exclusive(engine.layout, "alice", clock(), wait=0),
        pytest.raises(BackupBusy, match="started by alice at 14:00"),
    ):
        engine.run(who="bob")
    engine.run(who="bob")  # free again


def test_two_threads_at_once_rotate_once(engine, clock):
    engine.run(["todo.db"], who="t")
    clock.advance(days=1)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def go():
        barrier.wait()
        try:
            outcomes.append(engine.run(["todo.db"], who="t", wait=None).files[0].outcome)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["replaced", "rotated"]
    assert engine.layout.slot("todo.db", 1).exists()
    assert not engine.layout.slot("todo.db", 2).exists()


class TinyDisk(FileOps):
    def free_space(self, path):
        return 1024


def test_not_enough_space_changes_nothing(tmp_path, clock):
    engine = make_engine(tmp_path, clock)
    engine.run(who="t")
    before = sorted((p.name, p.stat().st_mtime) for p in (tmp_path / "backup").rglob("*.db"))
    ledger = (tmp_path / "backup" / "backup.txt").read_text()
    engine.ops = TinyDisk()
    clock.advance(days=1)
    with pytest.raises(BackupError, match="Not enough free disk space"):
        engine.run(who="t")
    after = sorted((p.name, p.stat().st_mtime) for p in (tmp_path / "backup").rglob("*.db"))
    assert before == after
    assert (tmp_path / "backup" / "backup.txt").read_text() == ledger


def test_unknown_file_name_is_refused(engine):
    with pytest.raises(BackupError, match="no data file called 'nope.db'"):
        engine.run(["nope.db"], who="t")


def test_verify_reports_each_problem_by_file_and_generation(engine, clock, tmp_path):
    daily(engine, clock, 4)
    assert engine.verify().ok
    backup = tmp_path / "backup"
    damaged = backup / "2" / "todo.db"
    data = bytearray(damaged.read_bytes())
    data[200:260] = b"\xff" * 60  # inside the first page's content
    mtime = damaged.stat().st_mtime
    damaged.write_bytes(bytes(data))
    os.utime(damaged, (mtime, mtime))
    (backup / "3" / "todo.db").unlink()
    report = engine.verify()
    messages = [str(p) for p in report.problems]
    assert any(m.startswith("todo.db, generation 2: SHA-256 differs") for m in messages)
    assert any(
        m.startswith("todo.db, generation 3: listed in backup.txt but missing") for m in messages
    )
    assert not report.ok


def test_restore_brings_back_a_generation_and_keeps_a_safety_copy(engine, clock, tmp_path):
    daily(engine, clock, 3)
    set_mark(live(engine), "live now")
    system_before = live(engine, "system.db").read_bytes()
    reader = sqlite3.connect(live(engine))  # a connection the running portal holds open
    assert reader.execute("SELECT mark FROM marks ORDER BY id DESC").fetchone()[0] == "live now"
    result = engine.restore("todo.db", 2, who="admin")
    assert reader.execute("SELECT mark FROM marks ORDER BY id DESC").fetchone()[0] == "day 0"
    assert mark_of(result.safety_copy) == "live now"
    assert result.safety_copy.parent == tmp_path / "backup" / "pre-restore"
    assert live(engine, "system.db").read_bytes() == system_before
    conn = sqlite3.connect(live(engine))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert slots(engine, "todo.db")[:3] == ["day 2", "day 1", "day 0"]  # copies untouched


def test_restore_refuses_a_damaged_copy(engine, clock, tmp_path):
    daily(engine, clock, 2)
    set_mark(live(engine), "live now")
    copy = tmp_path / "backup" / "1" / "todo.db"
    copy.write_bytes(b"not a database at all" * 200)
    with pytest.raises(RestoreError, match="damaged"):
        engine.restore("todo.db", 1, who="admin")
    assert mark_of(live(engine)) == "live now"


def test_restore_of_a_missing_generation(engine):
    engine.run(who="t")
    with pytest.raises(RestoreError, match="todo.db has no copy at generation 5"):
        engine.restore("todo.db", 5, who="admin")


def test_progress_is_reported(engine):
    seen = []
    engine.run(
        ["todo.db"], who="t", progress=lambda name, done, total: seen.append((name, done, total))
    )
    assert seen and seen[-1][0] == "todo.db" and seen[-1][1] == seen[-1][2]


def test_one_generation_a_day_over_a_week_keeps_dates(engine, clock):
    daily(engine, clock, 8)
    days = [e.taken_at.date() for e in engine.generations() if e.name == "todo.db"]
    assert days == [local(2026, 11, 27).date() + timedelta(days=7 - n) for n in range(8)]
