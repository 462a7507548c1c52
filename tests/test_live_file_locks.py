"""A defect found by the two-process backup test, which failed about once in thirty runs
with "system.db: the copy failed (disk I/O error)" or "database disk image is
malformed": the portal opened live data files with Python's open() to read their
header (data_health.live_problem, FileOps.is_database). Closing that handle drops every
POSIX lock this process's SQLite connections hold on the file (advisory locks belong to
the process, not the handle), so another process closing its last connection takes
itself for the last one and deletes the WAL under a live connection: the way the SQLite
documentation lists to corrupt a database ("How To Corrupt", 2.2).

Each check below runs while this process keeps a connection open (as a serving portal
keeps one per thread), then another process opens and closes its own: the WAL must
still be there, because this process still uses it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from portal.backup.fileops import FileOps
from portal.data_health import live_problem

CHECKS = {
    "data_health.live_problem": lambda path: live_problem(path),
    "FileOps.is_database": lambda path: FileOps().is_database(path),
}
OTHER_PROCESS = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "c.execute('SELECT count(*) FROM t').fetchone(); c.close()"
)


def _live_wal_database(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.execute("SELECT count(*) FROM t").fetchone()
    return conn


@pytest.mark.parametrize("check", list(CHECKS))
def test_checking_a_live_data_file_keeps_this_processs_locks(tmp_path, check):
    path = tmp_path / "system.db"
    kept = _live_wal_database(path)  # like a serving portal's kept connection
    try:
        CHECKS[check](path)
        subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(path)], check=True)
        assert Path(f"{path}-wal").exists(), (
            f"{check} dropped this process's locks: another process deleted the WAL "
            "that a live connection here still uses"
        )
        kept.execute("INSERT INTO t VALUES (2)")
        kept.commit()
        assert kept.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        kept.close()


def test_the_checks_still_tell_what_is_wrong(tmp_path):
    good = tmp_path / "good.db"
    _live_wal_database(good).close()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    text = tmp_path / "text.db"
    text.write_text("not a database at all, but long enough to have a header" * 20)
    folder = tmp_path / "folder.db"
    folder.mkdir()
    assert live_problem(good) is None
    assert live_problem(tmp_path / "missing.db") == "is missing"
    assert live_problem(empty) == "is not a database (it may be damaged)"
    assert live_problem(text) == "is not a database (it may be damaged)"
    assert live_problem(folder) == "is a folder, not a database"
    ops = FileOps()
    assert ops.is_database(good) and not ops.is_database(text)
    assert not ops.is_database(empty) and not ops.is_database(tmp_path / "missing.db")


def test_a_path_that_cannot_be_looked_at_and_a_busy_database(tmp_path, monkeypatch):
    from portal.backup import database_files

    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert live_problem(a_file / "system.db").startswith("cannot be read (")
    # A writer holding the whole database (rollback journal, EXCLUSIVE): still a database.
    busy = tmp_path / "busy.db"
    writer = sqlite3.connect(busy, isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("INSERT INTO t VALUES (1)")
    monkeypatch.setattr(database_files, "BUSY_SECONDS", 0.05)
    try:
        assert database_files.database_problem(busy) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
