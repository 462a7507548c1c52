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


# -- backup.txt lines that cannot be trusted --------------------------------------------

GOOD = "todo.db\tnewest\t2026-11-26T10:00:00+01:00\t12288\t" + "a" * 64 + "\talice"


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (GOOD.replace("a" * 64, "not-a-hash"), "the SHA-256 is not 64 hexadecimal digits"),
        (GOOD.replace("\t12288\t", "\t12kB\t"), "the size '12kB' is not a number"),
        (GOOD.replace("+01:00", ""), "has no UTC offset"),
        ("@latest-day\ttodo.db", "2 fields instead of 3"),
    ],
    ids=["sha", "size", "naive-time", "latest-day"],
)
def test_a_damaged_line_is_named_and_not_trusted(line, says):
    from portal.backup import ledger

    parsed = ledger.parse(line + "\n")
    assert parsed.entries == []
    [damage] = parsed.damage
    assert "line 1 cannot be read" in damage and says in damage


def test_a_slot_listed_twice_differently_is_trusted_in_neither():
    from portal.backup import ledger

    other = GOOD.replace("alice", "bob")
    parsed = ledger.parse(GOOD + "\n" + other + "\n")
    assert parsed.entries == []
    assert (
        "lists todo.db newest copy twice with different records (lines 1 and 2)"
        in (parsed.damage[0])
    )


# -- a run whose new copy fails its check; doors that refuse --------------------------


def test_a_new_copy_that_fails_its_integrity_check_replaces_nothing(tmp_path):
    from portal.backup import BackupError

    class NewCopyDamaged(FileOps):
        def check(self, path, thorough=True):
            if path.name.endswith(".partial"):
                return "Page 3: never used"
            return super().check(path, thorough)

    root = full_generations(tmp_path)
    engine = make_engine(root, FakeClock(NOW), NewCopyDamaged())
    before = {p: p.read_bytes() for p in (root / "backup").rglob("*.db")}
    with pytest.raises(BackupError, match="the new copy failed its integrity check: Page 3"):
        engine.run(["todo.db"], who="test")
    assert {p: p.read_bytes() for p in (root / "backup").rglob("*.db")} == before


def test_the_engine_refuses_a_generation_out_of_range_and_a_missing_data_file(tmp_path):
    from portal.backup import BackupError

    root = full_generations(tmp_path)
    engine = make_engine(root, FakeClock(NOW))
    with pytest.raises(RestoreError, match="The generation must be 0 .newest. to 7"):
        engine.restore("todo.db", 8, who="test")
    engine.sources["todo.db"].path.unlink()
    with pytest.raises(BackupError, match="todo.db: the data file .* is missing"):
        engine.run(["todo.db"], who="test")


def test_a_garbled_running_file_still_says_a_backup_is_running(tmp_path):
    from portal.backup.layout import Layout
    from portal.backup.lock import running_message

    layout = Layout(tmp_path)
    layout.running.write_text("not the three fields", encoding="utf-8")
    assert running_message(layout) == "A backup is already running."


def test_stray_files_in_pre_restore_are_not_safety_copies(tmp_path):
    from portal.backup import safety
    from portal.backup.layout import Layout

    layout = Layout(tmp_path)
    layout.pre_restore.mkdir(parents=True)
    (layout.pre_restore / "notes.txt").write_text("mine")
    (layout.pre_restore / "todo-20261127-090000.db").mkdir()  # a folder with a copy's name
    assert safety.listing(layout, ["todo.db"], NOW.tzinfo) == []


def test_check_names_a_file_that_is_not_a_database(tmp_path):
    text = tmp_path / "todo.db"
    text.write_text("not a database at all, " * 100)
    problem = FileOps().check(text)
    assert problem and "not a database" in problem


def test_a_generation_out_of_range_has_no_folder(tmp_path):
    from portal.backup.layout import Layout

    with pytest.raises(ValueError, match="generation must be 0 to 7, not 8"):
        Layout(tmp_path).slot_dir(8)
    assert Layout(tmp_path / "not yet made").leftovers() == []


def test_a_copy_gone_between_the_listing_and_the_restore_is_named(tmp_path):
    """restore_from reads the candidate under the lock; a copy deleted by hand a moment
    before gives 'could not be read', with the live file as it was."""
    from portal.backup.restore import Candidate

    engine = make_engine(full_generations(tmp_path), FakeClock(NOW))
    live = engine.sources["todo.db"].path
    before = mark_of(live)
    gone = Candidate(tmp_path / "gone.db", "The copy of todo.db", "0" * 64, NOW)
    with pytest.raises(RestoreError, match="could not be read"):
        engine.restore_from("todo.db", lambda: gone, "a copy deleted by hand")
    assert mark_of(live) == before
