"""The Windows-semantics double itself (tests/windows_semantics.py): it refuses what
Windows refuses, and only that."""

from __future__ import annotations

import os
import sqlite3

import pytest


def test_an_open_file_cannot_be_renamed_or_deleted_until_it_is_closed(tmp_path, windows):
    path = tmp_path / "copy.db"
    path.write_bytes(b"x")
    handle = open(path, "rb")  # noqa: SIM115 - held open on purpose
    with pytest.raises(PermissionError) as refused:
        os.replace(path, tmp_path / "moved.db")
    assert refused.value.winerror == 32
    with pytest.raises(PermissionError):
        path.unlink()
    other = tmp_path / "other.db"
    other.write_bytes(b"y")
    with pytest.raises(PermissionError):  # nor replaced by another file
        os.replace(other, path)
    handle.close()
    os.replace(path, tmp_path / "moved.db")
    (tmp_path / "moved.db").unlink()


def test_an_open_sqlite_connection_holds_its_database_and_side_files(tmp_path, windows):
    path = tmp_path / "todo.db"
    conn = sqlite3.connect(f"{path.as_uri()}?mode=rwc", uri=True)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    for target in (path, tmp_path / "todo.db-wal"):
        with pytest.raises(PermissionError):
            os.unlink(target)
    conn.close()
    path.unlink()


def test_a_handle_dropped_without_close_is_let_go_once_collected(tmp_path, windows):
    import gc

    path = tmp_path / "copy.db"
    path.write_bytes(b"x")
    handle = open(path, "rb")  # noqa: SIM115 - left to the collector on purpose
    del handle
    gc.collect()
    path.unlink()
