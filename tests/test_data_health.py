"""Whether a live data file is there and is a database, and whether a database is of a
data file's kind: its own tables, a schema version the portal can migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from portal import data_health
from portal.datafiles import data_file
from portal.db import connect, migrate
from portal.web import instance_of


def made(path: Path, name: str, version: int | None = None) -> Path:
    """A database with data file `name`'s schema (up to `version`)."""
    spec = data_file(name)
    conn = connect(path, create=True)
    migrate(conn, spec.__class__(spec.name, spec.description, spec.migrations[:version]))
    conn.close()
    return path


def test_a_data_file_of_its_own_kind_passes(tmp_path):
    assert data_health.wrong_kind(data_file("todo.db"), made(tmp_path / "t.db", "todo.db")) is None


def test_an_older_schema_version_passes_it_is_migrated_after_the_restore(tmp_path):
    old = made(tmp_path / "s.db", "system.db", version=1)
    assert data_health.wrong_kind(data_file("system.db"), old) is None


def test_a_table_added_beside_its_own_does_no_harm(tmp_path):
    path = made(tmp_path / "t.db", "todo.db")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE ballast (b BLOB)")
    conn.close()
    assert data_health.wrong_kind(data_file("todo.db"), path) is None


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: made(p, "system.db"), "newer than this portal knows"),
        (lambda p: made(p, "bulletin.db", version=1), "lacks the tables of todo.db"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE x (y)").connection.close(),
            "did not make",
        ),
        (
            lambda p: sqlite3.connect(p).execute("PRAGMA user_version = 0").connection.close(),
            "empty",
        ),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 2000), "cannot be read"),
        (lambda p: p.write_bytes(b"just text" * 300), "cannot be read"),
    ],
    ids=["another-newer-file", "another-file", "foreign", "empty", "torn", "not-a-database"],
)
def test_anything_else_is_named(tmp_path, make, says):
    path = tmp_path / "copy.db"
    make(path)
    problem = data_health.wrong_kind(data_file("todo.db"), path)
    assert problem is not None and says in problem, problem


def test_a_lookalike_with_a_column_missing_is_refused(tmp_path):
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    assert "lacks the tables of todo.db" in data_health.wrong_kind(data_file("todo.db"), path)


def test_live_problems(tmp_path):
    assert data_health.live_problem(tmp_path / "gone.db") == "is missing"
    (tmp_path / "text.db").write_text("hello")
    assert "is not a database" in data_health.live_problem(tmp_path / "text.db")
    (tmp_path / "folder.db").mkdir()
    assert "folder" in data_health.live_problem(tmp_path / "folder.db")
    assert data_health.live_problem(made(tmp_path / "ok.db", "todo.db")) is None


def test_the_fix_depends_on_whether_copies_exist(app):
    backup = Path(app.config["BACKUP_DIR"])
    (backup / "3").mkdir(parents=True, exist_ok=True)
    assert "flask --app portal init" in data_health.how_to_fix(instance_of(app), "todo.db")
    (backup / "3" / "todo.db").write_bytes(b"x")
    fix = data_health.how_to_fix(instance_of(app), "todo.db")
    assert "flask --app portal backup restore todo.db --generation 0" in fix
    assert f"PORTAL_INSTANCE_PATH={app.instance_path}" in fix


def test_a_new_instance_has_neither_data_files_nor_copies(tmp_path):
    data, backup = tmp_path / "data", tmp_path / "backup"
    assert data_health.is_new_instance(data, backup)
    (backup / "5").mkdir(parents=True)
    (backup / "5" / "bulletin.db").write_bytes(b"x")
    assert not data_health.is_new_instance(data, backup)  # data lost, copies kept
