"""Safety copies (backup/pre-restore/): names never reused, listed, pruned by one rule,
and counted in a restore's free-space check; and a restore that checks the kind of copy."""

from __future__ import annotations

import sqlite3

import pytest

from portal.backup import BackupError, RestoreError
from portal.backup.engine import Source
from portal.backup.fileops import FileOps
from portal.backup.safety import KEEP, KEEP_DAYS
from tests.backup_helpers import local, make_engine, mark_of, set_mark
from tests.helpers import FakeClock


@pytest.fixture
def clock():
    return FakeClock(local(2026, 11, 1, 9, 0))


@pytest.fixture
def engine(tmp_path, clock):
    engine = make_engine(tmp_path, clock)
    set_mark(engine.sources["todo.db"].path, "backed up")
    engine.run(who="t")
    return engine


def test_a_name_is_never_reused(engine):
    live = engine.sources["todo.db"].path
    names = []
    for n in range(3):
        set_mark(live, f"live {n}")
        names.append(engine.restore("todo.db", 0, who="t").safety_copy.name)
    assert names == [
        "todo-20261101-090000.db",
        "todo-20261101-090000-2.db",
        "todo-20261101-090000-3.db",
    ]
    listed = engine.safety_copies()
    assert [c.path.name for c in listed] == list(reversed(names))  # newest first
    assert [mark_of(c.path) for c in listed] == ["live 2", "live 1", "live 0"]
    assert all(c.size > 0 and c.name == "todo.db" for c in listed)


def test_pruning_keeps_the_newest_three_and_everything_younger_than_a_week(engine, clock):
    made = []
    for _day in range(12):  # one restore a day for twelve days
        made.append(engine.restore("todo.db", 0, who="t").safety_copy)
        clock.advance(days=1)
    clock.advance(days=-1)
    kept = {c.path for c in engine.safety_copies()}
    # The last restore (day 12) pruned what was older than 7 days and not among the newest 3.
    young = {p for i, p in enumerate(made) if (len(made) - 1 - i) <= KEEP_DAYS}
    assert kept == young | set(made[-KEEP:])
    assert len(kept) == KEEP_DAYS + 1
    assert all(p.exists() == (p in kept) for p in made)


def test_old_safety_copies_are_kept_while_fewer_than_three(engine, clock):
    first = engine.restore("todo.db", 0, who="t").safety_copy
    clock.advance(days=60)
    engine.restore("todo.db", 0, who="t")
    assert first.exists()
    assert len(engine.safety_copies()) == 2 <= KEEP


def test_other_files_safety_copies_are_not_pruned_by_this_one(engine, clock):
    system = engine.restore("system.db", 0, who="t").safety_copy
    clock.advance(days=30)
    for _ in range(5):
        engine.restore("todo.db", 0, who="t")
    assert system.exists()


class NoRoom(FileOps):
    def free_space(self, path):
        return 10_000


def test_a_restore_checks_the_room_for_its_safety_copy(engine):
    live = engine.sources["todo.db"].path
    set_mark(live, "live now")
    engine.ops = NoRoom()
    with pytest.raises(BackupError, match="Not enough free disk space for the restore"):
        engine.restore("todo.db", 0, who="t")
    assert mark_of(live) == "live now"
    assert engine.safety_copies() == []


def test_a_backup_refuses_a_live_file_of_the_wrong_kind(tmp_path, clock):
    engine = make_engine(tmp_path, clock)
    path = engine.sources["todo.db"].path
    engine.sources["todo.db"] = Source(
        "todo.db", path, lambda p: None if "marks" in tables(p) else "no marks table"
    )
    set_mark(path, "good")
    engine.run(["todo.db"], who="t")
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE marks")
    conn.close()
    clock.advance(days=1)
    with pytest.raises(BackupError, match="not a todo.db data file"):
        engine.run(["todo.db"], who="t")
    assert mark_of(engine.layout.slot("todo.db", 0)) == "good"
    assert not engine.layout.slot("todo.db", 1).exists()


def test_a_restore_refuses_a_copy_of_the_wrong_kind_even_forced(tmp_path, clock):
    engine = make_engine(tmp_path, clock)
    path = engine.sources["todo.db"].path
    set_mark(path, "live")
    engine.run(["todo.db"], who="t")
    engine.sources["todo.db"] = Source("todo.db", path, lambda p: "wrong tables")
    with pytest.raises(RestoreError, match="is not a copy of todo.db"):
        engine.restore("todo.db", 0, who="t", force=True)
    assert engine.safety_copies() == []


def tables(path) -> set[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
