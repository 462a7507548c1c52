"""Data files: connections, transactions, migrations."""

import sqlite3
import threading

import pytest

from portal import db
from portal.datafiles import DATA_FILES, DataFile, data_file
from portal.web import instance_of


def test_connection_settings(tmp_path):
    conn = db.connect(tmp_path / "x.db", busy_timeout_ms=1234, create=True)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_missing_data_file_is_never_made_by_a_plain_connection(tmp_path):
    with pytest.raises(sqlite3.OperationalError):
        db.connect(tmp_path / "gone.db")
    assert not (tmp_path / "gone.db").exists()


def test_text_that_is_not_utf8_is_read_with_replacement_characters(tmp_path):
    conn = db.connect(tmp_path / "x.db", create=True)
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.execute("INSERT INTO t VALUES (CAST(X'41FF42' AS TEXT))")
    assert conn.execute("SELECT v FROM t").fetchone()[0] == "A\ufffdB"


def test_transaction_rolls_back_on_error(tmp_path):
    conn = db.connect(tmp_path / "x.db", create=True)
    conn.execute("CREATE TABLE t (v)")
    with pytest.raises(ZeroDivisionError), db.transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        _ = 1 / 0
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_a_transaction_inside_another_is_part_of_it(tmp_path):
    """One unit of work (issue 22): writes that open their own transaction (an audit
    entry, today's record) join the one around them. An inner failure undoes only the
    inner writes; an outer failure undoes all of them; nothing is committed before the
    outer transaction ends."""
    path = tmp_path / "x.db"
    conn = db.connect(path, create=True)
    conn.execute("CREATE TABLE t (v)")
    other = db.connect(path)
    with db.transaction(conn):
        with db.transaction(conn):
            conn.execute("INSERT INTO t VALUES ('kept')")
        with pytest.raises(ZeroDivisionError), db.transaction(conn):
            conn.execute("INSERT INTO t VALUES ('undone')")
            _ = 1 / 0
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # not yet
    assert [r[0] for r in other.execute("SELECT v FROM t")] == ["kept"]
    with pytest.raises(ZeroDivisionError), db.transaction(conn):
        with db.transaction(conn):
            conn.execute("INSERT INTO t VALUES ('inner, then the outer failed')")
        _ = 1 / 0
    assert [r[0] for r in other.execute("SELECT v FROM t")] == ["kept"]


SPEC = DataFile(
    "t.db",
    "test",
    (
        "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);\nCREATE INDEX a_v ON a(v);",
        "ALTER TABLE a ADD COLUMN w TEXT;",
    ),
)


def test_migrate_applies_each_step_once(tmp_path):
    conn = db.connect(tmp_path / "t.db", create=True)
    assert db.migrate(conn, DataFile("t.db", "", SPEC.migrations[:1])) == (0, 1)
    assert db.migrate(conn, SPEC) == (1, 2)
    assert db.migrate(conn, SPEC) == (2, 2)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(a)")]
    assert columns == ["id", "v", "w"]


def test_migrations_from_two_threads_at_once(tmp_path):
    errors = []

    def run():
        try:
            conn = db.connect(tmp_path / "t.db", create=True)
            db.migrate(conn, SPEC)
            conn.close()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    conn = sqlite3.connect(tmp_path / "t.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_newer_schema_is_refused(tmp_path):
    conn = db.connect(tmp_path / "t.db", create=True)
    conn.execute("PRAGMA user_version = 9")
    with pytest.raises(RuntimeError, match="newer than this portal knows"):
        db.migrate(conn, SPEC)


def test_a_failed_migration_changes_nothing(tmp_path):
    conn = db.connect(tmp_path / "t.db", create=True)
    broken = DataFile("t.db", "", ("CREATE TABLE a (v);\nCREATE TABLE a (v);",))
    with pytest.raises(sqlite3.OperationalError):
        db.migrate(conn, broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_start_puts_every_data_file_in_wal_mode(app):
    for spec in DATA_FILES:
        conn = sqlite3.connect(db.data_path(spec.name, instance_of(app).data_dir))
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


def test_registry_lists_the_four_data_files():
    assert [spec.name for spec in DATA_FILES] == [
        "system.db",
        "schedule.db",
        "bulletin.db",
        "todo.db",
    ]
    assert data_file("todo.db").description
    with pytest.raises(KeyError):
        data_file("../etc/passwd")
