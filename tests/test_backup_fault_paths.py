"""Issue 12: the failure paths of verify and restore, reached through the injected file
operations (FileOps is the seam): a copy whose integrity check fails, one that cannot be
read, a restore whose staged copy is damaged or cannot be copied aside."""

from __future__ import annotations

import errno

import pytest

from portal.backup import RestoreError
from portal.backup.fileops import FileOps
from tests.backup_helpers import full_generations, local, make_engine, mark_of
from tests.helpers import FakeClock

NOW = local(2026, 11, 27, 9)


class DamagedGeneration3(FileOps):
    """SQLite's integrity check finds damage in todo.db's generation 3."""

    def check(self, path, thorough=True):
        if path.name == "todo.db" and path.parent.name == "3":
            return "*** in database main ***\nPage 2: btree corrupt"
        return super().check(path, thorough)


class UnreadableGeneration5(FileOps):
    """The disk cannot read todo.db's generation 5."""

    def sha256(self, path):
        if path.name == "todo.db" and path.parent.name == "5":
            raise OSError(errno.EIO, "Input/output error")
        return super().sha256(path)


def test_verify_names_a_copy_whose_integrity_check_fails(tmp_path):
    engine = make_engine(full_generations(tmp_path), FakeClock(NOW), DamagedGeneration3())
    report = engine.verify()
    assert not report.ok
    [problem] = report.problems
    assert (problem.name, problem.generation) == ("todo.db", "3")
    assert "integrity check failed" in problem.message and "btree corrupt" in problem.message
    assert "1 problem found: todo.db, generation 3: integrity check failed" in report.summary()


def test_verify_names_a_copy_that_cannot_be_read(tmp_path):
    engine = make_engine(full_generations(tmp_path), FakeClock(NOW), UnreadableGeneration5())
    report = engine.verify()
    [problem] = report.problems
    assert (problem.name, problem.generation) == ("todo.db", "5")
    assert "could not be read" in problem.message and "Input/output error" in problem.message
    assert len(report.checked) == 15  # every other copy of the two files was verified


class DamagedWhenStaged(FileOps):
    """The copy set aside for a restore fails SQLite's integrity check (a bad sector
    met on the way, say): restore checks the bytes it would put live, not the copy."""

    def check(self, path, thorough=True):
        if path.name.endswith(".partial"):
            return "*** in database main ***\nPage 2: btree corrupt"
        return super().check(path, thorough)


def test_a_damaged_copy_is_not_restored_and_the_live_file_is_untouched(tmp_path):
    root = full_generations(tmp_path)
    engine = make_engine(root, FakeClock(NOW), DamagedWhenStaged())
    live = engine.sources["todo.db"].path
    before = live.read_bytes()
    with pytest.raises(RestoreError, match=r"(?s)is damaged .*btree corrupt.*not restored"):
        engine.restore("todo.db", 3, who="test")
    assert live.read_bytes() == before and mark_of(live) == "todo.db today"
    assert not (root / "backup" / "pre-restore").exists()  # nothing was kept: nothing changed
    assert not list((root / "backup").glob("*.partial"))  # the staged copy is gone


def test_a_copy_that_cannot_be_copied_aside_is_not_restored(tmp_path):
    class CannotCopy(FileOps):
        def copy_file(self, source, target):
            raise OSError(errno.ENOSPC, "No space left on device")

    root = full_generations(tmp_path)
    engine = make_engine(root, FakeClock(NOW), CannotCopy())
    live = engine.sources["todo.db"].path
    with pytest.raises(RestoreError, match="could not be read .*No space left.*not restored"):
        engine.restore("todo.db", 1, who="test")
    assert mark_of(live) == "todo.db today"
    assert not (root / "backup" / "pre-restore").exists()
