"""A disk that fills up: checked before the run (nothing changed), and during the run
(on a real, small tmpfs where this machine allows mounting one, and simulated):
a clear error, every earlier copy intact, nothing half-written left."""

from __future__ import annotations

import errno
import sqlite3
import uuid
from pathlib import Path

import pytest

from portal.backup import BackupEngine, BackupError, Source
from portal.backup.fileops import FileOps
from tests.backup_helpers import local, make_live, mark_of, set_mark, tmpfs
from tests.helpers import FakeClock


def grow(path: Path, megabytes: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS bulk (b BLOB)")
    conn.executemany("INSERT INTO bulk VALUES (randomblob(1024))", [()] * (megabytes * 1000))
    conn.commit()
    conn.close()


class IgnoreFreeSpace(FileOps):
    """Skip the up-front check, so the disk fills during the copy."""

    def free_space(self, path):
        return 1 << 50


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs, mounted for this test (root only); skipped where mounting is refused."""
    with tmpfs(tmp_path / f"disk-{uuid.uuid4().hex[:6]}", "size=6m") as mount_point:
        yield mount_point


def assert_clean(backup: Path) -> None:
    half = [p.name for p in backup.iterdir() if ".partial" in p.name]
    assert half == [], f"half-written files left: {half}"


def test_real_full_disk_during_the_run(small_disk, tmp_path):
    live = make_live(tmp_path / "data", ["todo.db"])
    set_mark(live["todo.db"], "small")
    clock = FakeClock(local(2026, 11, 26, 10, 0))
    engine = BackupEngine(small_disk, [Source("todo.db", live["todo.db"])], clock)
    engine.run(who="t")
    grow(live["todo.db"], 8)  # now larger than the whole disk
    set_mark(live["todo.db"], "big")
    clock.advance(days=1)

    with pytest.raises(BackupError, match="Not enough free disk space"):
        engine.run(who="t")  # the check before the run
    engine.ops = IgnoreFreeSpace()
    with pytest.raises(BackupError) as failure:
        engine.run(who="t")  # the disk fills during the copy
    assert "full" in str(failure.value).lower() or "space" in str(failure.value).lower()
    assert mark_of(small_disk / "todo.db") == "small"
    assert_clean(small_disk)
    engine.ops = FileOps()
    assert engine.verify().ok


class FillsUp(FileOps):
    """The disk fills while the copy is being written: part of the file is there."""

    def snapshot(self, source, target, progress=None):
        target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
        raise OSError(errno.ENOSPC, "No space left on device")


def test_simulated_full_disk_during_the_run(tmp_path):
    live = make_live(tmp_path / "data", ["todo.db"])
    clock = FakeClock(local(2026, 11, 26, 10, 0))
    engine = BackupEngine(tmp_path / "backup", [Source("todo.db", live["todo.db"])], clock)
    set_mark(live["todo.db"], "yesterday")
    engine.run(who="t")
    clock.advance(days=1)
    engine.ops = FillsUp()
    with pytest.raises(BackupError, match="No space left on device"):
        engine.run(who="t")
    assert mark_of(tmp_path / "backup" / "todo.db") == "yesterday"
    assert_clean(tmp_path / "backup")
    engine.ops = FileOps()
    set_mark(live["todo.db"], "today")
    engine.run(who="t")
    assert mark_of(tmp_path / "backup" / "todo.db") == "today"
    assert mark_of(tmp_path / "backup" / "1" / "todo.db") == "yesterday"
