"""Issue 20, item 1: a restore never loses a save that was acknowledged while it ran.

The rule: every write committed before the restore's switch is in the safety copy, every
write committed after it is in the restored live data, none in neither. A writer commits
a numbered row every few milliseconds (each row is acknowledged once its COMMIT returns)
while the same file is restored again and again; afterwards every acknowledged row must be
in one of the safety copies or in the live file."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from portal.backup import BackupEngine, Source
from portal.backup.fileops import FileOps
from tests.backup_helpers import local
from tests.helpers import FakeClock


def _build(path, blob_rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE bulk (b BLOB)")
    conn.execute("CREATE TABLE saves (n INTEGER PRIMARY KEY)")
    conn.execute(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)"
        " INSERT INTO bulk SELECT randomblob(4000) FROM k",
        (blob_rows,),
    )
    conn.commit()
    conn.close()


def _saves(path) -> set[int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {n for (n,) in conn.execute("SELECT n FROM saves")}
    finally:
        conn.close()


class SlowSafetyCopy(FileOps):
    """A safety copy that takes as long as one of a large file does (tens of ms)."""

    def snapshot(self, source, target, progress=None):
        super().snapshot(source, target, progress)
        time.sleep(0.05)


class Writer:
    """Commits numbered rows into `saves`; `acknowledged` holds each row whose COMMIT
    returned (what the portal would have answered as saved)."""

    def __init__(self, path):
        self.path = path
        self.acknowledged: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO saves VALUES (?)", (n,))
                conn.execute("COMMIT")
            except sqlite3.OperationalError:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                continue  # not acknowledged: the user would have seen an error
            self.acknowledged.append(n)
            time.sleep(0.002)
        conn.close()

    def wait_for(self, count: int, seconds: float = 60) -> None:
        """Waits until `count` saves are acknowledged, so that every restore overlaps
        writes however slow the machine is (a fixed sleep gave 16 saves on a busy CI)."""
        deadline = time.monotonic() + seconds
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"the writer made {len(self.acknowledged)} saves"
            time.sleep(0.005)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def _restores_under_a_writer(
    tmp_path, rounds: int, blob_rows: int, ops: FileOps | None, saves_between: int = 3
):
    live = tmp_path / "data" / "todo.db"
    live.parent.mkdir()
    _build(live, blob_rows)
    clock = FakeClock(local(2026, 12, 6, 10, 0))
    engine = BackupEngine(tmp_path / "backup", [Source("todo.db", live)], clock, ops=ops)
    engine.run(who="alice")
    in_copy = _saves(engine.layout.slot("todo.db", 0))
    safety: set[int] = set()
    with Writer(live) as writer:
        for _ in range(rounds):
            writer.wait_for(len(writer.acknowledged) + saves_between)
            clock.advance(seconds=1)
            result = engine.restore("todo.db", 0, who="admin")
            safety |= _saves(result.safety_copy)  # read now: old safety copies are pruned
    return writer.acknowledged, safety, _saves(live), in_copy


def test_no_acknowledged_save_is_lost_by_a_restore_with_a_slow_safety_copy(tmp_path):
    acknowledged, safety, live, in_copy = _restores_under_a_writer(
        tmp_path, rounds=8, blob_rows=200, ops=SlowSafetyCopy()
    )
    assert len(acknowledged) > 20 and in_copy == set()
    lost = sorted(set(acknowledged) - safety - live)
    assert lost == [], f"{len(lost)} acknowledged saves are in neither the safety copies nor live"


def test_no_acknowledged_save_is_lost_by_many_restores_of_a_larger_file(tmp_path):
    acknowledged, safety, live, _ = _restores_under_a_writer(
        tmp_path, rounds=15, blob_rows=5000, ops=None
    )
    assert len(acknowledged) > 20
    assert sorted(set(acknowledged) - safety - live) == []


@pytest.mark.slow
def test_no_acknowledged_save_is_lost_by_100_restores_of_a_120_mb_file(tmp_path):
    acknowledged, safety, live, _ = _restores_under_a_writer(
        tmp_path, rounds=100, blob_rows=30000, ops=None, saves_between=11
    )
    assert len(acknowledged) > 1000
    assert sorted(set(acknowledged) - safety - live) == []
