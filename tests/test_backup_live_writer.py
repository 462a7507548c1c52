"""A writer committing every 10 ms during the backup of a data file of over 200 MB:
no committed write is lost, and the copy holds a consistent prefix of the writes.
The writer's longest wait is reported (a figure, not an assertion; bench/ measures it)."""

from __future__ import annotations

import sqlite3
import threading
import time

from portal.backup import BackupEngine, Source
from tests.backup_helpers import local
from tests.helpers import FakeClock

SIZE_MB = 210


def build(path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE bulk (b BLOB)")
    conn.execute("CREATE TABLE writes (seq INTEGER, part TEXT, PRIMARY KEY (seq, part))")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO bulk SELECT randomblob(4000) FROM n",
        (SIZE_MB * 250,),
    )
    conn.commit()
    conn.close()


def test_writer_during_a_large_backup(tmp_path):
    live = tmp_path / "data" / "big.db"
    live.parent.mkdir()
    build(live)
    assert live.stat().st_size > 200 * 1024 * 1024
    engine = BackupEngine(
        tmp_path / "backup", [Source("big.db", live)], FakeClock(local(2026, 11, 27, 10, 0))
    )

    stop = threading.Event()
    committed, waits = [], []

    def writer():
        conn = sqlite3.connect(live, isolation_level=None, timeout=30)
        seq = 0
        while not stop.is_set():
            seq += 1
            began = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            # Two rows per transaction: a torn copy would hold one without the other.
            conn.execute("INSERT INTO writes VALUES (?, 'a')", (seq,))
            conn.execute("INSERT INTO writes VALUES (?, 'b')", (seq,))
            conn.execute("COMMIT")
            waits.append(time.perf_counter() - began)
            committed.append(seq)
            time.sleep(0.01)
        conn.close()

    def writes_after(count: int) -> None:
        """Until the writer has committed a few more transactions (never a fixed sleep:
        on a busy machine 0.2 s held none at all)."""
        deadline = time.monotonic() + 60
        while len(committed) < count + 5:
            assert time.monotonic() < deadline and thread.is_alive(), "the writer stalled"
            time.sleep(0.005)

    thread = threading.Thread(target=writer)
    thread.start()
    writes_after(0)  # writing before the backup starts
    began = time.perf_counter()
    engine.run(who="test")
    backup_seconds = time.perf_counter() - began
    writes_after(len(committed))  # and going on after it
    stop.set()
    thread.join()

    conn = sqlite3.connect(live)
    in_live = [r[0] for r in conn.execute("SELECT seq FROM writes WHERE part = 'a' ORDER BY seq")]
    assert in_live == committed  # zero lost writes
    copy = sqlite3.connect(tmp_path / "backup" / "big.db")
    rows = copy.execute("SELECT seq, count(*) FROM writes GROUP BY seq ORDER BY seq").fetchall()
    prefix = [seq for seq, _ in rows]
    assert prefix == list(range(1, len(prefix) + 1))  # a prefix, no holes
    assert all(count == 2 for _, count in rows)  # no half transaction
    assert 0 < len(prefix) <= len(committed)
    print(
        f"\n{SIZE_MB} MB backed up in {backup_seconds:.2f} s; {len(committed)} writes during "
        f"the run, longest writer wait {max(waits) * 1000:.1f} ms, copy holds "
        f"{len(prefix)} of them"
    )
